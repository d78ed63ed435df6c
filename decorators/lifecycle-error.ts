/** What went wrong, as a stable string that tests and callers can match. */
export type LifecycleErrorCode =
  | 'INVALID_DECORATOR_TARGET'
  | 'INVALID_OPTION'
  | 'DUPLICATE_DECORATOR'
  | 'MISSING_HANDLE_METHOD'
  | 'NOT_A_HANDLER'
  | 'MISSING_PROVIDER'
  | 'MISSING_TYPE_INFO'
  | 'DEPENDENCY_CYCLE'
  | 'RESOLUTION_FAILED'
  | 'BUILT_AFTER_INIT'
  | 'HOOK_FAILED'
  | 'HOOK_TIMED_OUT'
  | 'AFTER_INVOKE_FAILED'
  | 'CONTAINER_NOT_READY'
  | 'NO_INVOCATION_SCOPE'
  | 'UNSUPPORTED_CONTAINER'
  | 'EXTENSION_REGISTRATION_FAILED'
  | 'INVALID_CONFIG'
  | 'HANDLER_NOT_FOUND'
  | 'BUILD_FAILED';

const BRAND = Symbol.for('lambda-lifecycle/error');

/**
 * The one error class lambda-lifecycle throws.
 *
 * Messages start with where the problem is (`@OnInit on Database.connect:`),
 * say what happened and what to do; the underlying error, if any, is `cause`.
 *
 * @example
 * try {
 *   await handler.ready;
 * } catch (error) {
 *   if (LifecycleError.is(error) && error.code === 'HOOK_FAILED') {
 *     // an @OnInit hook failed; error.cause holds what it threw
 *   }
 * }
 */
export class LifecycleError extends Error {
  override readonly name = 'LifecycleError';
  readonly code: LifecycleErrorCode;
  readonly [BRAND] = true;

  constructor(
    code: LifecycleErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
  }

  /** True for a LifecycleError, even one from another copy of the package. */
  static is(value: unknown): value is LifecycleError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }
}
