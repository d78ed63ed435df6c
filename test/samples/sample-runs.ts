import {
  startLocalRuntime,
  type InvokeEntry,
  type LocalRuntime,
  type LocalRuntimeOptions,
  type LogLine,
} from '../../src/runtime/local';
import { emfLines } from './emf-lines';
import {
  ConnectionReport,
  afterShutdown,
  reuseProblems,
  shutdownProblems,
  watchWarmInvocations,
  type Goodbye,
} from './server-connections';
import { TcpRelay } from './tcp-relay';

// What the suites that run the samples in child processes share: the
// generated entries (lambda-lifecycle.config.test.ts) and the bundles
// (sample-bundles.test.ts) are started, relayed and checked the same way.

/** The text of the lines a process printed, one string. */
export function texts(lines: readonly LogLine[]): string {
  return lines.map((line) => line.text).join('\n');
}

/**
 * The processes and relays one suite starts: each closed after its test,
 * with the EMF lines the processes printed kept for the suite's last test.
 */
export class SampleProcesses {
  /** Every EMF line the closed processes printed. */
  readonly emf: string[] = [];
  readonly #entryOf: (sample: string) => string;
  readonly #started: LocalRuntime[] = [];
  readonly #relays: TcpRelay[] = [];

  constructor(entryOf: (sample: string) => string) {
    this.#entryOf = entryOf;
  }

  /** The sample's entry or bundle under the local runtime. */
  async start(
    sample: string,
    options: Omit<LocalRuntimeOptions, 'entry'> = {},
  ): Promise<LocalRuntime> {
    const runtime = await startLocalRuntime({
      entry: this.#entryOf(sample),
      functionName: sample,
      ...options,
    });
    this.#started.push(runtime);
    return runtime;
  }

  /** A relay to the server at `url`. */
  async relayTo(url: string): Promise<TcpRelay> {
    const relay = await TcpRelay.start(url);
    this.#relays.push(relay);
    return relay;
  }

  /** Closes what the test started; for afterEach. */
  async closeAll(): Promise<void> {
    const runtimes = this.#started.splice(0);
    await Promise.all(runtimes.map((runtime) => runtime.close()));
    this.emf.push(...runtimes.flatMap((runtime) => emfLines(runtime.logs)));
    await Promise.all(this.#relays.splice(0).map((relay) => relay.close()));
  }
}

/** A pooled sample in its process, its server reached through a relay. */
export interface RelayedSample {
  readonly runtime: LocalRuntime;
  readonly relay: TcpRelay;
  /** The server's ids of the sample's connections now. */
  readonly connections: () => Promise<string[]>;
}

/** How {@link servesOnOneConnection} runs and reports a sample. */
export interface OneConnectionRun {
  /** The row of the report, e.g. `PostgreSQL, orders.mjs`. */
  readonly label: string;
  readonly report: ConnectionReport;
  readonly goodbye: Goodbye;
  readonly warmInvocations: number;
  /** One warm invocation; asserts its answer. */
  readonly invokeWarm: (index: number) => Promise<void>;
}

/**
 * After the cold invocation: `warmInvocations` warm ones, then SIGTERM,
 * with what the framework promises checked from the relay and the server:
 * the one connection INIT opened serves them all, none is opened, and the
 * shutdown hook ends it gracefully (the client's goodbye), so none is left.
 * Returns the shutdown's report for further checks.
 */
export async function servesOnOneConnection(
  sample: RelayedSample,
  run: OneConnectionRun,
): Promise<Awaited<ReturnType<LocalRuntime['shutdown']>>> {
  const { runtime, relay, connections } = sample;

  const warm = await watchWarmInvocations(
    relay,
    connections,
    run.invokeWarm,
    run.warmInvocations,
  );
  const shutdown = await runtime.shutdown();
  const after = await afterShutdown(relay, connections, run.goodbye);

  run.report.add(run.label, warm, run.warmInvocations, after, run.goodbye);
  expect(relay.accepted).toBe(1);
  expect(reuseProblems(warm)).toEqual([]);
  expect(shutdown).toMatchObject({
    signal: 'SIGTERM',
    killedAfterBudget: false,
    exitSignal: 'SIGTERM',
  });
  expect(shutdownProblems(after, run.goodbye)).toEqual([]);
  return shutdown;
}

/** Asserts a warm invocation went well; `result` is matched if given. */
export function expectWarm(entry: InvokeEntry, result?: object): void {
  expect(entry).toMatchObject({
    outcome: 'ok',
    coldStart: false,
    ...(result === undefined ? {} : { result }),
  });
}
