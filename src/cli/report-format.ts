import type { Distribution, ReportSummary } from './report-summary';

/** A duration for people: `0.42 ms`, `2.5 ms`, `3 ms`, `81 ms`, `12.3 s`. */
export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (Number.isInteger(ms)) return `${ms} ms`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** A share for people: `25.0%`, or `-` when there is nothing to share. */
export function formatRate(rate: number | undefined): string {
  return rate === undefined ? '-' : `${(rate * 100).toFixed(1)}%`;
}

/** Bytes in MiB: `60.1 MiB`. */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** `1 miss`, `2 misses`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `orders, payments` or `no function name`. */
export function functionNames(summary: ReportSummary): string {
  return summary.functions.length === 0
    ? 'no function name'
    : summary.functions.join(', ');
}

/** One table row of a distribution: count, p50, p90, p99, max. */
export function distributionCells(
  distribution: Distribution | undefined,
): string[] {
  if (distribution === undefined) return ['0', '-', '-', '-', '-'];
  const { count, p50, p90, p99, max } = distribution;
  return [String(count), ...[p50, p90, p99, max].map(formatMs)];
}

/** The memory line: `RSS max 60.1 MiB of 128 MiB (47.0%); heap max ...`. */
export function memoryText(summary: ReportSummary): string {
  const memory = summary.memory;
  if (memory === undefined) return 'not sampled';
  const size =
    memory.memorySizeMb === undefined ? '' : ` of ${memory.memorySizeMb} MiB`;
  const share =
    memory.utilizationMax === undefined
      ? ''
      : ` (${memory.utilizationMax.toFixed(1)}%)`;
  return (
    `RSS max ${formatMiB(memory.rssMax)}${size}${share}; heap max ` +
    `${formatMiB(memory.heapUsedMax)}; ${plural(memory.samples, 'sample')}`
  );
}

/**
 * The connection line, the reuse rate among invocations that used a
 * connection: `75.0% (6 reused, 2 opened one, 2 used none; ...)`.
 */
export function connectionText(summary: ReportSummary): string {
  const c = summary.connections;
  if (c === undefined) return 'no Pooled provider';
  const unused = c.unused > 0 ? `, ${c.unused} used none` : '';
  return (
    `${formatRate(c.reuseRate)} (${c.reused} reused, ${c.opening} opened ` +
    `one${unused}; ${plural(c.opened, 'connection')} opened in all)`
  );
}

/** The lazy line: `80.0% (4 hits, 1 miss, 1 load)`. */
export function lazyText(summary: ReportSummary): string {
  const lazy = summary.lazy;
  if (lazy === undefined) return 'no @Lazy value';
  return (
    `${formatRate(lazy.hitRate)} (${plural(lazy.hits, 'hit')}, ` +
    `${plural(lazy.misses, 'miss', 'misses')}, ${plural(lazy.loads, 'load')})`
  );
}
