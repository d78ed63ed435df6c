#!/usr/bin/env node
import { runBuildCommand } from './build-command';
import { EXIT, type CliIo } from './cli-io';
import { runGenerateCommand } from './generate-command';
import { runReportCommand } from './report-command';
import { runSamCommand } from './sam-command';

/** Help for `lambda-lifecycle`. */
export const USAGE = `Usage: lambda-lifecycle <command> [options]

Commands:
  generate   write one Lambda entry file per handler class
  build      bundle each entry into one minified file per handler
  sam        write an AWS SAM template for the bundles
  invoke     run a handler locally against a local Lambda Runtime API
  report     summarise the lifecycle metrics (EMF) in a log, as text or HTML

Run lambda-lifecycle <command> --help for its options.
`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

// Loaded on use, by a path the compiler does not follow, so that the other
// commands work in a build without it.
const INVOKE_MODULE = './invoke-command';

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  generate: async () => runGenerateCommand,
  build: async () => runBuildCommand,
  sam: async () => runSamCommand,
  report: async () => runReportCommand,
  invoke: async () => {
    try {
      return ((await import(INVOKE_MODULE)) as { runInvokeCommand: Command })
        .runInvokeCommand;
    } catch (error) {
      if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
      throw new Error('this build of lambda-lifecycle has no invoke command', {
        cause: error,
      });
    }
  },
};

/**
 * The `lambda-lifecycle` command line: dispatches to a subcommand and
 * resolves the exit code.
 *
 * Phase: none (build time and local runs). Never throws: usage problems
 * resolve 2 with the usage on `io.stderr`, a failed command resolves 1
 * with its message there.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['generate', '--check'], {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   cwd: process.cwd(),
 * });
 * ```
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (name === undefined || !Object.hasOwn(COMMANDS, name)) {
    const problem =
      name === undefined ? 'no command given' : `unknown command "${name}"`;
    io.stderr.write(`lambda-lifecycle: ${problem}\n\n${USAGE}`);
    return EXIT.usage;
  }

  try {
    const command = await COMMANDS[name]();
    return await command(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`lambda-lifecycle ${name}: ${message}\n`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
  }).then((code) => {
    process.exitCode = code;
  });
}
