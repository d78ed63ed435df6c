import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { LifecycleError } from '../../../decorators/lifecycle-error';
import type { ProcessLine } from './environment-process';
import type { PendingInvocation } from './environment-session';
import { ExecutionEnvironment } from './execution-environment';
import {
  FUNCTION_VERSION,
  functionArn,
  traceHeader,
} from './lambda-environment';
import {
  resolveOptions,
  validateOptions,
  type InvokeOptions,
  type LocalRuntimeOptions,
  type LocalRuntimeSettings,
} from './local-runtime-options';
import { RuntimeApiServer } from './runtime-api-server';
import { readShutdownSteps } from './shutdown-steps';
import type {
  IdleEntry,
  InitEntry,
  InvokeEntry,
  LogLine,
  ReinitCause,
  ShutdownEntry,
  TimelineEntry,
} from './timeline-entry';

/** The response as JSON when it is JSON; an empty one is `null`. */
function parseResult(body: string | undefined): unknown {
  try {
    return JSON.parse(body || 'null') as unknown;
  } catch {
    return body;
  }
}

/**
 * A Lambda execution environment on this machine: a Runtime API and
 * Extensions API server on 127.0.0.1 and the handler in a child `node`
 * process, with Lambda's time limits, re-initialisation after a failure and
 * shutdown signals. Every phase is recorded in {@link LocalRuntime.timeline}.
 * Calls are queued, so they run one after the other.
 *
 * Phase: all of them, in child processes. Its methods reject only for
 * misuse (`CONTAINER_NOT_READY` after `close()`); what the function does is
 * recorded as an outcome.
 *
 * @example
 * ```ts
 * const runtime = await LocalRuntime.start({ entry: 'entries/orders.mjs' });
 * try {
 *   const { outcome, result } = await runtime.invoke({ orderId: '42' });
 * } finally {
 *   await runtime.close();
 * }
 * ```
 */
export class LocalRuntime {
  readonly #server: RuntimeApiServer;
  readonly #settings: LocalRuntimeSettings;
  readonly #onLog: ((line: LogLine) => void) | undefined;
  readonly #timeline: TimelineEntry[] = [];
  readonly #logs: LogLine[] = [];
  readonly #origin = performance.now();
  #collector: LogLine[] = [];
  #environment: ExecutionEnvironment | undefined;
  #ended: ReinitCause | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(
    server: RuntimeApiServer,
    settings: LocalRuntimeSettings,
    onLog: ((line: LogLine) => void) | undefined,
  ) {
    this.#server = server;
    this.#settings = settings;
    this.#onLog = onLog;
  }

  /**
   * Starts the API server and runs the first INIT. A failed INIT does not
   * reject: it is in the timeline, and the next invocation initialises
   * again. Rejects with `INVALID_CONFIG` when an option is wrong.
   */
  static async start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    validateOptions(options);

    const server = await RuntimeApiServer.start();
    let runtime: LocalRuntime;
    try {
      const settings = resolveOptions(options, server.address);
      runtime = new LocalRuntime(server, settings, options.onLog);
    } catch (error) {
      await server.close();
      throw error;
    }
    await runtime.#serial(() => runtime.#init(undefined));
    return runtime;
  }

  /** Every phase so far, in order. */
  get timeline(): readonly TimelineEntry[] {
    return this.#timeline;
  }

  /** Every line the processes wrote, in order. */
  get logs(): readonly LogLine[] {
    return this.#logs;
  }

  /** `host:port` of the API, as `AWS_LAMBDA_RUNTIME_API` gives it. */
  get runtimeApi(): string {
    return this.#server.address;
  }

  /**
   * Sends one event and waits for the outcome; a new environment is
   * initialised first when none is running. Never rejects for what the
   * function does: errors, timeouts and crashes are outcomes.
   */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeEntry> {
    return this.#serial(() => this.#invoke(event, options));
  }

  /** Lets `ms` pass with the environment idle. */
  idle(ms: number): Promise<IdleEntry> {
    return this.#serial(async () => {
      const startMs = this.#now();
      const logs = this.#collect();
      // Limitation: idle processes are not frozen; their timers run on.
      await new Promise((resolve) => setTimeout(resolve, ms));
      return this.#record<IdleEntry>({
        phase: 'IDLE',
        startMs,
        durationMs: this.#now() - startMs,
        logs,
      });
    });
  }

  /** Ends the running environment as Lambda does and reports how. */
  shutdown(): Promise<ShutdownEntry> {
    return this.#serial(async () => {
      const startMs = this.#now();
      const logs = this.#collect();
      const environment = this.#environment;
      this.#environment = undefined;
      this.#ended = 'shutdown';

      const result = environment
        ? await environment.shutdown()
        : {
            signal: 'none' as const,
            extensions: [],
            runtimeBudgetMs: 0,
            budgetMs: 0,
            killedAfterBudget: false,
            exitCode: null,
            exitSignal: null,
          };
      const steps = readShutdownSteps(logs);
      return this.#record<ShutdownEntry>({
        phase: 'SHUTDOWN',
        startMs,
        durationMs: this.#now() - startMs,
        ...result,
        ...(steps === undefined ? {} : { steps }),
        logs,
      });
    });
  }

  /** Kills whatever still runs and stops the server. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;

    await this.#queue.catch(() => undefined);
    await this.#environment?.kill();
    this.#environment = undefined;
    await this.#server.close();
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new LifecycleError(
          'CONTAINER_NOT_READY',
          `Local runtime for ${this.#settings.functionName}: used after ` +
            'close(). Start a new one.',
        ),
      );
    }
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #now(): number {
    return performance.now() - this.#origin;
  }

  /** Starts collecting lines for the phase that begins now. */
  #collect(): LogLine[] {
    this.#collector = [];
    return this.#collector;
  }

  #onLine = (line: ProcessLine) => {
    const logged: LogLine = { atMs: this.#now(), ...line };
    this.#logs.push(logged);
    this.#collector.push(logged);
    this.#onLog?.(logged);
  };

  #record<T extends TimelineEntry>(entry: T): T {
    this.#timeline.push(entry);
    return entry;
  }

  async #init(reinit: ReinitCause | undefined): Promise<InitEntry> {
    const startMs = this.#now();
    const logs = this.#collect();
    const environment = new ExecutionEnvironment({
      server: this.#server,
      metadata: {
        functionName: this.#settings.functionName,
        functionVersion: FUNCTION_VERSION,
        handler: this.#settings.handler,
      },
      runtime: this.#settings.runtime,
      extensions: this.#settings.extensions,
      onLine: this.#onLine,
    });
    // Lambda retries a failed INIT within the next invocation, under the
    // function timeout instead of the 10 s INIT limit.
    const limitMs =
      reinit === 'init-error'
        ? this.#settings.timeoutMs
        : this.#settings.initTimeoutMs;

    const result = await environment.start(limitMs);
    await nextTurn();

    this.#environment = result.outcome === 'ok' ? environment : undefined;
    this.#ended = result.outcome === 'ok' ? undefined : 'init-error';
    return this.#record<InitEntry>({
      phase: 'INIT',
      startMs,
      durationMs: this.#now() - startMs,
      outcome: result.outcome,
      ...(result.outcome === 'ok' ? {} : { error: result.error }),
      ...(reinit === undefined ? {} : { reinit }),
      pid: environment.pid,
      extensions: environment.extensions,
      logs,
    });
  }

  async #invoke(event: unknown, options: InvokeOptions): Promise<InvokeEntry> {
    const requestId = randomUUID();
    const began = this.#now();
    const timeoutMs = this.#settings.timeoutMs;

    if (this.#environment?.alive === false) {
      await this.#environment.kill();
      this.#environment = undefined;
      this.#ended = 'crash';
    }
    let reinit: ReinitCause | undefined;
    if (this.#environment === undefined) {
      reinit = this.#ended ?? 'crash';
      const init = await this.#init(reinit);
      if (init.outcome !== 'ok') {
        return this.#record<InvokeEntry>({
          phase: 'INVOKE',
          requestId,
          coldStart: true,
          startMs: this.#now(),
          durationMs: 0,
          outcome: 'error',
          error: init.error,
          logs: this.#collect(),
        });
      }
    }

    const environment = this.#environment!;
    // Cold is the first invocation an environment is given, as Lambda counts
    // it: INIT runs once per environment and only that invocation's REPORT
    // line carries its Init Duration. An entry that initialises again inside
    // a later invocation (a CommonJS entry after a failed @OnInit) runs no
    // INIT phase that Lambda sees, so that invocation stays warm here too,
    // though the framework's own ColdStart metric marks it.
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
    const coldStart = environment.invocations === 0;
    // A retried INIT counts against the invocation's timeout.
    const spent = reinit === 'init-error' ? this.#now() - began : 0;
    const limitMs = Math.max(0, timeoutMs - spent);
    const startMs = this.#now();
    const logs = this.#collect();

    const result = await environment.invoke(
      this.#pending(requestId, event, options, limitMs),
      limitMs,
      timeoutMs,
    );
    await nextTurn();
    if (result.outcome === 'timeout' || result.outcome === 'crash') {
      this.#environment = undefined;
      this.#ended = result.outcome;
    }
    return this.#record<InvokeEntry>({
      phase: 'INVOKE',
      requestId,
      coldStart,
      startMs,
      durationMs: this.#now() - startMs,
      ...(result.outcome === 'ok'
        ? { outcome: 'ok', result: parseResult(result.body) }
        : result),
      pid: environment.pid,
      logs,
    });
  }

  #pending(
    requestId: string,
    event: unknown,
    options: InvokeOptions,
    limitMs: number,
  ): PendingInvocation {
    const json = (value: unknown) =>
      value === undefined ? undefined : JSON.stringify(value);

    return {
      requestId,
      payload: JSON.stringify(event ?? null),
      deadlineMs: Date.now() + limitMs,
      invokedFunctionArn: functionArn(
        this.#settings.region,
        this.#settings.functionName,
      ),
      traceId: traceHeader(),
      clientContext: json(options.clientContext),
      cognitoIdentity: json(options.cognitoIdentity),
    };
  }
}

/**
 * Starts a local Lambda runtime for a handler entry and runs its INIT.
 *
 * Phase: all of them, in child processes: INIT now, INVOKE on
 * `invoke()`, SHUTDOWN on `shutdown()`. Rejects with `INVALID_CONFIG` when
 * the entry, the runtime client or an option is wrong; what the function
 * does (errors, timeouts, crashes) is never thrown but recorded.
 *
 * @example
 * ```ts
 * const runtime = await startLocalRuntime({ entry: 'entries/orders.mjs' });
 * const first = await runtime.invoke({ orderId: '42' }); // coldStart: true
 * await runtime.idle(200);
 * const report = await runtime.shutdown(); // report.signal: 'SIGTERM'
 * await runtime.close();
 * ```
 */
export function startLocalRuntime(
  options: LocalRuntimeOptions,
): Promise<LocalRuntime> {
  return LocalRuntime.start(options);
}
