import type { InjectionToken } from 'tsyringe';
import { tokenName } from '../container/graph-check';

/** What a connection pool has done since it was created. */
export interface PoolStats {
  /** Connections opened so far (a reconnect counts as a new one). */
  readonly opened: number;
  /** Connections open now, idle or in use. */
  readonly open: number;
  /**
   * Times a connection was used so far: handed out by the pool (`pg`'s
   * `acquire` event) or, for a client with one connection, commands sent.
   * Optional; without it an invocation that used no connection cannot be
   * told from one that reused a connection.
   */
  readonly acquired?: number;
}

/**
 * Implemented by a provider that owns pooled connections (a `pg` Pool, a
 * Redis client), so the framework can tell for each invocation whether it
 * reused a connection that an earlier invocation opened or had to open one.
 * An invocation during which `acquired` grew used a connection: it reused
 * one when `opened` stayed the same, it opened one when `opened` grew. An
 * invocation during which `acquired` did not grow used none and counts as
 * neither. Providers without `acquired` (in an environment where any
 * provider lacks it) count an invocation as reusing when it opened none
 * while connections were open.
 *
 * Phase: read at the end of every invocation when metrics are on; it must
 * be cheap (three counters) and must not throw.
 *
 * @example
 * ```ts
 * @singleton()
 * class Database implements Pooled {
 *   #opened = 0;
 *   #acquired = 0;
 *   readonly pool = new Pool()
 *     .on('connect', () => this.#opened++)
 *     .on('acquire', () => this.#acquired++);
 *   poolStats(): PoolStats {
 *     const { totalCount: open } = this.pool;
 *     return { opened: this.#opened, open, acquired: this.#acquired };
 *   }
 * }
 * ```
 */
export interface Pooled {
  poolStats(): PoolStats;
}

/** True when `value` implements {@link Pooled}. */
export function isPooled(value: unknown): value is Pooled {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Pooled>).poolStats === 'function'
  );
}

/** A built object that implements {@link Pooled}, with the name it has. */
export interface PooledProvider {
  /** Its class name, or its token for a factory or value registration. */
  readonly name: string;
  readonly pool: Pooled;
}

/**
 * Every object in `built` that implements {@link Pooled}, named by its
 * token. The engine calls it once per INIT; per invocation it only reads
 * their `poolStats()`.
 */
export function findPooled(
  built: readonly { token: InjectionToken<unknown>; instance: object }[],
): PooledProvider[] {
  return built.flatMap(({ token, instance }) =>
    isPooled(instance) ? [{ name: tokenName(token), pool: instance }] : [],
  );
}
