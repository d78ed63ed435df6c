import { recordHook } from './hook-metadata';

/**
 * Runs the method before the handler, on every invocation, with
 * `(event, context)`.
 *
 * Phase: each invoke. Hooks of the services the handler depends on run
 * first, then the handler's own, base class first. A hook that returns
 * nothing runs synchronously; one that returns a promise is awaited. When it
 * throws, the handler does not run and the `@OnError` hooks see the error.
 *
 * @example
 * ```ts
 * @BeforeInvoke()
 * authorize(event: APIGatewayProxyEventV2): void {
 *   if (!event.headers.authorization) throw new Unauthorized();
 * }
 * ```
 */
export function BeforeInvoke(): MethodDecorator {
  return (target, member, descriptor) => {
    recordHook('beforeInvoke', target, member, descriptor, {});
  };
}
