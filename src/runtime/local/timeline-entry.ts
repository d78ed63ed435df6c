/** An error as Lambda's Runtime API carries it. */
export interface LambdaError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** One line a process of the environment wrote (Lambda's log stream). */
export interface LogLine {
  /** When the line arrived, in ms since the local runtime started. */
  readonly atMs: number;
  /** `runtime`, or the file name of the external extension that wrote it. */
  readonly source: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** How a phase ended. */
export type PhaseOutcome = 'ok' | 'error' | 'timeout' | 'crash';

/** Why an INIT ran again: what ended the environment before it. */
export type ReinitCause = 'init-error' | 'timeout' | 'crash' | 'shutdown';

/** An extension that registered with the Extensions API. */
export interface ExtensionInfo {
  readonly name: string;
  /** Internal extensions live in the runtime process, external ones apart. */
  readonly kind: 'internal' | 'external';
  readonly events: readonly ('INVOKE' | 'SHUTDOWN')[];
}

interface EntryBase {
  /** When the phase began, in ms since the local runtime started. */
  readonly startMs: number;
  readonly durationMs: number;
  /** The lines the environment wrote while the phase ran. */
  readonly logs: readonly LogLine[];
}

/** INIT: processes started until the runtime and every extension are ready. */
export interface InitEntry extends EntryBase {
  readonly phase: 'INIT';
  readonly outcome: PhaseOutcome;
  readonly error?: LambdaError;
  /** Set when an earlier environment ended and this one replaces it. */
  readonly reinit?: ReinitCause;
  /** The runtime process, when it started. */
  readonly pid?: number;
  readonly extensions: readonly ExtensionInfo[];
}

/**
 * INVOKE: one event, from its delivery until the runtime has answered and
 * every extension given the INVOKE event has asked for its next event.
 */
export interface InvokeEntry extends EntryBase {
  readonly phase: 'INVOKE';
  readonly requestId: string;
  /** The first invocation of a runtime process. */
  readonly coldStart: boolean;
  readonly outcome: PhaseOutcome;
  /** The response, parsed as JSON when it is JSON. */
  readonly result?: unknown;
  readonly error?: LambdaError;
  readonly pid?: number;
}

/** IDLE: a gap between invocations. */
export interface IdleEntry extends EntryBase {
  readonly phase: 'IDLE';
}

/**
 * One step of the framework's shutdown in the runtime process, as the line
 * lambda-lifecycle logs when its shutdown finishes names it.
 */
export interface ShutdownStep {
  /** `onShutdown` for an `@OnShutdown` hook, `dispose` for a disposer. */
  readonly kind: string;
  /** `Class.member`, or `"TOKEN".end` for a disposer. */
  readonly name: string;
  readonly outcome: 'ok' | 'failed' | 'timed-out';
  readonly durationMs: number;
}

/** SHUTDOWN: how the environment was ended. */
export interface ShutdownEntry extends EntryBase {
  readonly phase: 'SHUTDOWN';
  /**
   * SIGTERM when an extension had registered, SIGKILL when none had, and
   * `none` when no environment was running.
   */
  readonly signal: 'SIGTERM' | 'SIGKILL' | 'none';
  readonly extensions: readonly ExtensionInfo[];
  /** The time the runtime had after SIGTERM, in ms; 0 without SIGTERM. */
  readonly runtimeBudgetMs: number;
  /** The time the whole environment had after SIGTERM, in ms. */
  readonly budgetMs: number;
  /** From SIGTERM to the runtime process's exit, in ms. */
  readonly sigtermToExitMs?: number;
  /** Whether a process outlived its budget and was SIGKILLed. */
  readonly killedAfterBudget: boolean;
  readonly exitCode: number | null;
  readonly exitSignal: string | null;
  readonly pid?: number;
  /**
   * The hooks and disposers lambda-lifecycle ran, in the order they ran,
   * read from the line it logs when its shutdown finishes; absent when no
   * such line was written (another framework, no SIGTERM, or a log level
   * above INFO).
   */
  readonly steps?: readonly ShutdownStep[];
  /** The first error an extension posted (`exit/error`) during SHUTDOWN. */
  readonly error?: LambdaError;
}

/** One phase of the environment's life, in the order it happened. */
export type TimelineEntry = InitEntry | InvokeEntry | IdleEntry | ShutdownEntry;
