import { performance } from 'node:perf_hooks';
import {
  EnvironmentProcess,
  type ProcessExit,
  type ProcessLine,
  type ProcessSpec,
} from './environment-process';
import type {
  EnvironmentSession,
  FunctionMetadata,
  PendingInvocation,
} from './environment-session';
import type { RuntimeApiServer } from './runtime-api-server';
import type {
  ExtensionInfo,
  LambdaError,
  ShutdownEntry,
} from './timeline-entry';

/** What one execution environment is made of. */
export interface EnvironmentSpec {
  readonly server: RuntimeApiServer;
  readonly metadata: FunctionMetadata;
  readonly runtime: ProcessSpec;
  /** External extensions, started before the runtime as Lambda does. */
  readonly extensions: readonly ProcessSpec[];
  readonly onLine: (line: ProcessLine) => void;
}

/** How INIT or an invocation ended. */
export type StepResult =
  | { readonly outcome: 'ok'; readonly body?: string }
  | {
      readonly outcome: 'error' | 'timeout' | 'crash';
      readonly error: LambdaError;
    };

/** How the environment was ended, without the timeline fields. */
export type ShutdownResult = Omit<
  ShutdownEntry,
  'phase' | 'startMs' | 'durationMs' | 'logs'
>;

// Shutdown budgets: the runtime gets 500 ms after SIGTERM when an internal
// extension is registered (300 ms with external ones only), and external
// extensions share what is left of 2000 ms; then SIGKILL.
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
const INTERNAL_BUDGET_MS = 500;
const EXTERNAL_ONLY_RUNTIME_BUDGET_MS = 300;
const EXTERNAL_BUDGET_MS = 2000;

// How Go (and so Lambda) describes a process killed by a signal.
const SIGNAL_WORDS: Readonly<Record<string, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
};

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function exitError(
  child: EnvironmentProcess,
  exit: ProcessExit,
  requestId: string | undefined,
): LambdaError {
  const prefix = requestId === undefined ? '' : `RequestId: ${requestId} `;
  const how =
    exit.spawnError ??
    (exit.signal === null
      ? `exit status ${exit.code}`
      : `signal: ${SIGNAL_WORDS[exit.signal] ?? exit.signal.toLowerCase()}`);
  const runtime = child.source === 'runtime';

  return {
    errorType: runtime ? 'Runtime.ExitError' : 'Extension.Crash',
    errorMessage: runtime
      ? `${prefix}Error: Runtime exited with error: ${how}`
      : `${prefix}Error: extension ${child.source} exited: ${how}`,
    trace: [],
  };
}

function sleep(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { done, cancel: () => clearTimeout(timer) };
}

/**
 * One execution environment: the runtime process, the external extension
 * processes and their API session. It runs INIT and invocations within
 * their time limits and ends like Lambda ends an environment.
 */
export class ExecutionEnvironment {
  readonly #spec: EnvironmentSpec;
  readonly #session: EnvironmentSession;
  readonly #processes: EnvironmentProcess[] = [];
  readonly #firstExit: Promise<[EnvironmentProcess, ProcessExit]>;
  #onExit!: (exited: [EnvironmentProcess, ProcessExit]) => void;
  #runtime: EnvironmentProcess | undefined;
  #invocations = 0;

  constructor(spec: EnvironmentSpec) {
    const external = new Set(spec.extensions.map((e) => e.source));

    this.#spec = spec;
    this.#session = spec.server.openSession(spec.metadata, external);
    this.#firstExit = new Promise((resolve) => (this.#onExit = resolve));
  }

  /** The runtime process id, once it started. */
  get pid(): number | undefined {
    return this.#runtime?.pid;
  }

  /** The extensions registered with this environment so far. */
  get extensions(): ExtensionInfo[] {
    return this.#session.extensions;
  }

  /** Invocations given to this environment so far. */
  get invocations(): number {
    return this.#invocations;
  }

  /** Whether every process of the environment is still running. */
  get alive(): boolean {
    return this.#processes.every((child) => child.alive);
  }

  /**
   * Runs INIT: starts the external extensions, waits for them to register,
   * starts the runtime and waits until it and every extension are ready.
   * On failure every process is killed before this settles.
   */
  async start(limitMs: number): Promise<StepResult> {
    const limit = { limitMs, reportedMs: limitMs };
    const result = await this.#race(limit, undefined, 'error', async () => {
      const { extensions, runtime } = this.#spec;
      extensions.forEach((spec) => this.#launch(spec));
      await Promise.all(
        extensions.map((s) => this.#session.registry.registered(s.source)),
      );

      this.#runtime = this.#launch(runtime);
      await this.#session.ready;
      return { outcome: 'ok' };
    });

    if (result.outcome !== 'ok') await this.kill();
    return result;
  }

  /**
   * Runs one invocation within `limitMs`; a timeout is reported as the
   * function's `timeoutMs`, as Lambda does even when a retried INIT used
   * part of it. A timeout or a crash kills every process: the environment
   * is gone and the next invocation needs a new one.
   */
  async invoke(
    invocation: PendingInvocation,
    limitMs: number,
    timeoutMs = limitMs,
  ): Promise<StepResult> {
    this.#invocations++;
    const result = await this.#race(
      { limitMs, reportedMs: timeoutMs },
      invocation.requestId,
      'crash',
      async () => {
        const answer = await this.#session.invoke(invocation);
        return answer.kind === 'response'
          ? { outcome: 'ok', body: answer.body }
          : { outcome: 'error', error: answer.error };
      },
    );

    // Limitation: a reset SIGKILLs external extensions, with no SHUTDOWN.
    if (result.outcome === 'timeout' || result.outcome === 'crash') {
      await this.kill();
    }
    return result;
  }

  /**
   * Ends the environment as Lambda does: SIGKILL at once when no extension
   * registered (no cleanup runs); otherwise SIGTERM to the runtime and
   * SIGKILL when it outlives its share, then SHUTDOWN to the external
   * extensions subscribed to it and SIGKILL for whatever still runs when
   * the whole budget is spent.
   */
  async shutdown(): Promise<ShutdownResult> {
    const extensions = this.extensions;
    const runtime = this.#runtime;
    const base = {
      extensions,
      runtimeBudgetMs: 0,
      budgetMs: 0,
      killedAfterBudget: false,
      pid: runtime?.pid,
    };

    if (!this.#processes.some((child) => child.alive)) {
      return { ...base, signal: 'none', ...this.#runtimeExit() };
    }
    if (extensions.length === 0) {
      await this.kill();
      return { ...base, signal: 'SIGKILL', ...this.#runtimeExit() };
    }

    const external = extensions.some((e) => e.kind === 'external');
    const internal = extensions.some((e) => e.kind === 'internal');
    const budgetMs = external ? EXTERNAL_BUDGET_MS : INTERNAL_BUDGET_MS;
    const runtimeBudgetMs =
      external && !internal
        ? EXTERNAL_ONLY_RUNTIME_BUDGET_MS
        : INTERNAL_BUDGET_MS;
    const runtimeAlive = runtime?.alive === true;
    const errorsBefore = this.#session.errors.length;

    const sentAt = performance.now();
    runtime?.signal('SIGTERM');
    const runtimeKilled =
      runtime !== undefined &&
      (await this.#awaitExit(runtime, runtimeBudgetMs));
    const extensionsKilled = await this.#shutdownExtensions(
      budgetMs - (performance.now() - sentAt),
    );
    // An extension that fails while it shuts down reports it with
    // exit/error before it exits; the environment ends either way, so the
    // error is only recorded.
    // https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
    const [error] = this.#session.errors.slice(errorsBefore);
    this.#session.close();

    const exit = runtime?.exit;
    return {
      ...base,
      signal: 'SIGTERM',
      runtimeBudgetMs,
      budgetMs,
      killedAfterBudget: runtimeKilled || extensionsKilled,
      ...(runtimeAlive && exit ? { sigtermToExitMs: exit.atMs - sentAt } : {}),
      ...this.#runtimeExit(),
      ...(error === undefined ? {} : { error }),
    };
  }

  /**
   * Sends SHUTDOWN to the external extensions subscribed to it and waits
   * up to `remainingMs` for them to exit; the others are SIGKILLed at once.
   * Resolves whether one had to be SIGKILLed after the budget.
   */
  async #shutdownExtensions(remainingMs: number): Promise<boolean> {
    const subscribed = new Set(
      this.extensions
        .filter((e) => e.kind === 'external' && e.events.includes('SHUTDOWN'))
        .map((e) => e.name),
    );
    const externals = this.#processes.filter((c) => c !== this.#runtime);
    externals
      .filter((child) => !subscribed.has(child.source))
      .forEach((child) => child.signal('SIGKILL'));

    this.#session.shutdown('spindown', Date.now() + Math.max(0, remainingMs));
    const killed = await Promise.all(
      externals.map((child) =>
        subscribed.has(child.source)
          ? this.#awaitExit(child, Math.max(0, remainingMs))
          : child.exited.then(() => false),
      ),
    );
    return killed.includes(true);
  }

  /** SIGKILLs every process and waits until they are gone. */
  async kill(): Promise<void> {
    this.#processes.forEach((child) => child.signal('SIGKILL'));
    await Promise.all(this.#processes.map((child) => child.exited));
    this.#session.close();
  }

  #runtimeExit(): { exitCode: number | null; exitSignal: string | null } {
    const exit = this.#runtime?.exit;
    return { exitCode: exit?.code ?? null, exitSignal: exit?.signal ?? null };
  }

  #launch(spec: ProcessSpec): EnvironmentProcess {
    const child = new EnvironmentProcess(spec, this.#spec.onLine);
    this.#processes.push(child);
    void child.exited.then((exit) => this.#onExit([child, exit]));
    return child;
  }

  /** Waits up to `budgetMs` for a process to exit, then SIGKILLs it. */
  async #awaitExit(
    child: EnvironmentProcess,
    budgetMs: number,
  ): Promise<boolean> {
    const budget = sleep(budgetMs);
    await Promise.race([child.exited, budget.done]);
    budget.cancel();

    const outlived = child.alive;
    if (outlived) child.signal('SIGKILL');
    await child.exited;
    return outlived;
  }

  /**
   * Settles with the first of: the work's result, the time limit, a process
   * exiting, or an init or exit error posted to the API.
   */
  async #race(
    { limitMs, reportedMs }: { limitMs: number; reportedMs: number },
    requestId: string | undefined,
    failureIs: 'error' | 'crash',
    work: () => Promise<StepResult>,
  ): Promise<StepResult> {
    const limit = sleep(limitMs);
    const what =
      requestId === undefined ? 'INIT' : `RequestId: ${requestId} Error: Task`;

    try {
      return await Promise.race<StepResult>([
        work(),
        limit.done.then(() => ({
          outcome: 'timeout',
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `${what} timed out after ${seconds(reportedMs)} seconds`,
            trace: [],
          },
        })),
        this.#firstExit.then(([child, exit]) => ({
          outcome: 'crash',
          error: exitError(child, exit, requestId),
        })),
        this.#session.failure.then((error) => ({ outcome: failureIs, error })),
      ]);
    } finally {
      limit.cancel();
    }
  }
}
