import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { LifecycleError } from '../../decorators/lifecycle-error';
import {
  bundleEntry,
  loadEsbuild,
  YOUR_CODE,
  type BundleResult,
} from './build-bundle';
import { checkBundles, type BundleCheck } from './build-check';
import { alignRows, EXIT, type CliIo } from './cli-io';
import { oneOf, runCommand, UsageError, type ArgsOf } from './command-args';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from './config-file';
import type { EntryFormat, ResolvedConfig } from './generate-config';
import { planEntries, type PlannedEntry } from './generate-entry';

/** Where `build` writes bundles when not given `--out-dir`. */
export const DEFAULT_BUNDLE_DIR = 'dist-lambda';

/** Help for `lambda-lifecycle build`. */
export const BUILD_USAGE = `Usage: lambda-lifecycle build [options]

Bundles each handler's generated entry, with the compiled code it imports,
into one minified file per handler, ready to zip: <out-dir>/<handler>/
index.mjs (or index.cjs). Then loads each bundle in a child process, without
running INIT, to check that its dependency graph is complete and that the
bundle kept the constructor types injection needs; the build fails, naming
the class, when it did not.

Options:
  --config <file>    config file (default: ${DEFAULT_CONFIG_FILE})
  --format <format>  esm or cjs: which entries to bundle (default: esm when
                     the config generates them, else cjs)
  --out-dir <dir>    where bundles go (default: ${DEFAULT_BUNDLE_DIR})
  --external <mod>   leave a module out of the bundles (the deployment
                     package must then carry it); repeatable, and added to
                     the config's "external". @aws-sdk/* is always left
                     out: Lambda's Node.js runtimes have it
  --sourcemap        also write index.mjs.map; Lambda uses it with
                     NODE_OPTIONS=--enable-source-maps
  -h, --help         show this help
`;

const SPEC = {
  name: 'build',
  usage: BUILD_USAGE,
  options: {
    config: { type: 'string' },
    format: { type: 'string' },
    'out-dir': { type: 'string' },
    external: { type: 'string', multiple: true },
    sourcemap: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
} as const;

type Args = ArgsOf<typeof SPEC.options>;

/** The files a bundle folder may hold; the ones `build` owns. */
const BUNDLE_FILES = [
  'index.mjs',
  'index.cjs',
  'index.mjs.map',
  'index.cjs.map',
];

/** How many packages a bundle's summary names before the others. */
const SHARES_SHOWN = 4;

function chooseFormat(args: Args, config: ResolvedConfig): EntryFormat {
  const fallback = config.formats.includes('esm') ? 'esm' : 'cjs';
  const format = oneOf('format', args.format, ['esm', 'cjs'], fallback);
  if (!config.formats.includes(format)) {
    throw new UsageError(
      `--format ${format}: ${config.source} generates no ${format} entries; ` +
        `add "${format}" to its "formats"`,
    );
  }
  return format;
}

/** The entries to bundle, refusing missing or stale ones. */
function currentEntries(
  config: ResolvedConfig,
  format: EntryFormat,
  cwd: string,
): PlannedEntry[] {
  const entries = planEntries(config).filter((e) => e.format === format);
  const problems = entries.flatMap((entry) => {
    const file = path.relative(cwd, entry.file);
    if (!existsSync(entry.file)) return [`  - ${file} is missing`];
    return readFileSync(entry.file, 'utf8') === entry.text
      ? []
      : [`  - ${file} is out of date`];
  });
  if (problems.length > 0) {
    throw new LifecycleError(
      'BUILD_FAILED',
      `the entries do not match ${config.source}:\n${problems.join('\n')}\n` +
        'Run lambda-lifecycle generate first.',
    );
  }
  return entries;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The largest packages, then the rest, then the code of the project. */
function describeShares(result: BundleResult): string {
  const packages = result.shares.filter((share) => share.name !== YOUR_CODE);
  const yours = result.shares.find((share) => share.name === YOUR_CODE);
  const rest = packages
    .slice(SHARES_SHOWN)
    .reduce((sum, share) => sum + share.bytes, 0);
  const parts = packages
    .slice(0, SHARES_SHOWN)
    .map((share) => `${share.name} ${kb(share.bytes)}`);
  if (rest > 0) parts.push(`other packages ${kb(rest)}`);
  if (yours !== undefined) parts.push(`${YOUR_CODE} ${kb(yours.bytes)}`);
  return parts.join(', ');
}

function sizeRows(results: readonly Built[], cwd: string): string[][] {
  const bytes = results.map(
    ({ result }) => `${result.bytes.toLocaleString('en-US')} B`,
  );
  const kbs = results.map(({ result }) => kb(result.bytes));
  const widest = (cells: string[]) => Math.max(...cells.map((c) => c.length));

  return results.map(({ handler, result }, i) => [
    handler,
    path.relative(cwd, result.file),
    bytes[i].padStart(widest(bytes)),
    kbs[i].padStart(widest(kbs)),
    describeShares(result),
  ]);
}

/** What is wrong with one bundle, or nothing. */
function problemOf(result: BundleResult, check: BundleCheck): string[] {
  const problems: string[] = [];
  if (result.typescriptInputs.length > 0) {
    problems.push(
      `esbuild compiled TypeScript sources (${result.typescriptInputs.join(', ')}) ` +
        'and does not emit the decorator metadata injection needs. Point the ' +
        "handler's module at tsc's output (.js) and import packages by name.",
    );
  }
  if (!check.ok) {
    const code = check.code ? `${check.code}: ` : '';
    problems.push(`${code}${check.problem ?? 'the check failed'}`);
  }
  return problems;
}

function removeBundleFiles(dir: string): void {
  for (const name of BUNDLE_FILES) {
    rmSync(path.join(dir, name), { force: true });
  }
}

interface Built {
  readonly handler: string;
  readonly result: BundleResult;
}

async function bundleAll(
  entries: readonly PlannedEntry[],
  format: EntryFormat,
  args: Args & { readonly external: readonly string[] },
  io: CliIo,
): Promise<Built[]> {
  const esbuild = await loadEsbuild(io.cwd);
  const outDir = path.resolve(io.cwd, args['out-dir'] ?? DEFAULT_BUNDLE_DIR);
  const file = format === 'esm' ? 'index.mjs' : 'index.cjs';
  io.stdout.write(
    `bundling ${handlers(entries.length)} with esbuild ${esbuild.version} ` +
      `(${format}, node20, minified)\n`,
  );

  const built: Built[] = [];
  for (const entry of entries) {
    const dir = path.join(outDir, entry.handler.name);
    mkdirSync(dir, { recursive: true });
    removeBundleFiles(dir);
    const result = await bundleEntry(esbuild, {
      entry: entry.file,
      outfile: path.join(dir, file),
      format,
      workingDir: io.cwd,
      sourcemap: args.sourcemap,
      external: args.external,
    });
    built.push({ handler: entry.handler.name, result });
  }
  return built;
}

/** Checks every bundle; removes the failed ones and throws naming them. */
async function checkAll(
  built: readonly Built[],
  format: EntryFormat,
  cwd: string,
): Promise<void> {
  const checks = await checkBundles(
    built.map(({ handler, result }) => ({
      handler,
      file: result.file,
      format,
    })),
    cwd,
  );

  const failures = built.flatMap(({ handler, result }, i) => {
    const problems = problemOf(result, checks[i]);
    if (problems.length === 0) return [];
    removeBundleFiles(path.dirname(result.file));
    const where = `handler "${handler}" (${path.relative(cwd, result.file)})`;
    return problems.map((problem) => `${where}: ${problem}`);
  });
  if (failures.length > 0) {
    throw new LifecycleError(
      'BUILD_FAILED',
      `${failures.join('\n')}\nThe failed bundles were removed.`,
    );
  }
}

const handlers = (count: number) => `${count} handler${count === 1 ? '' : 's'}`;

async function build(args: Args, io: CliIo): Promise<number> {
  const config = loadConfigFile(args.config, io.cwd);
  const format = chooseFormat(args, config);
  const entries = currentEntries(config, format, io.cwd);

  const external = [...config.external, ...(args.external ?? [])];
  const built = await bundleAll(entries, format, { ...args, external }, io);
  io.stdout.write(alignRows(sizeRows(built, io.cwd)));
  await checkAll(built, format, io.cwd);

  io.stdout.write(
    `checked ${handlers(built.length)}: dependency graphs complete, ` +
      'constructor types kept\n',
  );
  return EXIT.ok;
}

/**
 * `lambda-lifecycle build`: bundles each handler's generated entry with
 * esbuild into `dist-lambda/<handler>/index.mjs` (or `.cjs`), prints each
 * bundle's size and what it is made of, and checks each bundle's
 * dependency graph in a child process (see `checkBundles`).
 *
 * Phase: none (build time). Never throws for bad input: resolves 2 for bad
 * usage and 1 when the entries are missing or stale, esbuild is missing or
 * fails, or a bundle fails its check (the message names the handler and
 * the class, and that bundle is removed).
 *
 * @example
 * ```ts
 * const code = await runBuildCommand(['--config', 'lambda-lifecycle.config.json'], {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   cwd: process.cwd(),
 * });
 * ```
 */
export function runBuildCommand(
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  return runCommand(SPEC, argv, io, (args) => build(args, io));
}
