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
import { writeEmfBytes, writeEmfLine } from './emf-stdout-sink';
import { EmfTemplate, type MemberValue } from './emf-template';
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
  type MemoryReading,
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
// The four shapes of an invocation's document, as bits of an index.
const SAMPLED = 1;
const REUSE_KNOWN = 2;

const ms = (value: number) => Math.round(value * 1000) / 1000;
const unit = (name: LifecycleMetricName): Named => [
  name,
  LIFECYCLE_METRICS[name],
];
const isMetric = (name: string): name is LifecycleMetricName =>
  Object.hasOwn(LIFECYCLE_METRICS, name);
// Limitation: timed in the engine; Lambda's REPORT has the billed figure.
const billed = (durationMs: number) => Math.max(1, Math.ceil(durationMs));

function addMemory(doc: Doc, memory: MemoryReading): void {
  doc.HeapUsed = memory.heapUsed;
  doc.Rss = memory.rss;
  if (memory.utilization !== undefined) {
    doc.MemoryUtilization = memory.utilization;
  }
}

/** An invocation document's shape: its directives, and its serialiser. */
interface InvokeShape {
  readonly directives: readonly MetricDirective[];
  readonly template: EmfTemplate;
}

/** What one invocation's document says, gathered once for either form. */
interface InvocationReading {
  readonly end: InvocationEnd;
  readonly number: number;
  readonly lazies: readonly [number, number, number] | undefined;
  readonly pools: PoolDeltas | undefined;
  readonly reused: 0 | 1 | undefined;
  readonly memory: MemoryReading | undefined;
}

/** Connection counts since the previous document. */
interface PoolDeltas {
  readonly opened: number;
  readonly open: number;
  /** Undefined when the providers do not count acquisitions. */
  readonly acquired: number | undefined;
}

// The RFC 3339 text of the current second, reused within it: toISOString
// costs about 0.9 us a call.
let isoSecond = Number.NaN;
let isoPrefix = '';

/** `ms` since the epoch as RFC 3339 in UTC, `2025-01-01T12:00:00.250Z`. */
function rfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const milli = Math.floor(ms) - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/**
 * Whether an invocation reused a connection (1) or opened one (0), or
 * undefined when it used none. Without acquisition counts: 1 when it opened
 * none while connections were open.
 */
function reuseOf({ opened, open, acquired }: PoolDeltas): 0 | 1 | undefined {
  if (acquired === undefined) return opened === 0 && open > 0 ? 1 : 0;
  if (acquired === 0) return undefined;
  return opened === 0 ? 1 : 0;
}

/**
 * Turns an environment's lifecycle events into one EMF document at INIT,
 * one per invocation and one at SHUTDOWN, and hands each to the sink. It is
 * an observer: the engine feeds it on its metered path (the invocation
 * timed, not each hook) or, with other observers, on the observed path.
 *
 * What it reads is found once at INIT: the `@Lazy` values and the `Pooled`
 * providers; per invocation it only sums their counters. The shapes of an
 * invocation's document (memory sampled or not, connection reuse known or
 * not) are built once at INIT as templates; with the default stdout sink
 * each invocation's line is filled in from one and written straight away,
 * with any other sink it becomes an object for the sink.
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
  /** The default sink: invocation lines are written from templates. */
  readonly #writesLines: boolean;
  #lazies: readonly InstalledLazy[] = [];
  #pools: readonly PooledProvider[] = [];
  #invokeShapes: readonly InvokeShape[] = [];
  #invocations = 0;
  #memoryCountdown = 1;
  #lazyTotals = { hits: 0, misses: 0, loads: 0 };
  #openedTotal = 0;
  #acquiredTotal: number | undefined = 0;
  #poolsBroken = false;

  constructor(config: MetricsConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
    this.#writesLines = config.sink === writeEmfLine;
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
    this.#acquiredTotal = 0;
    this.#invokeShapes = [0, 1, 2, 3].map((shape) =>
      this.#invokeShape((shape & SAMPLED) !== 0, (shape & REUSE_KNOWN) !== 0),
    );

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
      ...this.#resourceMetrics(true).map(unit),
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
    this.#addResources(doc);
    this.#addMemory(doc);
    this.#emit(doc);
  }

  invocationEnded(end: InvocationEnd): void {
    const number = ++this.#invocations;
    const sample = --this.#memoryCountdown === 0;
    if (sample) this.#memoryCountdown = this.#config.memorySampleEvery;
    const pools = this.#pools.length > 0 ? this.#poolDeltas() : undefined;
    const reading: InvocationReading = {
      end,
      number,
      lazies: this.#lazies.length > 0 ? this.#lazyDeltas() : undefined,
      pools,
      reused: pools && reuseOf(pools),
      memory: sample ? sampleMemory(this.#config.memorySizeMb) : undefined,
    };
    const shape =
      this.#invokeShapes[
        (sample ? SAMPLED : 0) |
          (reading.reused === undefined ? 0 : REUSE_KNOWN)
      ];
    const timestamp = Date.now();

    try {
      if (this.#writesLines) {
        // Limitation: line costs ~2.9 us (write 0.9), over the 1 us target.
        const values = this.#values(reading, timestamp);
        const { bytes, length } = shape.template.encode(timestamp, values);
        writeEmfBytes(bytes, length);
      } else {
        this.#config.sink(this.#document(shape, timestamp, reading));
      }
    } catch (error) {
      this.#dropped('INVOKE', error);
    }
  }

  shutdownEnded(summary: ShutdownSummary): void {
    const doc = this.#start('SHUTDOWN', [
      unit('ShutdownDuration'),
      unit('ShutdownProblems'),
      unit('InvocationsInEnvironment'),
      unit('EnvironmentLifetime'),
      ...this.#resourceMetrics(true).map(unit),
    ]);
    doc.ShutdownDuration = ms(summary.durationMs);
    doc.ShutdownProblems = summary.problems.length;
    doc.InvocationsInEnvironment = summary.invocations;
    doc.EnvironmentLifetime = ms(now() - this.#createdAt);
    this.#addResources(doc);
    this.#addMemory(doc);
    this.#emit(doc);
  }

  /** The metrics about lazies, pools and memory a document carries. */
  #resourceMetrics(
    memory: boolean,
    invoke?: { readonly reuse: boolean },
  ): LifecycleMetricName[] {
    const names: LifecycleMetricName[] = [];
    if (this.#lazies.length > 0) names.push(...LAZY);
    if (this.#pools.length > 0) names.push('ConnectionsOpened');
    if (this.#pools.length > 0 && invoke !== undefined) {
      if (invoke.reuse) names.push('ConnectionReused');
      names.push('ConnectionsOpen');
    }
    if (memory) names.push(...MEMORY);
    if (memory && this.#config.memorySizeMb !== undefined) {
      names.push('MemoryUtilization');
    }
    return names;
  }

  /** One shape of an invocation's document, as `invocationEnded` fills it. */
  #invokeShape(memory: boolean, reuse: boolean): InvokeShape {
    const names = [
      M.requestId,
      M.outcome,
      ...INVOKE,
      ...this.#resourceMetrics(memory, { reuse }),
      ...(this.#config.level === undefined ? [] : [M.level, M.timestamp]),
    ];
    const constants = {
      ...this.#config.dimensions,
      [M.phase]: 'INVOKE',
      [M.environment]: this.#environmentId,
    };
    const directives = this.#directives(names.filter(isMetric).map(unit));
    return {
      directives,
      template: new EmfTemplate(directives, constants, names),
    };
  }

  /** An invocation's values in the order of its shape's names. */
  #values(reading: InvocationReading, timestamp: number): MemberValue[] {
    const { end, lazies, pools, memory } = reading;
    const values: MemberValue[] = [
      end.requestId,
      end.outcome,
      end.coldStart ? 1 : 0,
      ms(end.durationMs),
      billed(end.durationMs),
      ms(end.idleMs),
      reading.number,
      end.outcome === 'ok' ? 0 : 1,
    ];
    if (lazies !== undefined) values.push(lazies[0], lazies[1], lazies[2]);
    if (pools !== undefined) {
      values.push(pools.opened);
      if (reading.reused !== undefined) values.push(reading.reused);
      values.push(pools.open);
    }
    if (memory !== undefined) {
      values.push(memory.heapUsed, memory.rss);
      if (memory.utilization !== undefined) values.push(memory.utilization);
    }
    if (this.#config.level !== undefined) {
      values.push(this.#config.level, rfc3339(timestamp));
    }
    return values;
  }

  /**
   * An invocation's document as an object, members in the same order as
   * {@link #values}: one literal, then named stores, which V8 keeps a fast
   * object (a generic loop over names made it a dictionary, about 0.8 us
   * slower).
   */
  #document(
    shape: InvokeShape,
    timestamp: number,
    reading: InvocationReading,
  ): EmfDocument {
    const { end, lazies, pools, memory } = reading;
    const doc: Doc = {
      _aws: { Timestamp: timestamp, CloudWatchMetrics: shape.directives },
      ...this.#config.dimensions,
      [M.phase]: 'INVOKE',
      [M.environment]: this.#environmentId,
      [M.requestId]: end.requestId,
      [M.outcome]: end.outcome,
      ColdStart: end.coldStart ? 1 : 0,
      InvocationDuration: ms(end.durationMs),
      BilledDurationEstimate: billed(end.durationMs),
      IdleTime: ms(end.idleMs),
      InvocationsInEnvironment: reading.number,
      InvocationErrors: end.outcome === 'ok' ? 0 : 1,
    };
    if (lazies !== undefined) {
      doc.LazyHits = lazies[0];
      doc.LazyMisses = lazies[1];
      doc.LazyLoads = lazies[2];
    }
    if (pools !== undefined) {
      doc.ConnectionsOpened = pools.opened;
      if (reading.reused !== undefined) doc.ConnectionReused = reading.reused;
      doc.ConnectionsOpen = pools.open;
    }
    if (memory !== undefined) addMemory(doc, memory);
    this.#addLevel(doc);
    return doc as unknown as EmfDocument;
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

  /** An INIT or SHUTDOWN document with the members every document has. */
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

  /** The level and time Lambda's log-level filter needs, when it filters. */
  #addLevel(doc: Doc): void {
    const level = this.#config.level;
    if (level === undefined) return;

    doc.level = level;
    doc.timestamp = rfc3339((doc._aws as { Timestamp: number }).Timestamp);
  }

  /** Lazy and connection counts of an INIT or SHUTDOWN document. */
  #addResources(doc: Doc): void {
    if (this.#lazies.length > 0) {
      [doc.LazyHits, doc.LazyMisses, doc.LazyLoads] = this.#lazyDeltas();
    }
    if (this.#pools.length > 0)
      doc.ConnectionsOpened = this.#poolDeltas().opened;
  }

  // Limitation: deltas per document; overlapping calls share counts.
  #lazyDeltas(): [hits: number, misses: number, loads: number] {
    const totals = sumLazies(this.#lazies);
    const before = this.#lazyTotals;
    this.#lazyTotals = totals;
    return [
      totals.hits - before.hits,
      totals.misses - before.misses,
      totals.loads - before.loads,
    ];
  }

  #poolDeltas(): PoolDeltas {
    const pools = this.#readPools();
    const opened = pools.opened - this.#openedTotal;
    const before = this.#acquiredTotal;
    this.#openedTotal = pools.opened;
    this.#acquiredTotal = pools.acquired;
    const acquired =
      pools.acquired === undefined || before === undefined
        ? undefined
        : pools.acquired - before;
    return { opened, open: pools.open, acquired };
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
      return {
        opened: this.#openedTotal,
        open: 0,
        acquired: this.#acquiredTotal,
      };
    }
  }

  #addMemory(doc: Doc): void {
    addMemory(doc, sampleMemory(this.#config.memorySizeMb));
  }

  #emit(doc: Doc): void {
    this.#addLevel(doc);
    try {
      this.#config.sink(doc as unknown as EmfDocument);
    } catch (error) {
      this.#dropped(doc[M.phase], error);
    }
  }

  #dropped(phase: unknown, error: unknown): void {
    this.#logger.error('Metrics sink failed; the EMF document was dropped', {
      phase,
      ...errorFields(error),
    });
  }
}
