import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { interleave, type Comparison, type Plan } from './harness';
import { METRICS_CASES, type MetricsCase } from './metrics-cases';
import { table } from './report-table';

// What lifecycle metrics cost per invocation: the same handler with metrics
// off and on, side by side in one process, interleaved.
//
//   npm run bench:metrics            the table, for people
//   npm run bench:metrics -- --json  the same results as JSON
//   npm run bench:metrics -- --quick fewer, shorter rounds: a smoke test
//
// Each case runs in a child process of its own, so the EMF line is really
// written, one write per invocation, and nothing reaches the terminal:
// stdout is /dev/null (Node writes files synchronously), or, for the pipe
// case, a pipe that cat drains, as Lambda's log pipeline reads the
// runtime's stdout. Results come back through a file.

interface MetricsResult {
  readonly id: string;
  readonly title: string;
  readonly targetAddedNs: number | undefined;
  readonly timing: Comparison;
}

const FULL: Plan = { warmupBatches: 3, rounds: 25, batch: 50_000 };
const QUICK: Plan = { warmupBatches: 1, rounds: 5, batch: 10_000 };

async function measure(
  benchCase: MetricsCase,
  plan: Plan,
): Promise<MetricsResult> {
  const { off, on, event, context } = await benchCase.prepare();

  return {
    id: benchCase.id,
    title: benchCase.title,
    targetAddedNs: benchCase.targetAddedNs,
    timing: await interleave(off, on, event, context, plan),
  };
}

async function measureApart(
  benchCase: MetricsCase,
  quick: boolean,
): Promise<MetricsResult> {
  const out = path.join(tmpdir(), `metrics-bench-${process.pid}.json`);
  const args = [__filename, '--case', benchCase.id, '--out', out];
  if (quick) args.push('--quick');

  // cat drains the pipe into /dev/null as fast as it is scheduled.
  const drain =
    benchCase.stdout === 'pipe'
      ? spawn('cat', [], { stdio: ['pipe', 'ignore', 'inherit'] })
      : undefined;
  const devNull = drain === undefined ? openSync('/dev/null', 'w') : undefined;
  const child = spawn(process.execPath, [...process.execArgv, ...args], {
    stdio: ['ignore', drain?.stdin ?? devNull!, 'inherit'],
  });
  const [code, signal] = (await once(child, 'close')) as [number, string];
  if (devNull !== undefined) closeSync(devNull);
  if (drain !== undefined) {
    drain.stdin!.end();
    await once(drain, 'close');
  }
  try {
    if (code !== 0) {
      throw new Error(
        `Case "${benchCase.id}" failed (exit ${code ?? signal}).`,
      );
    }
    return JSON.parse(readFileSync(out, 'utf8')) as MetricsResult;
  } finally {
    rmSync(out, { force: true });
  }
}

function verdict(result: MetricsResult): string {
  if (result.targetAddedNs === undefined) return '-';
  return result.timing.addedNs <= result.targetAddedNs ? 'met' : 'NOT met';
}

function print(results: readonly MetricsResult[], plan: Plan): void {
  const ns = (value: number) => `${value.toFixed(1)} ns`;
  const signed = (value: number) =>
    `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
  const cores = cpus();

  console.log('lambda-lifecycle: per-invocation cost of lifecycle metrics');
  console.log(
    `node ${process.version} (V8 ${process.versions.v8}), ` +
      `${process.platform} ${process.arch}, ${cores.length} x ` +
      `${cores[0]?.model.trim() ?? 'unknown CPU'}`,
  );
  console.log(
    `${plan.rounds} interleaved rounds of ` +
      `${plan.batch.toLocaleString('en-US')} awaited invocations per side ` +
      `after ${plan.warmupBatches} warm-up rounds; medians per side, added ` +
      'as the median of the per-round differences. One ' +
      'process per case, stdout to /dev/null or a pipe drained by cat. ' +
      'Handler: a before hook, a ' +
      '@Lazy read, a Pooled provider used once; memory sampled every 100th ' +
      'invocation. The target is for the default-sink rows, which write ' +
      'the EMF line; the rest are for scale.',
  );
  console.log();
  console.log(
    table(
      [
        'case',
        'metrics off',
        'on',
        'added',
        'ratio',
        'added p25..p75',
        'target',
        'verdict',
      ],
      results.map(({ title, timing, targetAddedNs, ...rest }) => [
        title,
        ns(timing.baselineNs),
        ns(timing.frameworkNs),
        `${signed(timing.addedNs)} ns`,
        `${timing.ratio.toFixed(2)}x`,
        timing.addedIqrNs.map(signed).join('..'),
        targetAddedNs === undefined ? '-' : `<= +${targetAddedNs} ns`,
        verdict({ title, timing, targetAddedNs, ...rest }),
      ]),
      [0, 7],
    ),
  );
}

/**
 * Makes writes to the stdout pipe wait for room instead of queueing. Node
 * queues a write the pipe cannot take at once; at a line every few us the
 * queue outgrew what cat drained on a busy machine until writev failed with
 * ENOBUFS, and the timings measured the queue, not the write.
 */
function blockingStdout(): void {
  const handle = (
    process.stdout as unknown as {
      _handle?: { setBlocking?: (blocking: boolean) => number };
    }
  )._handle;
  handle?.setBlocking?.(true);
}

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const plan = quick ? QUICK : FULL;
  const caseAt = argv.indexOf('--case');

  if (caseAt !== -1) {
    const benchCase = METRICS_CASES.find((c) => c.id === argv[caseAt + 1]);
    if (benchCase === undefined) {
      throw new Error(`No case "${argv[caseAt + 1]}".`);
    }
    blockingStdout();
    const result = await measure(benchCase, plan);
    writeFileSync(argv[argv.indexOf('--out') + 1], JSON.stringify(result));
    return;
  }

  const results: MetricsResult[] = [];
  for (const benchCase of METRICS_CASES) {
    results.push(await measureApart(benchCase, quick));
  }
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ node: process.version, plan, results }));
  } else {
    print(results, plan);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
