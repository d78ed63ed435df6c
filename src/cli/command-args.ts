import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LifecycleError } from '../../decorators/lifecycle-error';
import { EXIT, type CliIo } from './cli-io';

/** Bad usage: the command answers with the problem and its usage, exit 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed flags of a command with the given options. */
export type ArgsOf<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O }>
>['values'];

/** What a subcommand is: its name, help and flags. */
export interface CommandSpec<O extends Options> {
  readonly name: string;
  readonly usage: string;
  readonly options: O;
}

/** Node's long parseArgs message, cut to the option it names. */
function parseArgsProblem(error: Error & { code?: string }): string {
  const option = /'(-[^' ]*)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `unknown option "${option}"`;
  }
  return error.message.includes('does not take')
    ? `option "${option}" takes no value`
    : `option "${option}" needs a value`;
}

/**
 * Parses a subcommand's flags (no positional arguments), answers `--help`,
 * and runs `body`, turning what it throws into an exit code: a
 * `UsageError` or bad flag prints the problem and the usage and resolves
 * 2, a `LifecycleError` prints its message and resolves 1.
 *
 * Phase: none (build time). Rethrows anything else.
 *
 * @example
 * ```ts
 * return runCommand(SPEC, argv, io, (args) => build(args, io));
 * ```
 */
export async function runCommand<O extends Options>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  io: CliIo,
  body: (args: ArgsOf<O>) => Promise<number> | number,
): Promise<number> {
  const fail = (message: string, usage: boolean) => {
    io.stderr.write(`lambda-lifecycle ${spec.name}: ${message}\n`);
    if (usage) io.stderr.write(`\n${spec.usage}`);
    return usage ? EXIT.usage : EXIT.failed;
  };

  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: spec.options,
      allowPositionals: true,
    });
    if ((values as { help?: boolean }).help) {
      io.stdout.write(spec.usage);
      return EXIT.ok;
    }
    if (positionals.length > 0) {
      throw new UsageError(`unexpected argument "${positionals[0]}"`);
    }
    return await body(values as ArgsOf<O>);
  } catch (error) {
    if (LifecycleError.is(error)) return fail(error.message, false);
    if (error instanceof UsageError) return fail(error.message, true);
    const code = (error as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS')) {
      return fail(parseArgsProblem(error as Error), true);
    }
    throw error;
  }
}

/**
 * The value of a flag that takes one of a fixed set of words, or the
 * default when it is not given.
 *
 * Phase: none (build time). Throws `UsageError` naming the flag and the
 * words it takes.
 */
export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(
      `--${flag} takes ${allowed.join(', ')}; got "${value}"`,
    );
  }
  return value as T;
}
