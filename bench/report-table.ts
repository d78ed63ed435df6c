import type { Comparison, HeapGrowth } from './harness';

/** The results of one case, as measured in its own process. */
export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly targetAddedNs: number | undefined;
  readonly timing: Comparison;
  /** The adapter's growth, then the hand-written handler's, for scale. */
  readonly heap: { framework: HeapGrowth; baseline: HeapGrowth };
}

/** Heap growth that still counts as none: GC bookkeeping, not a leak. */
export const HEAP_NOISE_BYTES = 16 * 1024;

type Row = readonly string[];

/** Aligns the columns; text columns go left, numbers right. */
export function table(
  header: Row,
  rows: readonly Row[],
  left: number[],
): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column].length)),
  );
  const line = (row: Row) =>
    row
      .map((cell, column) =>
        left.includes(column)
          ? cell.padEnd(widths[column])
          : cell.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd();

  return [line(header), line(widths.map((w) => '-'.repeat(w)))]
    .concat(rows.map(line))
    .join('\n');
}

const ns = (value: number) => `${value.toFixed(1)} ns`;
const signed = (value: number, unit: string) =>
  `${value >= 0 ? '+' : ''}${value.toFixed(1)}${unit}`;
const bytes = (value: number) =>
  `${value >= 0 ? '+' : ''}${Math.round(value).toLocaleString('en-US')} B`;

/** Whether a case met its timing goal, as a word for the table. */
export function timingVerdict(result: CaseResult): string {
  if (result.targetAddedNs === undefined) return 'no target';

  return result.timing.addedNs <= result.targetAddedNs ? 'met' : 'NOT met';
}

/** Whether the adapter left nothing behind on the heap. */
export function heapVerdict(result: CaseResult): string {
  return result.heap.framework.bytes <= HEAP_NOISE_BYTES ? 'met' : 'NOT met';
}

/** The timing table: one row per case. */
export function timingTable(results: readonly CaseResult[]): string {
  const header = [
    'case',
    'hand-written',
    'adapter',
    'added',
    'ratio',
    'added p25..p75',
    'target',
    'verdict',
  ];
  const rows = results.map(({ timing, targetAddedNs, ...result }) => [
    result.title,
    ns(timing.baselineNs),
    ns(timing.frameworkNs),
    signed(timing.addedNs, ' ns'),
    `${timing.ratio.toFixed(2)}x`,
    timing.addedIqrNs.map((value) => signed(value, '')).join('..'),
    targetAddedNs === undefined ? '-' : `<= +${targetAddedNs} ns`,
    timingVerdict({ timing, targetAddedNs, ...result }),
  ]);

  return table(header, rows, [0, 7]);
}

/** The heap table: one row per case. */
export function heapTable(results: readonly CaseResult[]): string {
  const header = [
    'case',
    'invocations',
    'adapter',
    'per invocation',
    'hand-written',
    'target',
    'verdict',
  ];
  const rows = results.map((result) => [
    result.title,
    result.heap.framework.invocations.toLocaleString('en-US'),
    bytes(result.heap.framework.bytes),
    `${result.heap.framework.bytesPerInvocation.toFixed(4)} B`,
    bytes(result.heap.baseline.bytes),
    `<= ${HEAP_NOISE_BYTES / 1024} KiB`,
    heapVerdict(result),
  ]);

  return table(header, rows, [0, 6]);
}
