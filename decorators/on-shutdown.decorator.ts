import { assertPositive, memberName, recordHook } from './hook-metadata';

/** Options of {@link OnShutdown}. */
export interface OnShutdownOptions {
  /**
   * The most this hook may take, in milliseconds. Shorter than its group's
   * share of the shutdown budget, it cuts the hook sooner; longer, the hook
   * may run past the share only into time the later groups (what it depends
   * on) are not guaranteed, and never past what is left of the budget.
   */
  readonly timeoutMs?: number;
}

/**
 * Runs the method when the execution environment shuts down (SIGTERM from
 * Lambda, or `shutdown()` in tests), in reverse dependency order: a service is
 * closed after everything that uses it.
 *
 * Phase: shutdown. Every shutdown hook runs even when others fail; each one is
 * cut at its deadline. A failure or time-out is reported through the logger
 * and in the shutdown report, never thrown out of the shutdown path.
 *
 * @example
 * ```ts
 * @singleton()
 * class Database {
 *   @OnShutdown({ timeoutMs: 200 })
 *   async close(): Promise<void> {
 *     await this.pool.end();
 *   }
 * }
 * ```
 */
export function OnShutdown(options: OnShutdownOptions = {}): MethodDecorator {
  return (target, member, descriptor) => {
    const where = `@OnShutdown on ${memberName(target, member)}`;
    assertPositive(where, 'timeoutMs', options.timeoutMs);
    recordHook('onShutdown', target, member, descriptor, options);
  };
}
