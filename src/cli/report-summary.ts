import {
  INIT_HOOK_METRIC_PREFIX,
  LIFECYCLE_MEMBERS as M,
  type DocumentPhase,
} from '../metrics/lifecycle-metrics';
import type { EmfInput, LifecycleDocument } from './report-input';

/** Percentiles of a set of values, nearest rank. */
export interface Distribution {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** The values themselves, ascending, for charts. */
  readonly values: readonly number[];
}

/** One phase of one environment, placed on the clock. */
export interface TimelineSpan {
  readonly phase: DocumentPhase;
  /** Epoch ms when the phase began (its document's time minus duration). */
  readonly startMs: number;
  readonly durationMs: number;
  readonly cold: boolean;
  readonly failed: boolean;
  readonly label: string;
}

/** What one environment did, in order. */
export interface EnvironmentTrack {
  readonly id: string;
  readonly spans: readonly TimelineSpan[];
}

/** Everything the report shows, computed once from the documents. */
export interface ReportSummary {
  readonly documents: number;
  readonly otherEmf: number;
  readonly ignoredLines: number;
  readonly functions: readonly string[];
  readonly environments: readonly EnvironmentTrack[];
  readonly inits: number;
  readonly initFailures: number;
  readonly shutdowns: number;
  readonly shutdownProblems: number;
  readonly invocations: number;
  readonly coldStarts: number;
  readonly errors: number;
  /** Cold starts per invocation, 0-1; undefined without invocations. */
  readonly coldStartRate: number | undefined;
  readonly initDuration: Distribution | undefined;
  readonly initHooks: readonly { name: string; duration: Distribution }[];
  readonly invocationDuration: Distribution | undefined;
  readonly billedDuration: Distribution | undefined;
  /** Idle time before warm invocations (not the first of an environment). */
  readonly idle: Distribution | undefined;
  /** Time between INIT and the first invocation of each environment. */
  readonly firstIdle: Distribution | undefined;
  readonly shutdownDuration: Distribution | undefined;
  readonly connections: ConnectionSummary | undefined;
  readonly lazy: LazySummary | undefined;
  readonly memory: MemorySummary | undefined;
}

/** How invocations of environments with `Pooled` providers got connections. */
export interface ConnectionSummary {
  /** Invocations that used a connection and opened none. */
  readonly reused: number;
  /** Invocations that used a connection and opened at least one. */
  readonly opening: number;
  /** Invocations that used no connection: neither reuse nor opening. */
  readonly unused: number;
  /** reused / (reused + opening), 0-1: unused invocations do not count. */
  readonly reuseRate: number | undefined;
  /** Connections opened in all, INIT included. */
  readonly opened: number;
}

/** How `@Lazy` reads were served. */
export interface LazySummary {
  readonly hits: number;
  readonly misses: number;
  readonly loads: number;
  /** hits / (hits + misses), 0-1. */
  readonly hitRate: number | undefined;
}

/** The most memory any sampled document saw. */
export interface MemorySummary {
  readonly samples: number;
  readonly heapUsedMax: number;
  readonly rssMax: number;
  readonly memorySizeMb: number | undefined;
  readonly utilizationMax: number | undefined;
}

const num = (doc: LifecycleDocument, name: string): number | undefined => {
  const value = doc[name];
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
};

function defined(values: readonly (number | undefined)[]): number[] {
  return values.filter((v): v is number => v !== undefined);
}

/** Nearest-rank percentiles of `values`; undefined when there are none. */
export function distribution(
  values: readonly number[],
): Distribution | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) =>
    sorted[Math.min(sorted.length, Math.ceil(q * sorted.length)) - 1];
  return {
    count: sorted.length,
    p50: rank(0.5),
    p90: rank(0.9),
    p99: rank(0.99),
    max: sorted[sorted.length - 1],
    values: sorted,
  };
}

const sum = (docs: readonly LifecycleDocument[], name: string) =>
  docs.reduce((total, doc) => total + (num(doc, name) ?? 0), 0);
const ratio = (part: number, whole: number) =>
  whole === 0 ? undefined : part / whole;

function span(doc: LifecycleDocument): TimelineSpan {
  const phase = doc[M.phase];
  const durationMs =
    num(
      doc,
      phase === 'INIT'
        ? 'InitDuration'
        : phase === 'INVOKE'
          ? 'InvocationDuration'
          : 'ShutdownDuration',
    ) ?? 0;
  const failed =
    doc[M.outcome] === 'failed' || (num(doc, 'ShutdownProblems') ?? 0) > 0;
  return {
    phase,
    startMs: doc._aws.Timestamp - durationMs,
    durationMs,
    cold: num(doc, 'ColdStart') === 1,
    failed,
    label:
      phase === 'INVOKE' ? String(doc[M.requestId] ?? '') : phase.toString(),
  };
}

function tracks(docs: readonly LifecycleDocument[]): EnvironmentTrack[] {
  const byId = new Map<string, TimelineSpan[]>();
  for (const doc of docs) {
    const id = String(doc[M.environment] ?? 'unknown');
    const spans = byId.get(id) ?? [];
    spans.push(span(doc));
    byId.set(id, spans);
  }
  return [...byId].map(([id, spans]) => ({
    id,
    spans: spans.sort((a, b) => a.startMs - b.startMs),
  }));
}

function initHooks(inits: readonly LifecycleDocument[]) {
  const byName = new Map<string, number[]>();
  for (const doc of inits) {
    for (const [name, value] of Object.entries(doc)) {
      if (!name.startsWith(INIT_HOOK_METRIC_PREFIX)) continue;
      if (typeof value !== 'number') continue;
      const hook = name.slice(INIT_HOOK_METRIC_PREFIX.length);
      byName.set(hook, [...(byName.get(hook) ?? []), value]);
    }
  }
  return [...byName].map(([name, values]) => ({
    name,
    duration: distribution(values)!,
  }));
}

/**
 * An invocation document's `ConnectionReused` is 1 when it reused a
 * connection and 0 when it opened one; the member is left out when it used
 * none. Documents of providers that do not count acquisitions say 0 for an
 * invocation that opened none with no connection open: that one used none
 * too.
 */
function connections(
  docs: readonly LifecycleDocument[],
  invokes: readonly LifecycleDocument[],
): ConnectionSummary | undefined {
  const pooled = invokes.filter(
    (doc) => 'ConnectionsOpen' in doc || 'ConnectionReused' in doc,
  );
  if (pooled.length === 0) return undefined;
  const reused = pooled.filter((doc) => num(doc, 'ConnectionReused') === 1);
  const opening = pooled.filter(
    (doc) =>
      num(doc, 'ConnectionReused') === 0 &&
      (num(doc, 'ConnectionsOpened') ?? 0) > 0,
  );
  return {
    reused: reused.length,
    opening: opening.length,
    unused: pooled.length - reused.length - opening.length,
    reuseRate: ratio(reused.length, reused.length + opening.length),
    opened: sum(docs, 'ConnectionsOpened'),
  };
}

function lazy(docs: readonly LifecycleDocument[]): LazySummary | undefined {
  if (!docs.some((doc) => 'LazyHits' in doc)) return undefined;
  const hits = sum(docs, 'LazyHits');
  const misses = sum(docs, 'LazyMisses');
  return {
    hits,
    misses,
    loads: sum(docs, 'LazyLoads'),
    hitRate: ratio(hits, hits + misses),
  };
}

function memory(docs: readonly LifecycleDocument[]): MemorySummary | undefined {
  const sampled = docs.filter((doc) => num(doc, 'Rss') !== undefined);
  if (sampled.length === 0) return undefined;
  const max = (name: string) => {
    const values = defined(sampled.map((doc) => num(doc, name)));
    return values.length === 0 ? undefined : Math.max(...values);
  };
  return {
    samples: sampled.length,
    heapUsedMax: max('HeapUsed') ?? 0,
    rssMax: max('Rss') ?? 0,
    memorySizeMb: defined(docs.map((doc) => num(doc, M.memorySize)))[0],
    utilizationMax: max('MemoryUtilization'),
  };
}

/**
 * Reads the whole story out of the engine's documents: cold-start rate,
 * INIT and invocation duration percentiles, idle time, connection reuse,
 * lazy hit rate, memory, and a timeline per environment.
 *
 * Phase: none (after the fact). Never throws; a metric a document lacks is
 * left out of its figures.
 *
 * @example
 * ```ts
 * const summary = summarise(readEmfDocuments(text));
 * summary.coldStartRate; // 0.25
 * ```
 */
export function summarise(input: EmfInput): ReportSummary {
  const docs = input.documents;
  const of = (phase: DocumentPhase) => docs.filter((d) => d[M.phase] === phase);
  const inits = of('INIT');
  const invokes = of('INVOKE');
  const shutdowns = of('SHUTDOWN');
  const values = (list: readonly LifecycleDocument[], name: string) =>
    distribution(defined(list.map((doc) => num(doc, name))));
  const coldStarts = sum(invokes, 'ColdStart');
  const okInits = inits.filter((doc) => doc[M.outcome] !== 'failed');
  const first = (doc: LifecycleDocument) =>
    num(doc, 'InvocationsInEnvironment') === 1;

  return {
    documents: docs.length,
    otherEmf: input.otherEmf,
    ignoredLines: input.ignoredLines,
    functions: [
      ...new Set(
        docs.map((doc) => doc.FunctionName).filter((n) => n !== undefined),
      ),
    ].map(String),
    environments: tracks(docs),
    inits: inits.length,
    initFailures: inits.length - okInits.length,
    shutdowns: shutdowns.length,
    shutdownProblems: sum(shutdowns, 'ShutdownProblems'),
    invocations: invokes.length,
    coldStarts,
    errors: sum(invokes, 'InvocationErrors'),
    coldStartRate: ratio(coldStarts, invokes.length),
    initDuration: values(okInits, 'InitDuration'),
    initHooks: initHooks(inits),
    invocationDuration: values(invokes, 'InvocationDuration'),
    billedDuration: values(invokes, 'BilledDurationEstimate'),
    idle: values(
      invokes.filter((doc) => !first(doc)),
      'IdleTime',
    ),
    firstIdle: values(invokes.filter(first), 'IdleTime'),
    shutdownDuration: values(shutdowns, 'ShutdownDuration'),
    connections: connections(docs, invokes),
    lazy: lazy(docs),
    memory: memory(docs),
  };
}
