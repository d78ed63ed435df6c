import type { InjectionToken } from 'tsyringe';
import { tokenName } from '../container/graph-check';

/** What a connection pool has done since it was created. */
export interface PoolStats {
  /** Connections opened so far (a reconnect counts as a new one). */
  readonly opened: number;
  /** Connections open now, idle or in use. */
  readonly open: number;
}

/**
 * Implemented by a provider that owns pooled connections (a `pg` Pool, a
 * Redis client), so the framework can tell for each invocation whether it
 * reused a connection that an earlier invocation opened or had to open one:
 * an invocation during which `opened` grew opened one.
 *
 * Phase: read at the start and end of every invocation when metrics are on;
 * it must be cheap (two counters) and must not throw.
 *
 * @example
 * ```ts
 * @singleton()
 * class Database implements Pooled {
 *   #opened = 0;
 *   readonly pool = new Pool().on('connect', () => this.#opened++);
 *   poolStats(): PoolStats {
 *     return { opened: this.#opened, open: this.pool.totalCount };
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
