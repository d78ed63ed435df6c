import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  InitEntry,
  LocalRuntime,
  LocalRuntimeOptions,
  LogLine,
} from '../../src/runtime/local';
import { CapturedIo } from '../cli/temp-project';
import type { OrderResult } from './fixtures/orders.handler';

// What the end-to-end suites share: where the real Lambda runtime clients
// are installed, compiling the fixture handler, and reading what it printed.

export const ROOT = path.resolve(__dirname, '..', '..');
const RUNTIMES = path.join(__dirname, 'runtimes', 'node_modules');
export const RIC_3 = path.join(RUNTIMES, 'aws-lambda-ric-3');
export const RIC_4 = path.join(RUNTIMES, 'aws-lambda-ric-4');
export const NODE_24 = path.join(RUNTIMES, 'node-24', 'bin', 'node');
export const NODE_MAJOR = process.versions.node.split('.')[0];
// ric 3.3.0 runs on Node.js 20: this node when it is 20, else the one that
// scripts/e2e-runtimes.mjs installs for it.
const NODE_20_PACKAGE = path.join(__dirname, 'runtimes', 'node-20');
export const NODE_20 =
  NODE_MAJOR === '20'
    ? process.execPath
    : path.join(NODE_20_PACKAGE, 'node_modules', 'node-20', 'bin', 'node');

export type Format = 'esm' | 'cjs';

/** How the local runtime starts the function's process. */
export type ClientOptions = Pick<
  LocalRuntimeOptions,
  'runtime' | 'ricPackage' | 'nodePath'
>;

/** The major version of the node binary at `file`, or why there is none. */
function majorOf(file: string): string {
  const run = spawnSync(file, ['--version'], { encoding: 'utf8' });
  return run.status === 0
    ? (/^v(\d+)\./.exec(run.stdout)?.[1] ?? run.stdout.trim())
    : `not runnable (${run.error?.message ?? `exit ${run.status}`})`;
}

/**
 * Throws, saying how to install them, when the runtimes are missing or a
 * node binary is not the Node.js major its cases are named after.
 */
export function checkRuntimesInstalled(): void {
  const needed = [path.join(RUNTIMES, '.installed'), RIC_3, RIC_4];
  const problems = needed
    .filter((file) => !existsSync(file))
    .map((file) => `missing ${path.relative(ROOT, file)}`);
  for (const [file, major] of [
    [NODE_20, '20'],
    [NODE_24, '24'],
  ]) {
    const found = existsSync(file) ? majorOf(file) : 'missing';
    if (found !== major) {
      problems.push(
        `${path.relative(ROOT, file)}: ${found}, not Node.js ${major}`,
      );
    }
  }

  if (problems.length > 0) {
    throw new Error(
      `The end-to-end runtimes are not installed as they should be ` +
        `(${problems.join('; ')}). Run "node scripts/e2e-runtimes.mjs" ` +
        '(npm test runs it as pretest) to install aws-lambda-ric 3.3.0 and ' +
        '4.0.2, Node.js 24 and, when the tests run on another major, ' +
        'Node.js 20.',
    );
  }
}

/** Runs a CLI command in `cwd` and throws with its stderr unless it passed. */
export async function runCommand(
  command: (argv: string[], io: CapturedIo) => Promise<number>,
  argv: string[],
  cwd: string,
): Promise<void> {
  const io = new CapturedIo(cwd);
  const code = await command(argv, io);
  if (code !== 0) {
    throw new Error(`${argv.join(' ')} exited ${code}:\n${io.err}`);
  }
}

/**
 * Compiles the fixture handler with tsc (which emits its decorator
 * metadata) into `dir`/handlers and writes a config naming it, with
 * `config` merged in.
 */
export function compileFixture(
  dir: string,
  config: Record<string, unknown> = {},
): void {
  const tsc = spawnSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      path.join(__dirname, 'fixtures', 'tsconfig.json'),
      '--outDir',
      path.join(dir, 'handlers'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (tsc.status !== 0) {
    throw new Error(`tsc could not compile test/e2e/fixtures:\n${tsc.stdout}`);
  }

  writeFileSync(
    path.join(dir, 'lambda-lifecycle.config.json'),
    JSON.stringify({
      ...config,
      handlers: {
        orders: {
          module: './handlers/orders.handler.js',
          export: 'OrdersHandler',
        },
      },
    }),
  );
}

/** The `[e2e] Class.member` lines the fixture's hooks print, in order. */
export function hookSteps(lines: readonly LogLine[]): string[] {
  return lines.flatMap((line) => /\[e2e\] (\S+)/.exec(line.text)?.[1] ?? []);
}

export function texts(lines: readonly LogLine[]): string[] {
  return lines.map((line) => line.text);
}

export function initsOf(runtime: LocalRuntime): InitEntry[] {
  return runtime.timeline.filter(
    (entry): entry is InitEntry => entry.phase === 'INIT',
  );
}

export function resultOf(entry: { result?: unknown }): OrderResult {
  return entry.result as OrderResult;
}
