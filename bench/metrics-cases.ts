import 'reflect-metadata';
import { deepStrictEqual } from 'node:assert';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { singleton } from 'tsyringe';
import {
  BeforeInvoke,
  Handler,
  Lazy,
  createHandler,
  silentLogger,
  type CreateHandlerOptions,
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

  poolStats(): PoolStats {
    return { opened: this.opened, open: 1 };
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
 * The rows: the engine's metrics without I/O (a sink that drops each
 * document), with the real single-line write to stdout (to /dev/null, and
 * to a pipe that cat drains, as Lambda's log pipeline reads the runtime's
 * stdout), and two references: the observed path that
 * times every hook, and Powertools Metrics publishing the same number of
 * metrics from the handler, the way its users add it.
 */
export const METRICS_CASES: readonly MetricsCase[] = [
  {
    id: 'no-io',
    title: 'metrics on, no-op sink (engine only)',
    targetAddedNs: 1000,
    async prepare() {
      return prepared(
        await environment({ metrics: false }),
        await environment({ metrics: { sink: () => undefined } }),
      );
    },
  },
  {
    id: 'stdout-file',
    title: 'metrics on, EMF line to stdout: /dev/null',
    targetAddedNs: undefined,
    async prepare() {
      return prepared(
        await environment({ metrics: false }),
        await environment({ metrics: {} }),
      );
    },
  },
  {
    id: 'stdout-pipe',
    title: 'metrics on, EMF line to stdout: a pipe',
    targetAddedNs: undefined,
    stdout: 'pipe',
    async prepare() {
      return prepared(
        await environment({ metrics: false }),
        await environment({ metrics: {} }),
      );
    },
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
