import { assertPositive, memberName, recordHook } from './hook-metadata';

/** Options of {@link OnInit}. */
export interface OnInitOptions {
  /**
   * Fails INIT when the hook has not settled after this many milliseconds.
   * Without it the hook may run until Lambda's own init limit (10 s on demand).
   */
  readonly timeoutMs?: number;
}

/**
 * Runs the method once per execution environment, during INIT, after the
 * instance is built and after the init hooks of everything it depends on.
 *
 * Phase: init. Hooks are awaited one after another in dependency order.
 * When it throws or rejects, INIT fails fast: no later init hook runs, the
 * shutdown hooks of what already started run, and the error names this member.
 *
 * @example
 * ```ts
 * @singleton()
 * class Database {
 *   @OnInit({ timeoutMs: 2_000 })
 *   async connect(): Promise<void> {
 *     this.pool = new Pool();
 *   }
 * }
 * ```
 */
export function OnInit(options: OnInitOptions = {}): MethodDecorator {
  return (target, member, descriptor) => {
    const where = `@OnInit on ${memberName(target, member)}`;
    assertPositive(where, 'timeoutMs', options.timeoutMs);
    recordHook('onInit', target, member, descriptor, options);
  };
}
