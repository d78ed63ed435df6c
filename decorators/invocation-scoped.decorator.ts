import { injectable } from 'tsyringe';
import { INVOCATION_SCOPED_METADATA } from './metadata-keys';
import type { AnyClass } from './hook-metadata';

/**
 * Marks a class of which every invocation gets its own instance, reached
 * through `InvocationScope.get(Class)` while that invocation runs.
 *
 * Phase: each invoke; the instance is built on first use in the invocation
 * and dropped when it ends. Its constructor throws into the caller of `get`.
 * Using one switches on the invocation scope (AsyncLocalStorage) for the
 * environment; handlers that use none pay nothing for it.
 *
 * @example
 * ```ts
 * @InvocationScoped()
 * class RequestState {
 *   readonly startedAt = Date.now();
 * }
 * ```
 */
export function InvocationScoped(): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(INVOCATION_SCOPED_METADATA, true, target);
    injectable()(target as unknown as new (...args: never[]) => unknown);
  };
}

/** True when `ctor` is marked with `@InvocationScoped()`. */
export function isInvocationScoped(ctor: AnyClass): boolean {
  return Reflect.getMetadata(INVOCATION_SCOPED_METADATA, ctor) === true;
}
