import 'reflect-metadata';
import { deepStrictEqual } from 'node:assert';
import { writeSync } from 'node:fs';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { singleton } from 'tsyringe';
import {
  BeforeInvoke,
  Handler,
  Lazy,
  createHandler,
  serializeEmf,
  silentLogger,
  type CreateHandlerOptions,
  type EmfDocument,
  type PoolStats,
  type Pooled,
} from '../src';
import { createFakeContext } from '../src/testing';
import type { Invocation } from './harness';

/** The event every case handles. */
export interface MetricsEvent {
  readonly n: number;
}

/** Both sides of one metrics case, ready to be called. */
export interface PreparedMetricsCase {
  /** The handler with metrics off. */
  readonly off: Invocation<MetricsEvent>;
  /** The same handler with metrics on (or the reference being measured). */
  readonly on: Invocation<MetricsEvent>;
  readonly event: MetricsEvent;
  readonly context: Context;
}

/** One row of the metrics benchmark. */
export interface MetricsCase {
  readonly id: string;
  readonly title: string;
  /** The most ns per invocation metrics may add, when there is a goal. */
  readonly targetAddedNs: number | undefined;
  /** What the case's process writes stdout to. Default /dev/null. */
  readonly stdout?: 'dev-null' | 'pipe';
  prepare(): Promise<PreparedMetricsCase>;
}

// A handler that exercises what the recorder reads per invocation: a
// before hook, a @Lazy value and a Pooled provider.
@singleton()
class Connections implements Pooled {
  opened = 1;
  acquired = 0;

  poolStats(): PoolStats {
    return { opened: this.opened, open: 1, acquired: this.acquired };
  }
}

@Handler()
class PricedHandler {
  constructor(readonly connections: Connections) {}

  @Lazy()
  prices(): { base: number } {
    return { base: 2 };
  }

  @BeforeInvoke()
  check(event: MetricsEvent): void {
    if (typeof event.n !== 'number') throw new TypeError('no "n"');
  }

  async handle(event: MetricsEvent): Promise<{ total: number }> {
    this.connections.acquired++; // as if it ran one query
    return { total: event.n * this.prices().base };
  }
}

async function environment(options: CreateHandlerOptions) {
  const handler = createHandler<
    typeof PricedHandler,
    MetricsEvent,
    { total: number }
  >(PricedHandler, {
    logger: silentLogger,
    env: {},
    shutdownSignal: false,
    ...options,
  });
  await handler.ready;
  return handler;
}

async function prepared(
  off: Invocation<MetricsEvent>,
  on: Invocation<MetricsEvent>,
): Promise<PreparedMetricsCase> {
  const event: MetricsEvent = { n: 3 };
  const context = createFakeContext({ functionName: 'bench' });

  deepStrictEqual(await on(event, context), await off(event, context));
  return { off, on, event, context };
}

/**
 * A hand-written handler that writes the engine's invocation line itself:
 * the same bytes, built once, written with one `writeSync` per invocation,
 * the least any per-invocation EMF line can cost.
 */
async function writingItself(): Promise<PreparedMetricsCase> {
  const off = await environment({ metrics: false });
  const documents: EmfDocument[] = [];
  const recorded = await environment({
    metrics: { sink: (document) => documents.push(document) },
  });
  await recorded({ n: 3 }, createFakeContext({ functionName: 'bench' }));
  const line = Buffer.from(`${serializeEmf(documents[1])}\n`);

  return prepared(off, async (event, context) => {
    const result = await off(event, context);
    writeSync(1, line);
    return result;
  });
}

/**
 * The rows: the engine's metrics with the default sink, the EMF line
 * written to stdout (to /dev/null, and to a pipe that cat drains, as
 * Lambda's log pipeline reads the runtime's stdout), which are the rows the
 * target is for; the engine's share alone (a sink that drops each
 * document); and references: a hand-written handler writing the same line
 * itself (what the write alone costs), the observed path that times every
 * hook, and Powertools Metrics publishing the same number of metrics from
 * the handler, the way its users add it.
 */
export const METRICS_CASES: readonly MetricsCase[] = [
  {
    id: 'stdout-file',
    title: 'metrics on, default sink: EMF line to /dev/null',
    targetAddedNs: 1000,
    async prepare() {
      return prepared(
        await environment({ metrics: false }),
        await environment({ metrics: {} }),
      );
    },
  },
  {
    id: 'stdout-pipe',
    title: 'metrics on, default sink: EMF line to a pipe',
    targetAddedNs: 1000,
    stdout: 'pipe',
    async prepare() {
      return prepared(
        await environment({ metrics: false }),
        await environment({ metrics: {} }),
      );
    },
  },
  {
    id: 'no-io',
    title: "engine's share: metrics on, no-op sink",
    targetAddedNs: undefined,
    async prepare() {
      return prepared(
        await environment({ metrics: false }),
        await environment({ metrics: { sink: () => undefined } }),
      );
    },
  },
  {
    id: 'by-hand-file',
    title: 'reference: handler writes the same line itself, /dev/null',
    targetAddedNs: undefined,
    prepare: writingItself,
  },
  {
    id: 'by-hand-pipe',
    title: 'reference: handler writes the same line itself, a pipe',
    targetAddedNs: undefined,
    stdout: 'pipe',
    prepare: writingItself,
  },
  {
    id: 'observed',
    title: 'reference: one no-op observer',
    targetAddedNs: undefined,
    async prepare() {
      return prepared(
        await environment({ metrics: false }),
        await environment({ metrics: false, observers: [{}] }),
      );
    },
  },
  {
    id: 'powertools',
    title: 'reference: Powertools Metrics, 12 metrics',
    targetAddedNs: undefined,
    async prepare() {
      const off = await environment({ metrics: false });
      const metrics = new Metrics({ namespace: 'Bench', serviceName: 'b' });
      const names = Array.from({ length: 12 }, (_, i) => `Metric${i}`);

      return prepared(off, async (event, context) => {
        const result = await off(event, context);
        for (const name of names) {
          metrics.addMetric(name, MetricUnit.Milliseconds, event.n);
        }
        metrics.publishStoredMetrics();
        return result;
      });
    },
  },
];
