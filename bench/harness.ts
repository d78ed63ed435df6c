import type { Context } from 'aws-lambda';

/** One way of handling an event: what Lambda would call, once per event. */
export type Invocation<E> = (event: E, context: Context) => Promise<unknown>;

/** How much measuring one comparison does. */
export interface Plan {
  /** Untimed batches per side before the first timed one. */
  readonly warmupBatches: number;
  /** Timed batches per side; the sides alternate batch by batch. */
  readonly rounds: number;
  /** Awaited invocations in one batch. */
  readonly batch: number;
}

/** Two sides of one case, timed against each other. */
export interface Comparison {
  /** Median ns per invocation of the hand-written handler. */
  readonly baselineNs: number;
  /** Median ns per invocation of the adapter. */
  readonly frameworkNs: number;
  /**
   * Median of the per-round differences, framework minus baseline: each
   * round's two batches ran back to back, so drift in the machine's speed
   * cancels out, which a difference of the two medians does not do.
   */
  readonly addedNs: number;
  /** `frameworkNs / baselineNs`. */
  readonly ratio: number;
  /** 25th and 75th percentile of the per-round differences, in ns. */
  readonly addedIqrNs: readonly [number, number];
}

/** What the V8 heap kept after a run, between two full collections. */
export interface HeapGrowth {
  readonly invocations: number;
  readonly bytes: number;
  readonly bytesPerInvocation: number;
}

/**
 * Runs `fn` `n` times, one awaited invocation after another, the way the
 * Lambda runtime feeds one environment, and returns ns per invocation.
 */
export async function timeBatch<E>(
  fn: Invocation<E>,
  n: number,
  event: E,
  context: Context,
): Promise<number> {
  const started = process.hrtime.bigint();

  for (let i = 0; i < n; i++) await fn(event, context);

  return Number(process.hrtime.bigint() - started) / n;
}

/**
 * Times the two sides in alternating batches, swapping which one goes first
 * every round so that neither always runs on a cooler or hotter machine,
 * and compares them round by round.
 */
export async function interleave<E>(
  baseline: Invocation<E>,
  framework: Invocation<E>,
  event: E,
  context: Context,
  plan: Plan,
): Promise<Comparison> {
  for (let i = 0; i < plan.warmupBatches; i++) {
    await timeBatch(baseline, plan.batch, event, context);
    await timeBatch(framework, plan.batch, event, context);
  }

  const base: number[] = [];
  const frame: number[] = [];
  for (let round = 0; round < plan.rounds; round++) {
    if (round % 2 === 0) {
      base.push(await timeBatch(baseline, plan.batch, event, context));
      frame.push(await timeBatch(framework, plan.batch, event, context));
    } else {
      frame.push(await timeBatch(framework, plan.batch, event, context));
      base.push(await timeBatch(baseline, plan.batch, event, context));
    }
  }

  const baselineNs = median(base);
  const frameworkNs = median(frame);
  const added = frame.map((ns, round) => ns - base[round]);
  return {
    baselineNs,
    frameworkNs,
    addedNs: median(added),
    ratio: frameworkNs / baselineNs,
    addedIqrNs: [quantile(added, 0.25), quantile(added, 0.75)],
  };
}

/**
 * Runs `fn` `n` times between full collections and reports what the heap
 * kept. Call it after {@link interleave} has warmed `fn` up: the loop is
 * `timeBatch`'s, already compiled, so new code is not counted as growth.
 */
export async function heapGrowth<E>(
  fn: Invocation<E>,
  n: number,
  event: E,
  context: Context,
): Promise<HeapGrowth> {
  const before = settledHeap();

  await timeBatch(fn, n, event, context);

  const bytes = settledHeap() - before;
  return { invocations: n, bytes, bytesPerInvocation: bytes / n };
}

const MAX_GC_PASSES = 10;

function settledHeap(): number {
  const gc = globalThis.gc;
  if (gc === undefined) {
    throw new Error(
      'The benchmark needs a callable garbage collector. Run it with ' +
        '`npm run bench` or `node --expose-gc <file>`.',
    );
  }

  // One full GC is not enough: a pass may only queue finalisers and weak
  // callbacks, and just after a run two passes still left about 140 KB
  // that the third freed. Collect until the heap stops changing.
  let previous = Number.NaN;
  for (let pass = 0; pass < MAX_GC_PASSES; pass++) {
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used === previous) break;
    previous = used;
  }
  return previous;
}

/** The middle value of `values` (the mean of the two middle ones). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The `q` quantile of `values`, interpolated between neighbours. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);

  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}
