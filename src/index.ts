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
export { Environment } from './lifecycle/environment';
export type {
  EnvironmentOptions,
  EnvironmentStats,
} from './lifecycle/environment';
export type { ShutdownReport, StepResult } from './lifecycle/hook-runner';
export { AfterInvokeError } from './lifecycle/invoke-pipeline';
export { LazyValue } from './lifecycle/lazy-value';
export type { LazyStats } from './lifecycle/lazy-value';
export type {
  HookEnd,
  HookStart,
  InvocationEnd,
  InvocationStart,
  LifecycleObserver,
  Outcome,
  Phase,
  StepKind,
} from './lifecycle/observer';
export { createDefaultLogger } from './logging/default-logger';
export { LOGGER, silentLogger } from './logging/logger';
export type { LogFields, Logger } from './logging/logger';
export { InvocationScope, currentRequestId } from './scope/invocation-scope';
export { isPooled } from './metrics/pooled';
export type { PoolStats, Pooled } from './metrics/pooled';
