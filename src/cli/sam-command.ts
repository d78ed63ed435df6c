import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_BUNDLE_DIR } from './build-command';
import { alignRows, EXIT, type CliIo } from './cli-io';
import { oneOf, runCommand, type ArgsOf } from './command-args';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from './config-file';
import {
  logicalId,
  renderSamTemplate,
  SAM_ARCHITECTURES,
  SAM_DEFAULTS,
  SAM_RUNTIMES,
} from './sam-template';

/** Where `sam` writes the template when not given `--out`. */
export const DEFAULT_TEMPLATE_FILE = 'template.yaml';

/** Help for `lambda-lifecycle sam`. */
export const SAM_USAGE = `Usage: lambda-lifecycle sam [options]

Writes an AWS SAM template with one AWS::Serverless::Function per handler,
whose code is the handler's bundle from lambda-lifecycle build, and whose
memory, timeout and environment come from the config ("memory" in MB,
"timeout" in seconds, "environment"; else ${SAM_DEFAULTS.memory} MB and ${SAM_DEFAULTS.timeout} s). Deploy it
with sam deploy --guided.

Options:
  --config <file>      config file (default: ${DEFAULT_CONFIG_FILE})
  --out <file>         the template (default: ${DEFAULT_TEMPLATE_FILE})
  --bundle-dir <dir>   where build wrote the bundles (default: ${DEFAULT_BUNDLE_DIR})
  --runtime <id>       ${SAM_RUNTIMES.join(', ')} (default: nodejs22.x)
  --arch <name>        ${SAM_ARCHITECTURES.join(' or ')} (default: x86_64)
  --check              write nothing; exit 1 if the template is out of date
  -h, --help           show this help
`;

const SPEC = {
  name: 'sam',
  usage: SAM_USAGE,
  options: {
    config: { type: 'string' },
    out: { type: 'string' },
    'bundle-dir': { type: 'string' },
    runtime: { type: 'string' },
    arch: { type: 'string' },
    check: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
} as const;

type Args = ArgsOf<typeof SPEC.options>;

function sam(args: Args, io: CliIo): number {
  const config = loadConfigFile(args.config, io.cwd);
  const templateFile = path.resolve(io.cwd, args.out ?? DEFAULT_TEMPLATE_FILE);
  const bundleDir = path.resolve(
    io.cwd,
    args['bundle-dir'] ?? DEFAULT_BUNDLE_DIR,
  );
  const text = renderSamTemplate(config, {
    templateFile,
    bundleDir,
    runtime: oneOf('runtime', args.runtime, SAM_RUNTIMES, 'nodejs22.x'),
    architecture: oneOf('arch', args.arch, SAM_ARCHITECTURES, 'x86_64'),
  });
  const file = path.relative(io.cwd, templateFile);
  const current = existsSync(templateFile)
    ? readFileSync(templateFile, 'utf8')
    : undefined;

  if (args.check) {
    if (current === text) {
      io.stdout.write(`up to date  ${file}\n`);
      return EXIT.ok;
    }
    io.stdout.write(
      `${current === undefined ? 'missing' : 'stale'}  ${file}\n`,
    );
    io.stdout.write('Run lambda-lifecycle sam to update it.\n');
    return EXIT.failed;
  }

  if (current !== text) {
    mkdirSync(path.dirname(templateFile), { recursive: true });
    writeFileSync(templateFile, text);
  }
  const rows = config.handlers.map((handler) => {
    const bundle = path.join(bundleDir, handler.name);
    const row = [
      `  ${logicalId(handler.name)}`,
      `${path.relative(io.cwd, bundle)}/`,
    ];
    if (!existsSync(bundle))
      row.push('not built yet: run lambda-lifecycle build');
    return row;
  });
  io.stdout.write(`${current === text ? 'unchanged' : 'wrote'}  ${file}\n`);
  io.stdout.write(alignRows(rows));
  return EXIT.ok;
}

/**
 * `lambda-lifecycle sam`: writes an AWS SAM template for the config's
 * handlers (see `renderSamTemplate`), or with `--check` tells whether the
 * template on disk is what it would write.
 *
 * Phase: none (build time). Never throws for bad input: resolves 2 for bad
 * usage and 1 for a refused config or a stale template.
 *
 * @example
 * ```ts
 * const code = await runSamCommand(['--arch', 'arm64'], {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   cwd: process.cwd(),
 * });
 * ```
 */
export function runSamCommand(
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  return runCommand(SPEC, argv, io, (args) => sam(args, io));
}
