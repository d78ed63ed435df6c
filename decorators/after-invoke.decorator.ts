import { recordHook } from './hook-metadata';

/**
 * Runs the method after the handler succeeded, on every invocation, with
 * `(result, event, context)`.
 *
 * Phase: each invoke. The handler's hooks run first, then those of the
 * services it depends on. What the hook returns is ignored: it observes the
 * result, it does not replace it. When it throws, the result still reaches
 * the caller and the failure is logged, unless the handler is declared with
 * `@Handler({ afterInvokeErrors: 'throw' })`, in which case the invocation
 * fails with a `LifecycleError` (`AFTER_INVOKE_FAILED`) that carries the
 * result.
 *
 * @example
 * ```ts
 * @AfterInvoke()
 * audit(result: APIGatewayProxyResultV2, event: unknown, context: Context) {
 *   this.audit.record(context.awsRequestId, result);
 * }
 * ```
 */
export function AfterInvoke(): MethodDecorator {
  return (target, member, descriptor) => {
    recordHook('afterInvoke', target, member, descriptor, {});
  };
}
