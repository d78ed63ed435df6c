import { recordHook } from './hook-metadata';

/**
 * Runs the method when a `@BeforeInvoke` hook or the handler throws, with
 * `(error, event, context)`.
 *
 * Phase: each invoke. The handler's hooks run first, then those of the
 * services it depends on. A hook that returns a value other than `undefined`
 * recovers: that value becomes the invocation's result and no later error
 * hook runs. When no hook recovers, the original error reaches Lambda
 * unchanged. An error hook that itself throws is logged and skipped; it
 * never hides the original error.
 *
 * @example
 * ```ts
 * @OnError()
 * toResponse(error: unknown): APIGatewayProxyResultV2 | undefined {
 *   if (error instanceof NotFound) return { statusCode: 404 };
 *   return undefined;
 * }
 * ```
 */
export function OnError(): MethodDecorator {
  return (target, member, descriptor) => {
    recordHook('onError', target, member, descriptor, {});
  };
}
