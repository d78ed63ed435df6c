import type { MetricUnit } from './metric-unit';

/**
 * Every metric the engine records, with its unit. INIT, INVOKE and
 * SHUTDOWN documents each carry the ones that apply to them; lazy and
 * connection metrics only appear when the environment has `@Lazy` values or
 * `Pooled` providers, memory metrics only on sampled documents.
 */
export const LIFECYCLE_METRICS = {
  /** INIT: from the start of INIT to READY (or to the failure). */
  InitDuration: 'Milliseconds',
  /** INIT: 1 when INIT failed. */
  InitErrors: 'Count',
  /** INVOKE: 1 on the first invocation of an on-demand environment. */
  ColdStart: 'Count',
  /** INVOKE: from the engine receiving the event to the result settling. */
  InvocationDuration: 'Milliseconds',
  /**
   * INVOKE: the duration rounded up to the next millisecond, at least 1.
   * An estimate: the billed figure is only in Lambda's platform report.
   */
  BilledDurationEstimate: 'Milliseconds',
  /** INVOKE: since the previous invocation ended (or INIT, for the first). */
  IdleTime: 'Milliseconds',
  /** INVOKE: this invocation's number in the environment, from 1. */
  InvocationsInEnvironment: 'Count',
  /** INVOKE: 1 when the invocation rejected. */
  InvocationErrors: 'Count',
  /** Reads of `@Lazy` values served from the cache or a load in flight. */
  LazyHits: 'Count',
  /** Reads of `@Lazy` values that started a load. */
  LazyMisses: 'Count',
  /** `@Lazy` loads that finished with a value. */
  LazyLoads: 'Count',
  /** Connections `Pooled` providers opened since the previous document. */
  ConnectionsOpened: 'Count',
  /**
   * INVOKE: 1 when the invocation used a connection and opened none, 0 when
   * it opened one; left out when it used none (so its average is the reuse
   * rate). Providers without `acquired`: 1 when it opened none while
   * connections were open.
   */
  ConnectionReused: 'Count',
  /** Connections open in `Pooled` providers, idle or in use. */
  ConnectionsOpen: 'Count',
  /** V8 heap in use (sampled). */
  HeapUsed: 'Bytes',
  /** Resident set size of the process (sampled). */
  Rss: 'Bytes',
  /** RSS against `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` (sampled). */
  MemoryUtilization: 'Percent',
  /** SHUTDOWN: the shutdown hooks and disposers, start to end. */
  ShutdownDuration: 'Milliseconds',
  /** SHUTDOWN: steps that failed or ran out of time. */
  ShutdownProblems: 'Count',
  /** SHUTDOWN: from the environment's creation to the end of SHUTDOWN. */
  EnvironmentLifetime: 'Milliseconds',
} as const satisfies Record<string, MetricUnit>;

/** The name of one of {@link LIFECYCLE_METRICS}. */
export type LifecycleMetricName = keyof typeof LIFECYCLE_METRICS;

/** INIT: one metric per `@OnInit` hook, `InitHookDuration.Class.member`. */
export const INIT_HOOK_METRIC_PREFIX = 'InitHookDuration.';

/** INIT: one metric per eager `@Lazy` load, `EagerLazyDuration.Class.member`. */
export const EAGER_LAZY_METRIC_PREFIX = 'EagerLazyDuration.';

/**
 * Root members that are not metrics: which phase a document describes,
 * which environment wrote it, and per phase the request id, the outcome,
 * the initialization type and the configured memory. `level` and
 * `timestamp` (RFC 3339) are only written when Lambda filters JSON logs
 * above INFO, so that the filter lets the documents through.
 */
export const LIFECYCLE_MEMBERS = {
  phase: 'LifecyclePhase',
  environment: 'EnvironmentId',
  requestId: 'RequestId',
  outcome: 'Outcome',
  initializationType: 'InitializationType',
  memorySize: 'MemorySizeMb',
  level: 'level',
  timestamp: 'timestamp',
} as const;

/** The phases a lifecycle document describes. */
export type DocumentPhase = 'INIT' | 'INVOKE' | 'SHUTDOWN';
