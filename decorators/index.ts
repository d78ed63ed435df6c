import './reflect-check';

export { AfterInvoke } from './after-invoke.decorator';
export { BeforeInvoke } from './before-invoke.decorator';
export { Handler, readHandlerMetadata } from './handler.decorator';
export type {
  AfterInvokeErrorPolicy,
  HandlerMetadata,
  HandlerOptions,
} from './handler.decorator';
export { readHooks, readLazyMembers, memberName } from './hook-metadata';
export type { AnyClass, HookKind, MemberRecord } from './hook-metadata';
export {
  InvocationScoped,
  isInvocationScoped,
} from './invocation-scoped.decorator';
export { Lazy } from './lazy.decorator';
export type { LazyOptions } from './lazy.decorator';
export { LifecycleError } from './lifecycle-error';
export type { LifecycleErrorCode } from './lifecycle-error';
export { OnError } from './on-error.decorator';
export { OnInit } from './on-init.decorator';
export type { OnInitOptions } from './on-init.decorator';
export { OnShutdown } from './on-shutdown.decorator';
export type { OnShutdownOptions } from './on-shutdown.decorator';
export { Sensitive, readSensitiveMembers } from './sensitive.decorator';
