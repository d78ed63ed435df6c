import { LifecycleError } from './lifecycle-error';
import {
  assertInstanceMethod,
  assertPositive,
  memberName,
  recordLazy,
} from './hook-metadata';

/** Options of {@link Lazy}. */
export interface LazyOptions {
  /**
   * How long a loaded value stays fresh, in milliseconds. Expiry is checked
   * when the value is read (a frozen environment runs no timers); the first
   * read after it loads again. Without it the value never expires.
   */
  readonly ttlMs?: number;
  /** Load during INIT, after the instance's `@OnInit` hooks, not on first use. */
  readonly eager?: boolean;
}

/**
 * Computes the method's value on first use and shares it across invocations
 * of the execution environment.
 *
 * Phase: the first invoke that reads it (or init, with `eager`). Concurrent
 * first reads share one in-flight load. A load that throws or rejects is not
 * cached: the caller sees the error and the next read tries again.
 *
 * @example
 * ```ts
 * @Lazy({ ttlMs: 60_000 })
 * async settings(): Promise<Settings> {
 *   return this.ssm.load('/orders/settings');
 * }
 * ```
 */
export function Lazy(options: LazyOptions = {}): MethodDecorator {
  return (target, member, descriptor) => {
    const where = `@Lazy on ${memberName(target, member)}`;
    assertInstanceMethod('@Lazy', target, member, descriptor);
    assertPositive(where, 'ttlMs', options.ttlMs);

    const arity = (descriptor.value as unknown as () => unknown).length;
    if (arity > 0) {
      throw new LifecycleError(
        'INVALID_DECORATOR_TARGET',
        `${where}: the method takes ${arity} parameter(s). A lazy value is ` +
          'computed once and shared, so its method must take none.',
      );
    }
    recordLazy(target, member, options);
  };
}
