import { now } from './clock';
import type { AnyClass } from '../../decorators/hook-metadata';
import { memberName, readLazyMembers } from '../../decorators/hook-metadata';
import type { LazyOptions } from '../../decorators/lazy.decorator';
import { isThenable } from './thenable';

/** How a lazy value has been used, for metrics. */
export interface LazyStats {
  /** Reads served from the cached value or a load already in flight. */
  hits: number;
  /** Reads that started a load. */
  misses: number;
  /** Loads that finished with a value. */
  loads: number;
  /** Loads that threw or rejected (not cached). */
  failures: number;
}

interface Cached<T> {
  readonly value: T;
  readonly loadedAt: number;
}

/**
 * A value computed on first read and shared until it expires. Concurrent
 * first reads share one in-flight load; a failed load is forgotten so the
 * next read tries again. Expiry is checked when the value is read, never by
 * a timer: a frozen environment runs none.
 */
export class LazyValue<T> {
  readonly stats: LazyStats = { hits: 0, misses: 0, loads: 0, failures: 0 };
  readonly #load: () => T;
  readonly #ttlMs: number | undefined;
  #cached: Cached<T> | undefined;
  #pending: T | undefined;

  constructor(load: () => T, ttlMs?: number) {
    this.#load = load;
    this.#ttlMs = ttlMs;
  }

  /** The value, loading it when there is none or it has expired. */
  get(): T {
    const cached = this.#cached;
    if (cached !== undefined && this.#fresh(cached)) {
      this.stats.hits++;
      return cached.value;
    }
    if (this.#pending !== undefined) {
      this.stats.hits++;
      return this.#pending;
    }

    this.stats.misses++;
    this.#cached = undefined;
    return this.#start();
  }

  /** Drops the cached value; the next read loads again. */
  invalidate(): void {
    this.#cached = undefined;
  }

  #fresh(cached: Cached<T>): boolean {
    return this.#ttlMs === undefined || now() - cached.loadedAt < this.#ttlMs;
  }

  #start(): T {
    let value: T;
    try {
      value = this.#load();
    } catch (error) {
      this.stats.failures++;
      throw error;
    }
    if (!isThenable(value)) {
      this.#store(value);
      return value;
    }

    const pending = Promise.resolve(value).then(
      (settled) => {
        this.#pending = undefined;
        this.#store(pending as T);
        return settled;
      },
      (error: unknown) => {
        this.#pending = undefined;
        this.stats.failures++;
        throw error;
      },
    );
    this.#pending = pending as T;
    return pending as T;
  }

  #store(value: T): void {
    this.stats.loads++;
    this.#cached = { value, loadedAt: now() };
  }
}

/** One `@Lazy` member installed on an instance. */
export interface InstalledLazy {
  readonly owner: object;
  readonly name: string;
  readonly value: LazyValue<unknown>;
  readonly eager: boolean;
}

/**
 * Replaces each `@Lazy` method of `instance` with an own member that reads a
 * {@link LazyValue}, so the cache belongs to this instance (and so to one
 * environment) and the prototype stays untouched.
 */
export function installLazyMembers(instance: object): InstalledLazy[] {
  const ctor = instance.constructor as AnyClass;
  const record = instance as Record<string | symbol, unknown>;

  return readLazyMembers<LazyOptions>(ctor).map(({ member, options }) => {
    const method = record[member] as () => unknown;
    const value = new LazyValue(() => method.call(instance), options.ttlMs);

    Object.defineProperty(instance, member, {
      configurable: true,
      writable: true,
      value: () => value.get(),
    });
    return {
      owner: instance,
      name: memberName(instance, member),
      value,
      eager: options.eager === true,
    };
  });
}
