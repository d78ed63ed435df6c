import {
  LazyValue,
  serializeEmf,
  silentLogger,
  type EmfDocument,
} from '../../src';
import type { InstalledLazy } from '../../src/lifecycle/lazy-value';
import { MetricsRecorder } from '../../src/metrics/metrics-recorder';
import type { MetricsConfig } from '../../src/metrics/metrics-options';

/** What the fixture log holds, for tests to expect. */
export const FIXTURE = {
  environments: 2,
  invocations: 10,
  coldStarts: 2,
  errors: 1,
  /** The invocation durations, in ms: 1 to 10. */
  durations: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  /** INIT durations of the two environments. */
  inits: [80, 120],
  /** Reused: 6 of the 8 invocations that used a connection; 2 used none. */
  reuseRate: '75.0%',
  /** 10 hits, 2 misses. */
  lazyHitRate: '83.3%',
  memorySizeMb: 512,
} as const;

/**
 * Drives the engine's own metrics recorder through two environments with
 * known durations, lazy reads and connection openings, and returns the EMF
 * lines it wrote: deterministic except for timestamps and memory.
 */
export function fixtureLines(): string[] {
  const documents: EmfDocument[] = [];
  const config: MetricsConfig = {
    namespace: 'LambdaLifecycle',
    dimensions: { FunctionName: 'orders' },
    sink: (document: EmfDocument) => documents.push(document),
    memorySampleEvery: 3,
    memorySizeMb: FIXTURE.memorySizeMb,
    level: undefined,
  };
  let duration = 0;

  FIXTURE.inits.forEach((initMs, environment) => {
    const recorder = new MetricsRecorder(config, silentLogger);
    const settings = new LazyValue(() => 'eu-west-1');
    const lazies: InstalledLazy[] = [
      { owner: {}, name: 'Orders.settings', value: settings, eager: false },
    ];
    // INIT opens a connection and queries once.
    const pool = { opened: 1, open: 1, acquired: 1 };
    recorder.initEnded({
      outcome: 'ok',
      initializationType: 'on-demand',
      durationMs: initMs,
      steps: [
        {
          kind: 'onInit',
          name: 'Database.connect',
          outcome: 'ok',
          durationMs: initMs - 5,
        },
      ],
      lazies,
      pooled: [{ name: 'Database', pool: { poolStats: () => pool } }],
    });

    for (let i = 0; i < 5; i++) {
      // Each environment: a miss and a hit on the first invocation, then a
      // hit each; a query on each invocation but the fifth, which uses no
      // connection; a reconnect on the fourth.
      if (i === 0) settings.get();
      settings.get();
      if (i < 4) pool.acquired++;
      if (i === 3) pool.opened++;
      duration++;
      recorder.invocationEnded({
        requestId: `req-${environment}-${i}`,
        coldStart: i === 0,
        idleMs: i === 0 ? 5 : 100 * i,
        outcome: environment === 1 && i === 2 ? 'failed' : 'ok',
        durationMs: duration,
      });
    }
    if (environment === 0) {
      recorder.shutdownEnded({
        budgetMs: 450,
        durationMs: 3,
        steps: [],
        problems: [],
        invocations: 5,
      });
    }
  });
  return placedInTime(documents).map(serializeEmf);
}

/**
 * Gives the documents the timestamps a real run would have: the second
 * environment starts 400 ms after the first, each invocation starts its
 * idle time after the previous one ended, SHUTDOWN comes 300 ms after the
 * last invocation.
 */
function placedInTime(documents: EmfDocument[]): EmfDocument[] {
  const clocks = new Map<unknown, number>();
  const start = Date.UTC(2025, 0, 1, 12);
  for (const doc of documents) {
    const environment = doc.EnvironmentId;
    let now = clocks.get(environment) ?? start + clocks.size * 400;
    if (doc.LifecyclePhase === 'INIT') now += doc.InitDuration as number;
    if (doc.LifecyclePhase === 'INVOKE') {
      now += (doc.IdleTime as number) + (doc.InvocationDuration as number);
    }
    if (doc.LifecyclePhase === 'SHUTDOWN') {
      now += 300 + (doc.ShutdownDuration as number);
    }
    clocks.set(environment, now);
    (doc._aws as { Timestamp: number }).Timestamp = Math.round(now);
  }
  return documents;
}

/**
 * The fixture lines as a downloaded CloudWatch log: Lambda's text prefix
 * before some documents, the platform's START/END/REPORT lines and a JSON
 * log line in between.
 */
export function fixtureLog(): string {
  return fixtureLines()
    .flatMap((line, i) => [
      `START RequestId: r-${i} Version: $LATEST`,
      i % 2 === 0
        ? `2025-01-01T00:00:0${i % 10}.000Z\tr-${i}\tINFO\t${line}`
        : line,
      '{"level":"INFO","message":"order stored"}',
      `REPORT RequestId: r-${i}\tDuration: 2.00 ms\tBilled Duration: 2 ms`,
    ])
    .join('\n');
}
