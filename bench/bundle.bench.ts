import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import {
  bundleEntry,
  loadEsbuild,
  type BundleResult,
} from '../src/cli/build-bundle';
import { checkBundles } from '../src/cli/build-check';
import { runGenerateCommand } from '../src/cli/generate-command';
import type { EntryFormat } from '../src/cli/generate-config';
import { median, quantile } from './harness';
import { table } from './report-table';

// Bundle size and cold-start cost of a lambda-lifecycle handler against a
// plain handler bundled the same way (the esbuild options of
// `lambda-lifecycle build`), for both entry formats. A third side builds
// the same handler with tsyringe and reflect-metadata alone, so that the
// table shows how much of the cost is theirs and how much the framework's.
//
//   npm run bench:bundle              the tables, for people
//   npm run bench:bundle -- --json    the same results as one JSON document
//   npm run bench:bundle -- --quick   fewer runs: a smoke test
//   npm run bench:bundle -- --node <path>   run the bundles on another node
//   npm run bench:bundle -- --bare    do not preload the runtime's modules
//
// Both handlers are compiled by tsc (bench/bundle-fixtures) and bundled
// from the compiled JavaScript. Each run is a fresh node process, as a cold
// start is; it times `await import(bundle)` (or require) plus
// `await handler.ready`, that is module load and INIT, inside the process,
// and reports when the handler was ready counted from process start. The
// two sides alternate, swapping which goes first every round. Outside
// Lambda, so no extension registers: the registration's round trip to the
// Extensions API is not counted. Inside Lambda the runtime client has
// loaded some of Node.js's own modules before it loads the handler; both
// sides start with those loaded (RUNTIME_MODULES), unless --bare.

/**
 * The built-in modules aws-lambda-ric 4.0.2 (the client Lambda's Node.js
 * runtimes are built from) imports before it loads a handler: its index.mjs
 * imports these and no others.
 */
const RUNTIME_MODULES = [
  'node:async_hooks',
  'node:fs',
  'node:http',
  'node:net',
  'node:os',
  'node:path',
  'node:util',
  'node:worker_threads',
];

/** Most bytes the framework bundle may have, minified (the goal). */
const TARGET_BYTES = 45 * 1024;
/** Most ms the framework may add to import + INIT (the goal). */
const TARGET_ADDED_MS = 3;

const FULL = { warmup: 2, rounds: 30 };
const QUICK = { warmup: 1, rounds: 6 };

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WORK = path.join(ROOT, 'build', 'bench-bundle');
const FIXTURES = path.join(__dirname, 'bundle-fixtures');

// Runs in each fresh process: loads the bundle, waits for INIT, checks the
// handler answers, and prints its timings on the last line.
const PROBE = `
const { performance } = require('node:perf_hooks');
const { pathToFileURL } = require('node:url');
const [file, preload] = process.argv.slice(1);
for (const name of JSON.parse(preload)) require(name);
(async () => {
  const started = performance.now();
  const loaded = file.endsWith('.mjs')
    ? await import(pathToFileURL(file).href)
    : require(file);
  await loaded.handler.ready;
  const ready = performance.now();
  const answer = await loaded.handler({ name: 'bench' }, {});
  if (answer.body !== 'hello bench') throw new Error('wrong answer');
  process.stdout.write('\\n' + JSON.stringify({
    importInitMs: ready - started,
    readySinceStartMs: ready,
  }));
})();
`;

type Side = 'plain' | 'tsyringe' | 'framework';

const SIDES: readonly Side[] = ['plain', 'tsyringe', 'framework'];

interface Run {
  readonly importInitMs: number;
  readonly readySinceStartMs: number;
}

interface FormatResult {
  readonly format: EntryFormat;
  readonly bundles: Record<Side, BundleResult>;
  readonly importInit: Timing;
  readonly readySinceStart: Timing;
}

/** One measure on the three sides, and what each adds over another. */
interface Timing {
  /** Median ms of each side. */
  readonly ms: Record<Side, number>;
  /** lambda-lifecycle over the plain handler: what the target judges. */
  readonly added: Added;
  /** tsyringe and reflect-metadata alone over the plain handler. */
  readonly injection: Added;
  /** lambda-lifecycle over tsyringe alone: the framework's own share. */
  readonly own: Added;
}

interface Added {
  /** Median of the per-round differences. */
  readonly ms: number;
  /** 25th and 75th percentile of the per-round differences. */
  readonly iqrMs: readonly [number, number];
}

const quiet = () =>
  new Writable({
    write: (_chunk, _encoding, done) => done(),
  });

function relative(from: string, file: string): string {
  const specifier = path.relative(from, file).split(path.sep).join('/');
  return specifier.startsWith('.') ? specifier : `./${specifier}`;
}

/** Generates the framework entries and writes the plain ones. */
async function writeEntries(): Promise<void> {
  const module = relative(WORK, path.join(FIXTURES, 'greeting.handler.js'));
  writeFileSync(
    path.join(WORK, 'lambda-lifecycle.config.json'),
    JSON.stringify({
      formats: ['esm', 'cjs'],
      handlers: { greeting: { module, export: 'GreetingHandler' } },
    }),
  );
  const io = { stdout: quiet(), stderr: process.stderr, cwd: WORK };
  if ((await runGenerateCommand([], io)) !== 0) {
    throw new Error('lambda-lifecycle generate failed');
  }

  const fixture = (name: string) =>
    relative(path.join(WORK, 'entries'), path.join(FIXTURES, name));
  const plain = fixture('plain-greeting.handler.js');
  writeFileSync(
    path.join(WORK, 'entries', 'plain.mjs'),
    `export { handler } from '${plain}';\n`,
  );
  writeFileSync(
    path.join(WORK, 'entries', 'plain.cjs'),
    `exports.handler = require('${plain}').handler;\n`,
  );

  // reflect-metadata first, as the generated entries import it.
  const tsyringe = fixture('tsyringe-greeting.handler.js');
  writeFileSync(
    path.join(WORK, 'entries', 'tsyringe.mjs'),
    `import 'reflect-metadata';\nexport { handler } from '${tsyringe}';\n`,
  );
  writeFileSync(
    path.join(WORK, 'entries', 'tsyringe.cjs'),
    `require('reflect-metadata');\n` +
      `exports.handler = require('${tsyringe}').handler;\n`,
  );
}

/** The entry each side is bundled from. */
const ENTRY_OF: Record<Side, string> = {
  plain: 'plain',
  tsyringe: 'tsyringe',
  framework: 'greeting',
};

async function bundle(): Promise<
  Record<EntryFormat, Record<Side, BundleResult>>
> {
  const esbuild = await loadEsbuild(ROOT);
  const results = {} as Record<EntryFormat, Record<Side, BundleResult>>;

  for (const format of ['esm', 'cjs'] as const) {
    const ext = format === 'esm' ? 'mjs' : 'cjs';
    const one = (name: string) =>
      bundleEntry(esbuild, {
        entry: path.join(WORK, 'entries', `${name}.${ext}`),
        outfile: path.join(WORK, 'bundles', format, name, `index.${ext}`),
        format,
        workingDir: WORK,
      });
    results[format] = {
      plain: await one(ENTRY_OF.plain),
      tsyringe: await one(ENTRY_OF.tsyringe),
      framework: await one(ENTRY_OF.framework),
    };
  }

  const checks = await checkBundles(
    (['esm', 'cjs'] as const).map((format) => ({
      handler: `greeting (${format})`,
      file: results[format].framework.file,
      format,
    })),
    WORK,
  );
  const failed = checks.find((check) => !check.ok);
  if (failed !== undefined) {
    throw new Error(`${failed.handler}: ${failed.problem}`);
  }
  return results;
}

function coldStart(node: string, file: string, preload: string[]): Run {
  const child = spawnSync(node, ['-e', PROBE, file, JSON.stringify(preload)], {
    cwd: path.dirname(file),
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_LAMBDA_LOG_LEVEL: 'WARN' },
  });
  if (child.status !== 0) {
    throw new Error(`${file} failed (exit ${child.status}):\n${child.stderr}`);
  }
  const lines = child.stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Run;
}

function added(side: readonly number[], over: readonly number[]): Added {
  // Paired: each round's processes ran back to back.
  const differences = side.map((ms, round) => ms - over[round]);
  return {
    ms: median(differences),
    iqrMs: [quantile(differences, 0.25), quantile(differences, 0.75)],
  };
}

function timing(runs: Record<Side, readonly number[]>): Timing {
  return {
    ms: {
      plain: median(runs.plain),
      tsyringe: median(runs.tsyringe),
      framework: median(runs.framework),
    },
    added: added(runs.framework, runs.plain),
    injection: added(runs.tsyringe, runs.plain),
    own: added(runs.framework, runs.tsyringe),
  };
}

function time(
  node: string,
  files: Record<Side, string>,
  plan: typeof FULL,
  preload: string[],
): Pick<FormatResult, 'importInit' | 'readySinceStart'> {
  for (let i = 0; i < plan.warmup; i++) {
    for (const side of SIDES) coldStart(node, files[side], preload);
  }
  const runs: Record<Side, Run[]> = { plain: [], tsyringe: [], framework: [] };
  for (let round = 0; round < plan.rounds; round++) {
    // Each side takes each place in the order as often as the others.
    const order = SIDES.map((_, i) => SIDES[(i + round) % SIDES.length]);
    for (const side of order) {
      runs[side].push(coldStart(node, files[side], preload));
    }
  }
  const pick = (key: keyof Run) =>
    timing({
      plain: runs.plain.map((run) => run[key]),
      tsyringe: runs.tsyringe.map((run) => run[key]),
      framework: runs.framework.map((run) => run[key]),
    });
  return {
    importInit: pick('importInitMs'),
    readySinceStart: pick('readySinceStartMs'),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const size = (bytes: number) =>
  `${bytes.toLocaleString('en-US')} B (${kb(bytes)})`;
const ms = (value: number) => `${value.toFixed(2)} ms`;
const signed = (value: number, unit = '') =>
  `${value >= 0 ? '+' : ''}${value.toFixed(2)}${unit}`;

function sizeTable(results: readonly FormatResult[]): string {
  return table(
    [
      'format',
      'plain handler',
      'tsyringe alone',
      'lambda-lifecycle',
      'added',
      'own share',
      'target',
      'verdict',
    ],
    results.map(({ format, bundles }) => [
      format,
      size(bundles.plain.bytes),
      size(bundles.tsyringe.bytes),
      size(bundles.framework.bytes),
      `+${kb(bundles.framework.bytes - bundles.plain.bytes)}`,
      `+${kb(bundles.framework.bytes - bundles.tsyringe.bytes)}`,
      `<= ${kb(TARGET_BYTES)}`,
      bundles.framework.bytes <= TARGET_BYTES ? 'met' : 'NOT met',
    ]),
    [0, 7],
  );
}

const range = (iqr: readonly [number, number]) =>
  iqr.map((v) => signed(v)).join('..');

function timeTable(results: readonly FormatResult[]): string {
  const row = (
    format: string,
    measured: string,
    t: Timing,
    judged: boolean,
  ): string[] => [
    format,
    measured,
    ms(t.ms.plain),
    ms(t.ms.tsyringe),
    ms(t.ms.framework),
    signed(t.added.ms, ' ms'),
    range(t.added.iqrMs),
    signed(t.own.ms, ' ms'),
    range(t.own.iqrMs),
    judged ? `<= +${TARGET_ADDED_MS} ms` : '-',
    judged ? (t.added.ms <= TARGET_ADDED_MS ? 'met' : 'NOT met') : '',
  ];
  return table(
    [
      'format',
      'measured',
      'plain',
      'tsyringe alone',
      'lambda-lifecycle',
      'added',
      'p25..p75',
      'own share',
      'p25..p75',
      'target',
      'verdict',
    ],
    results.flatMap(({ format, importInit, readySinceStart }) => [
      row(format, 'import + INIT', importInit, true),
      row(format, 'process start to ready', readySinceStart, false),
    ]),
    [0, 1, 10],
  );
}

function shares(result: BundleResult): string {
  return result.shares.map((s) => `${s.name} ${kb(s.bytes)}`).join(', ');
}

function nodeVersion(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

async function main(argv: readonly string[]): Promise<void> {
  const plan = argv.includes('--quick') ? QUICK : FULL;
  const preload = argv.includes('--bare') ? [] : RUNTIME_MODULES;
  const nodeAt = argv.indexOf('--node');
  const node =
    nodeAt === -1 ? process.execPath : path.resolve(argv[nodeAt + 1]);

  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  await writeEntries();
  const bundles = await bundle();
  const results: FormatResult[] = (['esm', 'cjs'] as const).map((format) => ({
    format,
    bundles: bundles[format],
    ...time(
      node,
      {
        plain: bundles[format].plain.file,
        tsyringe: bundles[format].tsyringe.file,
        framework: bundles[format].framework.file,
      },
      plan,
      preload,
    ),
  }));

  if (argv.includes('--json')) {
    console.log(
      JSON.stringify(
        {
          node: nodeVersion(node),
          plan,
          preload,
          targetBytes: TARGET_BYTES,
          targetAddedMs: TARGET_ADDED_MS,
          results,
        },
        null,
        2,
      ),
    );
    return;
  }
  const cores = cpus();
  console.log(
    'lambda-lifecycle: bundle size and cold start against a plain handler ' +
      'and tsyringe alone',
  );
  console.log(
    `node ${nodeVersion(node)}, ${process.platform} ${process.arch}, ` +
      `${cores.length} x ${cores[0]?.model.trim() ?? 'unknown CPU'}; ` +
      `${plan.rounds} interleaved fresh processes per side after ` +
      `${plan.warmup} warm-up runs; medians, added as the median of the ` +
      'per-round differences.',
  );
  console.log();
  console.log(
    'Bundle size, minified (esbuild, node20, as lambda-lifecycle build):',
  );
  console.log();
  console.log(sizeTable(results));
  console.log();
  for (const result of results) {
    console.log(
      `${result.format} lambda-lifecycle bundle: ` +
        shares(result.bundles.framework),
    );
  }
  console.log();
  console.log(
    'Cold start, in a fresh process (no extension registers outside ' +
      'Lambda), ' +
      (preload.length > 0
        ? `with the modules Lambda's runtime client loads preloaded (${preload
            .map((name) => name.slice('node:'.length))
            .join(', ')}):`
        : 'with nothing preloaded (--bare):'),
  );
  console.log();
  console.log(timeTable(results));
  console.log();
  console.log(
    'added: lambda-lifecycle over the plain handler (what the target ' +
      'judges); own share: lambda-lifecycle over tsyringe alone, the ' +
      'same handler and service with reflect-metadata and tsyringe but ' +
      'no framework.',
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
