import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { BENCH_CASES, type BenchCase } from './adapter-cases';
import { heapGrowth, interleave, type Plan } from './harness';
import {
  HEAP_NOISE_BYTES,
  heapTable,
  heapVerdict,
  timingTable,
  timingVerdict,
  type CaseResult,
} from './report-table';

// Per-invocation overhead of createHandler against hand-written handlers.
//
//   npm run bench              the tables, for people
//   npm run bench -- --json    the same results as one JSON document
//   npm run bench -- --quick   fewer, shorter rounds: a smoke test
//
// Each case runs in a child process of its own. Lambda loads one handler per
// execution environment, so its call sites see one handler class; three
// environments in one process would make the adapter's shared closures
// polymorphic and charge it for a situation Lambda never creates (measured
// on Node.js 20: sync hooks added about +19 ns in one shared process against
// +9 ns alone).

/** How much to measure: the timing rounds, then the heap run. */
interface RunPlan extends Plan {
  readonly heapInvocations: number;
}

const FULL: RunPlan = {
  warmupBatches: 3,
  rounds: 25,
  batch: 200_000,
  heapInvocations: 1_000_000,
};
const QUICK: RunPlan = {
  warmupBatches: 1,
  rounds: 5,
  batch: 50_000,
  heapInvocations: 100_000,
};

/** Measures one case in this process: timing first, so heap is warm. */
async function measure(
  benchCase: BenchCase,
  plan: RunPlan,
): Promise<CaseResult> {
  const { baseline, framework, event, context } = await benchCase.prepare();

  const timing = await interleave(baseline, framework, event, context, plan);

  const runs = plan.heapInvocations;
  return {
    id: benchCase.id,
    title: benchCase.title,
    targetAddedNs: benchCase.targetAddedNs,
    timing,
    heap: {
      framework: await heapGrowth(framework, runs, event, context),
      baseline: await heapGrowth(baseline, runs, event, context),
    },
  };
}

/** Runs one case in a fresh Node.js process and reads back its result. */
function measureApart(benchCase: BenchCase, quick: boolean): CaseResult {
  const args = [__filename, '--case', benchCase.id];
  if (quick) args.push('--quick');

  const child = spawnSync(process.execPath, [...process.execArgv, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) {
    throw new Error(
      `Case "${benchCase.id}" failed (exit ${child.status ?? child.signal}).`,
    );
  }
  return JSON.parse(child.stdout) as CaseResult;
}

function describeMachine() {
  const cores = cpus();

  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: `${cores.length} x ${cores[0]?.model.trim() ?? 'unknown CPU'}`,
  };
}

function print(results: readonly CaseResult[], plan: RunPlan): void {
  const machine = describeMachine();
  const met = results.flatMap((result) =>
    [timingVerdict(result), heapVerdict(result)].filter(
      (v) => v !== 'no target',
    ),
  );

  console.log('lambda-lifecycle: per-invocation overhead of createHandler');
  console.log(
    `node ${machine.node} (V8 ${machine.v8}), ${machine.platform}, ` +
      machine.cpu,
  );
  console.log(
    `${plan.rounds} interleaved rounds of ` +
      `${plan.batch.toLocaleString('en-US')} awaited invocations per side ` +
      `after ${plan.warmupBatches} warm-up rounds; medians per side, added ` +
      'as the median of the per-round differences. One process per case.',
  );
  console.log();
  console.log(timingTable(results));
  console.log();
  console.log('Heap kept after warm-up, full GCs until the heap settles:');
  console.log();
  console.log(heapTable(results));
  console.log();
  console.log(
    `Targets met: ${met.filter((v) => v === 'met').length} of ${met.length}.`,
  );
}

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const plan = quick ? QUICK : FULL;
  const caseAt = argv.indexOf('--case');

  if (caseAt !== -1) {
    const benchCase = BENCH_CASES.find((c) => c.id === argv[caseAt + 1]);
    if (benchCase === undefined) {
      throw new Error(`No case "${argv[caseAt + 1]}".`);
    }
    process.stdout.write(JSON.stringify(await measure(benchCase, plan)));
    return;
  }

  const results = BENCH_CASES.map((c) => measureApart(c, quick));

  if (!argv.includes('--json')) {
    print(results, plan);
    return;
  }
  const document = {
    ...describeMachine(),
    plan,
    heapNoiseBytes: HEAP_NOISE_BYTES,
    cases: results.map((result) => ({
      ...result,
      timingTarget: timingVerdict(result),
      heapTarget: heapVerdict(result),
    })),
  };
  console.log(JSON.stringify(document, null, 2));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
