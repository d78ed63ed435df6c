import '../decorators/reflect-check';

export {
  AfterInvoke,
  BeforeInvoke,
  Handler,
  InvocationScoped,
  Lazy,
  LifecycleError,
  OnError,
  OnInit,
  OnShutdown,
  Sensitive,
} from '../decorators';
export type {
  AfterInvokeErrorPolicy,
  HandlerOptions,
  LazyOptions,
  LifecycleErrorCode,
  OnInitOptions,
  OnShutdownOptions,
} from '../decorators';
export { createHandler } from './adapter/create-handler';
export type {
  CreateHandlerOptions,
  HandlerEvent,
  HandlerResult,
  LambdaHandler,
} from './adapter/create-handler';
export type { ProviderSpec } from './container/environment-container';
export type { BlockingRegistration } from './runtime/extension-shutdown';
export { Environment } from './lifecycle/environment';
export type {
  EnvironmentOptions,
  EnvironmentStats,
} from './lifecycle/environment';
export type { ShutdownReport, StepResult } from './lifecycle/hook-runner';
export { AfterInvokeError } from './lifecycle/invoke-pipeline';
export { LazyValue } from './lifecycle/lazy-value';
export type { InstalledLazy, LazyStats } from './lifecycle/lazy-value';
export type {
  HookEnd,
  HookStart,
  InitSummary,
  InvocationEnd,
  InvocationStart,
  LifecycleObserver,
  Outcome,
  Phase,
  ShutdownSummary,
  StepKind,
} from './lifecycle/observer';
export { withLogContext } from './logging/contextual-logger';
export type { LogContext } from './logging/contextual-logger';
export { createDefaultLogger } from './logging/default-logger';
export type { DefaultLoggerOptions } from './logging/default-logger';
export { readLogSettings } from './logging/log-settings';
export type { LogFormat, LogLevel, LogSettings } from './logging/log-settings';
export { LOGGER, silentLogger } from './logging/logger';
export type { LogFields, Logger } from './logging/logger';
export {
  ALWAYS_REDACTED,
  REDACTED,
  createRedactor,
} from './logging/redact-fields';
export type { Redactor } from './logging/redact-fields';
export { InvocationScope, currentRequestId } from './scope/invocation-scope';
export { metricValues } from './metrics/emf-document';
export type {
  EmfDocument,
  MetricDefinition,
  MetricDirective,
  MetricValue,
} from './metrics/emf-document';
export { serializeEmf } from './metrics/emf-serialize';
export { writeEmfLine } from './metrics/emf-stdout-sink';
export {
  EAGER_LAZY_METRIC_PREFIX,
  INIT_HOOK_METRIC_PREFIX,
  LIFECYCLE_MEMBERS,
  LIFECYCLE_METRICS,
} from './metrics/lifecycle-metrics';
export type { LifecycleMetricName } from './metrics/lifecycle-metrics';
export { METRIC_UNITS, isMetricUnit } from './metrics/metric-unit';
export type { MetricUnit } from './metrics/metric-unit';
export type { MetricsOptions, MetricsSink } from './metrics/metrics-options';
export { powertoolsMetrics } from './metrics/powertools-metrics';
export type { PowertoolsMetricsLike } from './metrics/powertools-metrics';
export { isPooled } from './metrics/pooled';
export type { PoolStats, Pooled, PooledProvider } from './metrics/pooled';
