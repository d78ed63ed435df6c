/**
 * Reflect metadata keys written by the lifecycle decorators.
 *
 * Each key is a registered symbol, so two copies of the package loaded in one
 * process still read each other's metadata.
 */
export const HANDLER_METADATA = Symbol.for('lambda-lifecycle/handler');
export const ON_INIT_METADATA = Symbol.for('lambda-lifecycle/on-init');
export const BEFORE_INVOKE_METADATA = Symbol.for(
  'lambda-lifecycle/before-invoke',
);
export const AFTER_INVOKE_METADATA = Symbol.for(
  'lambda-lifecycle/after-invoke',
);
export const ON_ERROR_METADATA = Symbol.for('lambda-lifecycle/on-error');
export const ON_SHUTDOWN_METADATA = Symbol.for('lambda-lifecycle/on-shutdown');
export const LAZY_METADATA = Symbol.for('lambda-lifecycle/lazy');
export const INVOCATION_SCOPED_METADATA = Symbol.for(
  'lambda-lifecycle/invocation-scoped',
);
export const SENSITIVE_METADATA = Symbol.for('lambda-lifecycle/sensitive');
