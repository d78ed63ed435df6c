import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LifecycleError } from '../../decorators/lifecycle-error';
import { alignRows, EXIT, type CliIo } from './cli-io';
import { DEFAULT_CONFIG_FILE, readConfigFile } from './config-file';
import {
  parseHandlerSpecs,
  resolveConfig,
  type EntryFormat,
  type ResolvedConfig,
} from './generate-config';
import {
  checkEntryPaths,
  GENERATED_MARKER,
  planEntries,
  sourceComment,
  type PlannedEntry,
} from './generate-entry';
import { verifyHandlers } from './generate-verify';

/** The config file `generate` reads when given neither flag. */
export { DEFAULT_CONFIG_FILE };

/** Help for `lambda-lifecycle generate`. */
export const GENERATE_USAGE = `Usage: lambda-lifecycle generate [options]

Writes one Lambda entry file per handler class, exporting \`handler\`.

Options:
  --config <file>       config file (default: ${DEFAULT_CONFIG_FILE})
  --handlers <specs>    name=module#Export[,...] instead of a config file
  --out-dir <dir>       where entries go (default: the config's, or entries)
  --format <formats>    esm, cjs or esm,cjs (default: the config's, or esm)
  --check               write nothing; exit 1 if entries are out of date
  --no-verify           do not load the modules to check their exports
  -h, --help            show this help
`;

const OPTIONS = {
  config: { type: 'string' },
  handlers: { type: 'string', multiple: true },
  'out-dir': { type: 'string' },
  format: { type: 'string', multiple: true },
  check: { type: 'boolean' },
  'no-verify': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Args = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

class UsageError extends Error {}

const list = (values: readonly string[] | undefined) =>
  values?.flatMap((value) => value.split(',')).filter(Boolean);

function checkFormatFlag(args: Args): EntryFormat[] | undefined {
  const formats = list(args.format);
  if (formats === undefined) return undefined;
  if (
    formats.length === 0 ||
    formats.some((format) => format !== 'esm' && format !== 'cjs')
  ) {
    throw new UsageError('--format takes esm, cjs or esm,cjs');
  }
  return (['esm', 'cjs'] as const).filter((f) => formats.includes(f));
}

function loadConfig(args: Args, cwd: string): ResolvedConfig {
  const formats = checkFormatFlag(args);
  const specs = list(args.handlers);
  let config: ResolvedConfig;

  if (specs !== undefined) {
    if (args.config !== undefined) {
      throw new UsageError('give --config or --handlers, not both');
    }
    config = resolveConfig(
      { handlers: parseHandlerSpecs(specs) },
      '--handlers',
      cwd,
    );
  } else {
    const file = path.resolve(cwd, args.config ?? DEFAULT_CONFIG_FILE);
    if (!existsSync(file)) {
      throw new UsageError(
        `no config file at ${path.relative(cwd, file) || file}; pass ` +
          '--config <file> or --handlers name=module#Export',
      );
    }
    config = resolveConfig(
      readConfigFile(file),
      path.basename(file),
      path.dirname(file),
    );
  }
  return {
    ...config,
    outDir:
      args['out-dir'] === undefined
        ? config.outDir
        : path.resolve(cwd, args['out-dir']),
    formats: formats ?? config.formats,
  };
}

/** Generated files in the output directory that the config no longer has. */
function orphans(config: ResolvedConfig, planned: PlannedEntry[]): string[] {
  if (!existsSync(config.outDir)) return [];
  const wanted = new Set(planned.map((entry) => entry.file));
  const ours = `${GENERATED_MARKER};`;
  const sameSource = `${sourceComment(config.source)}, `;

  return readdirSync(config.outDir)
    .filter((name) => /\.(mjs|cjs)$/.test(name))
    .map((name) => path.join(config.outDir, name))
    .filter((file) => !wanted.has(file))
    .filter((file) => {
      const [first, second] = readFileSync(file, 'utf8').split('\n', 2);
      return first.startsWith(ours) && second?.startsWith(sameSource);
    })
    .sort();
}

function currentText(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function row(status: string, entry: PlannedEntry, cwd: string): string[] {
  return [
    status,
    path.relative(cwd, entry.file),
    entry.handler.exportName,
    `(${entry.handler.module})`,
  ];
}

function write(config: ResolvedConfig, io: CliIo): number {
  const planned = planEntries(config);
  const rows: string[][] = [];

  mkdirSync(config.outDir, { recursive: true });
  for (const entry of planned) {
    const same = currentText(entry.file) === entry.text;
    if (!same) writeFileSync(entry.file, entry.text);
    rows.push(row(same ? 'unchanged' : 'wrote', entry, io.cwd));
  }
  for (const file of orphans(config, planned)) {
    unlinkSync(file);
    rows.push(['removed', path.relative(io.cwd, file)]);
  }
  io.stdout.write(alignRows(rows));
  return EXIT.ok;
}

function check(config: ResolvedConfig, io: CliIo): number {
  const planned = planEntries(config);
  const rows: string[][] = [];

  for (const entry of planned) {
    const text = currentText(entry.file);
    if (text === undefined) rows.push(row('missing', entry, io.cwd));
    else if (text !== entry.text) rows.push(row('stale', entry, io.cwd));
  }
  for (const file of orphans(config, planned)) {
    rows.push(['orphaned', path.relative(io.cwd, file)]);
  }

  if (rows.length === 0) {
    io.stdout.write(`up to date  ${planned.length} entries\n`);
    return EXIT.ok;
  }
  io.stdout.write(alignRows(rows));
  io.stdout.write('Run lambda-lifecycle generate to update them.\n');
  return EXIT.failed;
}

/**
 * `lambda-lifecycle generate`: writes one entry file per handler (the config
 * format is `GenerateConfig`), or with `--check` reports the entries that
 * differ from what it would write.
 *
 * Phase: none (build time). Never throws for bad input: it writes the
 * problem to `io.stderr` and resolves 2 for bad usage, 1 for a refused
 * config, a handler module that does not check out, or stale entries.
 *
 * @example
 * ```ts
 * const code = await runGenerateCommand(['--check'], {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   cwd: process.cwd(),
 * });
 * ```
 */
export async function runGenerateCommand(
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const fail = (message: string, usage = false) => {
    io.stderr.write(`lambda-lifecycle generate: ${message}\n`);
    if (usage) io.stderr.write(`\n${GENERATE_USAGE}`);
    return usage ? EXIT.usage : EXIT.failed;
  };

  try {
    const { values: args, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
    });
    if (args.help) {
      io.stdout.write(GENERATE_USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0) {
      throw new UsageError(`unexpected argument "${positionals[0]}"`);
    }

    const config = loadConfig(args, io.cwd);
    checkEntryPaths(config);
    if (!args['no-verify']) await verifyHandlers(config, io.cwd);
    return args.check ? check(config, io) : write(config, io);
  } catch (error) {
    if (LifecycleError.is(error)) return fail(error.message);
    if (error instanceof UsageError) return fail(error.message, true);
    const code = (error as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS')) {
      // Node's own message runs long; the option it names is what matters.
      const option = /'(-[^' ]*)/.exec((error as Error).message)?.[1];
      const message = (error as Error).message;
      const problem =
        code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
          ? `unknown option "${option}"`
          : message.includes('does not take')
            ? `option "${option}" takes no value`
            : `option "${option}" needs a value`;
      return fail(problem, true);
    }
    throw error;
  }
}
