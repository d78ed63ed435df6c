import { injectable } from 'tsyringe';
import { LifecycleError } from './lifecycle-error';
import { HANDLER_METADATA } from './metadata-keys';
import type { AnyClass } from './hook-metadata';

/** What to do when an `@AfterInvoke` hook throws after a successful handler. */
export type AfterInvokeErrorPolicy = 'log' | 'throw';

/** Options of {@link Handler}. */
export interface HandlerOptions {
  /** The method Lambda's events are passed to. Default `handle`. */
  readonly method?: string;
  /**
   * `log` (default): the result reaches the caller and the hook's error is
   * logged. `throw`: the invocation fails with `AFTER_INVOKE_FAILED`, whose
   * `result` property keeps the result.
   */
  readonly afterInvokeErrors?: AfterInvokeErrorPolicy;
}

/** The handler options with every default filled in. */
export type HandlerMetadata = Required<HandlerOptions>;

/**
 * Marks the class whose `handle(event, context)` method receives Lambda's
 * events, and makes it injectable so its constructor parameters are built by
 * the container.
 *
 * Phase: none by itself; `createHandler` builds the class once, during INIT.
 * Throws when applied if the class has no such method or is already marked.
 *
 * @example
 * ```ts
 * @Handler()
 * export class OrdersHandler {
 *   constructor(private readonly db: Database) {}
 *   async handle(event: APIGatewayProxyEventV2) { ... }
 * }
 * ```
 */
export function Handler(options: HandlerOptions = {}): ClassDecorator {
  return (target) => {
    const metadata: HandlerMetadata = {
      method: options.method ?? 'handle',
      afterInvokeErrors: options.afterInvokeErrors ?? 'log',
    };
    const where = `@Handler on ${target.name || '<anonymous class>'}`;

    if (Reflect.hasOwnMetadata(HANDLER_METADATA, target)) {
      throw new LifecycleError(
        'DUPLICATE_DECORATOR',
        `${where}: the class is already marked with @Handler. Keep one.`,
      );
    }
    const method = (target.prototype as Record<string, unknown>)[
      metadata.method
    ];
    if (typeof method !== 'function') {
      throw new LifecycleError(
        'MISSING_HANDLE_METHOD',
        `${where}: the class has no "${metadata.method}" method. Add ` +
          `${metadata.method}(event, context) or name another method with ` +
          '@Handler({ method }).',
      );
    }
    if (!['log', 'throw'].includes(metadata.afterInvokeErrors)) {
      throw new LifecycleError(
        'INVALID_OPTION',
        `${where}: option "afterInvokeErrors" must be "log" or "throw", got ` +
          `"${String(metadata.afterInvokeErrors)}".`,
      );
    }

    Reflect.defineMetadata(HANDLER_METADATA, metadata, target);
    injectable()(target as unknown as new (...args: never[]) => unknown);
  };
}

/** The `@Handler` options of `ctor`, or undefined when it is not marked. */
export function readHandlerMetadata(
  ctor: AnyClass,
): HandlerMetadata | undefined {
  return Reflect.getMetadata(HANDLER_METADATA, ctor) as
    HandlerMetadata | undefined;
}
