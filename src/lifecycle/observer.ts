import type { HookKind } from '../../decorators/hook-metadata';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import type { PooledProvider } from '../metrics/pooled';
import type { ShutdownReport, StepResult } from './hook-runner';
import type { InstalledLazy } from './lazy-value';

/** The states of an execution environment. */
export type Phase =
  'INIT' | 'READY' | 'INVOKING' | 'SHUTTING_DOWN' | 'STOPPED' | 'FAILED';

/** How a hook or an invocation ended. */
export type Outcome = 'ok' | 'failed' | 'timed-out';

/**
 * What a step is: a decorated hook, the handler method itself, an eager
 * `@Lazy` load at INIT, or a provider's disposer at shutdown.
 */
export type StepKind = HookKind | 'handle' | 'lazy' | 'dispose';

/** One hook about to run. `name` is `Class.member`. */
export interface HookStart {
  readonly kind: StepKind;
  readonly name: string;
  readonly requestId?: string;
}

/** One hook that finished. */
export interface HookEnd extends HookStart {
  readonly outcome: Outcome;
  readonly durationMs: number;
  readonly error?: unknown;
}

/** One invocation about to run. */
export interface InvocationStart {
  readonly requestId: string;
  readonly coldStart: boolean;
  /** Milliseconds since the previous invocation ended (or INIT, for the first). */
  readonly idleMs: number;
}

/** One invocation that finished. */
export interface InvocationEnd extends InvocationStart {
  readonly outcome: 'ok' | 'failed';
  readonly durationMs: number;
  readonly error?: unknown;
}

/** What one INIT did, succeeded or not. */
export interface InitSummary {
  readonly outcome: 'ok' | 'failed';
  /** `on-demand`, `provisioned-concurrency` or `snap-start`. */
  readonly initializationType: string;
  /** From the start of INIT to READY (or to the failure), in ms. */
  readonly durationMs: number;
  /** Each init hook and eager lazy load that ran, with its duration. */
  readonly steps: readonly StepResult[];
  /** The environment's `@Lazy` values, with their counters. */
  readonly lazies: readonly InstalledLazy[];
  /** Every built object that implements `Pooled`, found once, here. */
  readonly pooled: readonly PooledProvider[];
  /** What failed INIT, when it failed. */
  readonly error?: unknown;
}

/** What one SHUTDOWN did: the shutdown report and the invocation count. */
export interface ShutdownSummary extends ShutdownReport {
  /** Invocations the environment ran since its last INIT. */
  readonly invocations: number;
}

/**
 * Receives the lifecycle events of an environment: the tracing API. Every
 * member is optional; an observer picks what it needs.
 *
 * - `phaseChanged`: INIT -> READY <-> INVOKING -> SHUTTING_DOWN -> STOPPED,
 *   and FAILED after a failed INIT.
 * - `hookStarted` / `hookEnded`: every init and shutdown step (hooks, eager
 *   lazy loads, disposers) and, per invocation, every `@BeforeInvoke`,
 *   `@AfterInvoke`, `@OnError` hook and the handler method, with its
 *   outcome, duration and request id.
 * - `invocationStarted` / `invocationEnded`: each invocation with its cold
 *   start flag, the idle time before it and its duration.
 * - `initEnded` / `shutdownEnded`: one summary each per INIT and SHUTDOWN.
 *
 * Observers run synchronously on the path they observe; one that throws is
 * logged and never breaks the invocation.
 *
 * Phase: all. Registering any observer switches the environment to its
 * observed path, which times every invocation and every hook (metrics alone
 * take a lighter path that times the invocation only).
 *
 * @example
 * ```ts
 * createHandler(OrdersHandler, {
 *   observers: [{ invocationEnded: (e) => trace(e.requestId, e.durationMs) }],
 * });
 * ```
 */
export interface LifecycleObserver {
  phaseChanged?(change: { readonly from: Phase; readonly to: Phase }): void;
  hookStarted?(hook: HookStart): void;
  hookEnded?(hook: HookEnd): void;
  invocationStarted?(invocation: InvocationStart): void;
  invocationEnded?(invocation: InvocationEnd): void;
  initEnded?(summary: InitSummary): void;
  shutdownEnded?(summary: ShutdownSummary): void;
}

type Events = Required<LifecycleObserver>;

/**
 * One observer that forwards to all of `observers`, isolating each from the
 * others' failures. Returns undefined when there are none, so callers can
 * keep the unobserved path.
 */
export function combineObservers(
  observers: readonly LifecycleObserver[],
  logger: Logger,
): Events | undefined {
  if (observers.length === 0) return undefined;

  const forward =
    <K extends keyof Events>(event: K) =>
    (payload: Parameters<Events[K]>[0]): void => {
      for (const observer of observers) {
        const listener = observer[event] as
          ((value: typeof payload) => void) | undefined;
        if (listener === undefined) continue;
        try {
          listener.call(observer, payload);
        } catch (error) {
          logger.error(`Lifecycle observer failed in ${event}`, {
            ...errorFields(error),
          });
        }
      }
    };

  return {
    phaseChanged: forward('phaseChanged'),
    hookStarted: forward('hookStarted'),
    hookEnded: forward('hookEnded'),
    invocationStarted: forward('invocationStarted'),
    invocationEnded: forward('invocationEnded'),
    initEnded: forward('initEnded'),
    shutdownEnded: forward('shutdownEnded'),
  };
}
