import type { InstalledLazy, LazyStats } from '../lifecycle/lazy-value';
import type { PooledProvider } from './pooled';

/** The counters of every `@Lazy` value of an environment, summed. */
export type LazyTotals = Pick<LazyStats, 'hits' | 'misses' | 'loads'>;

/** The connection counters of every `Pooled` provider, summed. */
export interface PoolTotals {
  readonly opened: number;
  readonly open: number;
  /** Undefined when any provider does not count acquisitions. */
  readonly acquired: number | undefined;
}

/** What memory the process uses now. */
export interface MemoryReading {
  readonly heapUsed: number;
  readonly rss: number;
  /** RSS in percent of the configured memory, when that is known. */
  readonly utilization: number | undefined;
}

/** Sums the hit, miss and load counters of `lazies`. Never throws. */
export function sumLazies(lazies: readonly InstalledLazy[]): LazyTotals {
  let hits = 0;
  let misses = 0;
  let loads = 0;
  for (const { value } of lazies) {
    hits += value.stats.hits;
    misses += value.stats.misses;
    loads += value.stats.loads;
  }
  return { hits, misses, loads };
}

/**
 * Sums `poolStats()` of every provider; `acquired` only when every one
 * counts it. Throws what a provider's `poolStats()` throws.
 */
export function readPools(pools: readonly PooledProvider[]): PoolTotals {
  let opened = 0;
  let open = 0;
  let acquired: number | undefined = 0;
  for (const { pool } of pools) {
    const stats = pool.poolStats();
    opened += stats.opened;
    open += stats.open;
    acquired =
      acquired === undefined || typeof stats.acquired !== 'number'
        ? undefined
        : acquired + stats.acquired;
  }
  return { opened, open, acquired };
}

/**
 * Heap used and RSS now, and RSS against `memorySizeMb` (Lambda's
 * `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`) rounded to 0.1 %. Costs about 2.5 us
 * (RSS comes from /proc), so the engine samples it. Never throws.
 */
export function sampleMemory(memorySizeMb: number | undefined): MemoryReading {
  // Limitation: memory is sampled; a peak between samples is missed.
  const { heapUsed, rss } = process.memoryUsage();
  const utilization =
    memorySizeMb === undefined
      ? undefined
      : Math.round((rss / (memorySizeMb * 1024 * 1024)) * 1000) / 10;
  return { heapUsed, rss, utilization };
}
