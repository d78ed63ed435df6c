import { now } from '../lifecycle/clock';
import type { InstalledLazy } from '../lifecycle/lazy-value';
import type {
  InitSummary,
  InvocationEnd,
  LifecycleObserver,
  ShutdownSummary,
} from '../lifecycle/observer';
import { errorFields, type Logger } from '../logging/logger';
import type { EmfDocument, MetricDirective } from './emf-document';
import {
  EAGER_LAZY_METRIC_PREFIX,
  INIT_HOOK_METRIC_PREFIX,
  LIFECYCLE_MEMBERS as M,
  LIFECYCLE_METRICS,
  type DocumentPhase,
  type LifecycleMetricName,
} from './lifecycle-metrics';
import type { MetricsConfig } from './metrics-options';
import type { MetricUnit } from './metric-unit';
import type { PooledProvider } from './pooled';
import {
  sampleMemory,
  type PoolTotals,
  readPools,
  sumLazies,
} from './readings';

type Doc = Record<string, unknown>;
type Named = readonly [name: string, unit: MetricUnit];

const LAZY: readonly LifecycleMetricName[] = [
  'LazyHits',
  'LazyMisses',
  'LazyLoads',
];
const MEMORY: readonly LifecycleMetricName[] = ['HeapUsed', 'Rss'];
const INVOKE: readonly LifecycleMetricName[] = [
  'ColdStart',
  'InvocationDuration',
  'BilledDurationEstimate',
  'IdleTime',
  'InvocationsInEnvironment',
  'InvocationErrors',
];

const ms = (value: number) => Math.round(value * 1000) / 1000;
const unit = (name: LifecycleMetricName): Named => [
  name,
  LIFECYCLE_METRICS[name],
];

/**
 * Turns an environment's lifecycle events into one EMF document at INIT,
 * one per invocation and one at SHUTDOWN, and hands each to the sink. It is
 * an observer: the engine feeds it on its metered path (the invocation
 * timed, not each hook) or, with other observers, on the observed path.
 *
 * What it reads is found once at INIT: the `@Lazy` values and the `Pooled`
 * providers; per invocation it only sums their counters. Directives are
 * built once per document shape and frozen, so the stdout sink serialises
 * them once.
 *
 * Phase: init, each invoke, shutdown. Never throws: a sink or `poolStats()`
 * that throws is logged, and the document or reading is dropped.
 *
 * @example
 * ```ts
 * const recorder = new MetricsRecorder(config, logger);
 * createHandler(OrdersHandler, { observers: [recorder] }); // what the engine does
 * ```
 */
export class MetricsRecorder implements LifecycleObserver {
  readonly #config: MetricsConfig;
  readonly #logger: Logger;
  // Tells environments of one function apart in the metrics; it needs no
  // cryptographic strength, and loading node:crypto costs INIT 1-2 ms.
  readonly #environmentId = Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
  readonly #createdAt = now();
  readonly #dimensionSets: readonly (readonly string[])[];
  #lazies: readonly InstalledLazy[] = [];
  #pools: readonly PooledProvider[] = [];
  #invokeShapes: readonly [MetricDirective[], MetricDirective[]] = [[], []];
  #invocations = 0;
  #memoryCountdown = 1;
  #lazyTotals = { hits: 0, misses: 0, loads: 0 };
  #openedTotal = 0;
  #poolsBroken = false;

  constructor(config: MetricsConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
    this.#dimensionSets = Object.freeze([
      Object.freeze(Object.keys(config.dimensions)),
    ]);
  }

  initEnded(summary: InitSummary): void {
    this.#lazies = summary.lazies;
    this.#pools = summary.pooled;
    this.#invocations = 0;
    this.#memoryCountdown = 1;
    this.#lazyTotals = { hits: 0, misses: 0, loads: 0 };
    this.#openedTotal = 0;
    this.#invokeShapes = [this.#invokeShape(false), this.#invokeShape(true)];

    const steps = summary.steps.map((step): Named => [
      (step.kind === 'lazy'
        ? EAGER_LAZY_METRIC_PREFIX
        : INIT_HOOK_METRIC_PREFIX) + step.name,
      'Milliseconds',
    ]);
    const doc = this.#start('INIT', [
      unit('InitDuration'),
      unit('InitErrors'),
      ...steps,
      ...this.#resourceMetrics(true),
    ]);
    doc[M.initializationType] = summary.initializationType;
    doc[M.outcome] = summary.outcome;
    if (this.#config.memorySizeMb !== undefined) {
      doc[M.memorySize] = this.#config.memorySizeMb;
    }
    doc.InitDuration = ms(summary.durationMs);
    doc.InitErrors = summary.outcome === 'ok' ? 0 : 1;
    summary.steps.forEach(
      (step, i) => (doc[steps[i][0]] = ms(step.durationMs)),
    );
    this.#addResources(doc, false);
    this.#addMemory(doc);
    this.#emit(doc);
  }

  invocationEnded(end: InvocationEnd): void {
    const number = ++this.#invocations;
    const sample = --this.#memoryCountdown === 0;
    const doc: Doc = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: this.#invokeShapes[sample ? 1 : 0],
      },
      ...this.#config.dimensions,
      [M.phase]: 'INVOKE',
      [M.environment]: this.#environmentId,
      [M.requestId]: end.requestId,
      [M.outcome]: end.outcome,
      ColdStart: end.coldStart ? 1 : 0,
      InvocationDuration: ms(end.durationMs),
      // Limitation: measured inside the engine, so the runtime client's own time and any billed INIT are not in it; Lambda's REPORT line has the billed figure.
      BilledDurationEstimate: Math.max(1, Math.ceil(end.durationMs)),
      IdleTime: ms(end.idleMs),
      InvocationsInEnvironment: number,
      InvocationErrors: end.outcome === 'ok' ? 0 : 1,
    };
    this.#addResources(doc, true);
    if (sample) {
      this.#memoryCountdown = this.#config.memorySampleEvery;
      this.#addMemory(doc);
    }
    this.#emit(doc);
  }

  shutdownEnded(summary: ShutdownSummary): void {
    const doc = this.#start('SHUTDOWN', [
      unit('ShutdownDuration'),
      unit('ShutdownProblems'),
      unit('InvocationsInEnvironment'),
      unit('EnvironmentLifetime'),
      ...this.#resourceMetrics(true),
    ]);
    doc.ShutdownDuration = ms(summary.durationMs);
    doc.ShutdownProblems = summary.problems.length;
    doc.InvocationsInEnvironment = summary.invocations;
    doc.EnvironmentLifetime = ms(now() - this.#createdAt);
    this.#addResources(doc, false);
    this.#addMemory(doc);
    this.#emit(doc);
  }

  /** The metrics about lazies, pools and memory this environment has. */
  #resourceMetrics(memory: boolean, perInvocation = false): Named[] {
    const names: LifecycleMetricName[] = [];
    if (this.#lazies.length > 0) names.push(...LAZY);
    if (this.#pools.length > 0) names.push('ConnectionsOpened');
    if (this.#pools.length > 0 && perInvocation) {
      names.push('ConnectionReused', 'ConnectionsOpen');
    }
    if (memory) names.push(...MEMORY);
    if (memory && this.#config.memorySizeMb !== undefined) {
      names.push('MemoryUtilization');
    }
    return names.map(unit);
  }

  #invokeShape(memory: boolean): MetricDirective[] {
    return this.#directives([
      ...INVOKE.map(unit),
      ...this.#resourceMetrics(memory, true),
    ]);
  }

  #directives(names: readonly Named[]): MetricDirective[] {
    const directive: MetricDirective = {
      Namespace: this.#config.namespace,
      Dimensions: this.#dimensionSets,
      Metrics: Object.freeze(
        names.map(([Name, Unit]) => Object.freeze({ Name, Unit })),
      ),
    };
    return Object.freeze([Object.freeze(directive)]) as MetricDirective[];
  }

  #start(phase: DocumentPhase, names: readonly Named[]): Doc {
    return {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: this.#directives(names),
      },
      ...this.#config.dimensions,
      [M.phase]: phase,
      [M.environment]: this.#environmentId,
    };
  }

  /** Lazy and connection counts since the previous document. */
  #addResources(doc: Doc, perInvocation: boolean): void {
    // Limitation: counts are deltas since the previous document, not per invocation; when invocations overlap, one invocation's lazy reads and openings are counted on whichever document is written next.
    if (this.#lazies.length > 0) {
      const totals = sumLazies(this.#lazies);
      const before = this.#lazyTotals;
      doc.LazyHits = totals.hits - before.hits;
      doc.LazyMisses = totals.misses - before.misses;
      doc.LazyLoads = totals.loads - before.loads;
      this.#lazyTotals = totals;
    }
    if (this.#pools.length > 0) {
      const pools = this.#readPools();
      const opened = pools.opened - this.#openedTotal;
      this.#openedTotal = pools.opened;
      doc.ConnectionsOpened = opened;
      if (perInvocation) {
        doc.ConnectionReused = opened === 0 && pools.open > 0 ? 1 : 0;
        doc.ConnectionsOpen = pools.open;
      }
    }
  }

  #readPools(): PoolTotals {
    try {
      return readPools(this.#pools);
    } catch (error) {
      if (!this.#poolsBroken) {
        this.#poolsBroken = true;
        this.#logger.error(
          'Pooled.poolStats() failed; connection metrics ' +
            'hold the last reading',
          { ...errorFields(error) },
        );
      }
      return { opened: this.#openedTotal, open: 0 };
    }
  }

  #addMemory(doc: Doc): void {
    const memory = sampleMemory(this.#config.memorySizeMb);
    doc.HeapUsed = memory.heapUsed;
    doc.Rss = memory.rss;
    if (memory.utilization !== undefined) {
      doc.MemoryUtilization = memory.utilization;
    }
  }

  #emit(doc: Doc): void {
    try {
      this.#config.sink(doc as unknown as EmfDocument);
    } catch (error) {
      this.#logger.error('Metrics sink failed; the EMF document was dropped', {
        phase: doc[M.phase],
        ...errorFields(error),
      });
    }
  }
}
