import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LifecycleError } from '../../decorators/lifecycle-error';
import {
  formatTimeline,
  parseEvent,
  parseEvents,
  startLocalRuntime,
  type LocalRuntimeOptions,
  type TimelineEntry,
} from '../runtime/local';

/** Where `invoke` reads events from and writes its report. */
export interface InvokeIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Events when no file is given and it is not a terminal. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** The directory relative paths start from. Default: process.cwd(). */
  readonly cwd?: string;
}

const USAGE_LINE = 'Usage: lambda-lifecycle invoke <entry> [options]';

/** Help for `lambda-lifecycle invoke`. */
export const INVOKE_USAGE = `${USAGE_LINE}

Runs a handler entry in a local Lambda execution environment (a child node
process speaking the Runtime API), sends it events and prints the lifecycle
timeline. Events come from --event and --events files, else from stdin when
it is not a terminal, else one empty event {}.

Options:
  --event <file>          one event, a JSON value; repeatable
  --events <file>         several events: a JSON array or JSON lines
  --handler <export>      the export Lambda calls (default: handler)
  --function-name <name>  (default: the entry's file name)
  --timeout <s>           function timeout in seconds (default: 3)
  --memory <MB>           memory size the function is told (default: 128)
  --region <name>         AWS_REGION (default: us-east-1)
  --idle <ms>             idle gap between invocations (default: 0)
  --runtime <client>      builtin or ric (aws-lambda-ric) (default: builtin)
  --ric-package <dir>     the aws-lambda-ric install to run with --runtime ric
  --node <path>           node binary that runs the function
  --env KEY=VALUE         function environment variable; repeatable
  --extension <file>      external extension to start first; repeatable
  --json                  print the timeline as JSON
  --quiet                 leave out the lines the function wrote
  -h, --help              show this help
`;

const OPTIONS = {
  event: { type: 'string', multiple: true },
  events: { type: 'string', multiple: true },
  handler: { type: 'string' },
  'function-name': { type: 'string' },
  timeout: { type: 'string' },
  memory: { type: 'string' },
  region: { type: 'string' },
  idle: { type: 'string' },
  runtime: { type: 'string' },
  'ric-package': { type: 'string' },
  node: { type: 'string' },
  env: { type: 'string', multiple: true },
  extension: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Parsed = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>;
type Args = Parsed['values'];

interface Plan {
  readonly runtime: LocalRuntimeOptions;
  readonly events: readonly unknown[];
  readonly idleMs: number;
  readonly json: boolean;
  readonly quiet: boolean;
}

class UsageError extends Error {}

function number(
  args: Args,
  flag: 'timeout' | 'memory' | 'idle',
  valid: (value: number) => boolean,
  expected: string,
): number | undefined {
  const text = args[flag];
  if (text === undefined) return undefined;

  const value = Number(text);
  if (text.trim() === '' || !valid(value)) {
    throw new UsageError(`--${flag} ${text}: expected ${expected}`);
  }
  return value;
}

function parseEnv(pairs: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
      if (match === null) {
        throw new UsageError(`--env ${pair}: expected KEY=VALUE`);
      }
      return [match[1], match[2]];
    }),
  );
}

function readText(file: string, flag: string, cwd: string): string {
  try {
    return readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    throw new UsageError(`--${flag} ${file}: cannot read it (${code})`);
  }
}

async function readStdin(io: InvokeIo): Promise<string | undefined> {
  const stdin = io.stdin ?? process.stdin;
  if (stdin.isTTY) return undefined;

  let text = '';
  for await (const chunk of stdin) text += String(chunk);
  return text;
}

async function gatherEvents(args: Args, io: InvokeIo, cwd: string) {
  const files = [
    ...(args.event ?? []).map((file) => [
      parseEvent(readText(file, 'event', cwd), file),
    ]),
    ...(args.events ?? []).map((file) =>
      parseEvents(readText(file, 'events', cwd), file),
    ),
  ];
  if (files.length > 0) {
    const events = files.flat();
    if (events.length === 0) {
      const given = [...(args.event ?? []), ...(args.events ?? [])];
      throw new UsageError(`--events ${given.join(' ')}: no event in it`);
    }
    return events;
  }

  const piped = await readStdin(io);
  const events = piped === undefined ? [] : parseEvents(piped, 'stdin');
  return events.length > 0 ? events : [{}];
}

async function plan(argv: readonly string[], io: InvokeIo): Promise<Plan> {
  let parsed: Parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
    });
  } catch (error) {
    const flag = /'([^']+)'/.exec((error as Error).message)?.[1];
    const code = (error as { code?: string }).code;
    throw new UsageError(
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${flag}`
        : `${flag ?? 'an option'}: ${(error as Error).message.split('.')[0]}`,
    );
  }

  const { values: args, positionals } = parsed;
  const cwd = io.cwd ?? process.cwd();
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'no <entry> given'
        : `one <entry> expected, got ${positionals.join(' ')}`,
    );
  }
  const runtime = args.runtime ?? 'builtin';
  if (runtime !== 'builtin' && runtime !== 'ric') {
    throw new UsageError(`--runtime ${runtime}: expected builtin or ric`);
  }
  const timeout = number(args, 'timeout', (s) => s > 0 && s <= 900, '0-900 s');
  const memoryMb = number(
    args,
    'memory',
    (mb) => Number.isInteger(mb) && mb >= 128 && mb <= 10_240,
    'an integer from 128 to 10240 MB',
  );

  return {
    runtime: {
      entry: path.resolve(cwd, positionals[0]),
      handlerExport: args.handler,
      functionName: args['function-name'],
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      memoryMb,
      region: args.region,
      runtime,
      ricPackage:
        args['ric-package'] === undefined
          ? undefined
          : path.resolve(cwd, args['ric-package']),
      nodePath: args.node?.includes(path.sep)
        ? path.resolve(cwd, args.node)
        : args.node,
      env: parseEnv(args.env),
      extensions: args.extension?.map((file) => path.resolve(cwd, file)),
    },
    idleMs: number(args, 'idle', (ms) => ms >= 0, 'a number of ms') ?? 0,
    events: await gatherEvents(args, io, cwd),
    json: args.json === true,
    quiet: args.quiet === true,
  };
}

function failed(timeline: readonly TimelineEntry[]): boolean {
  return timeline.some(
    (entry) =>
      (entry.phase === 'INIT' || entry.phase === 'INVOKE') &&
      entry.outcome !== 'ok',
  );
}

/**
 * `lambda-lifecycle invoke <entry>`: runs a handler entry in a local Lambda
 * execution environment, sends it the events, shuts it down as Lambda does
 * and prints the lifecycle timeline (`--json` for programs).
 *
 * Phase: none (a local run of every phase). Never throws for what the
 * function does: resolves 0 when every INIT and invocation succeeded, 1
 * when one failed, and 2 on bad usage, with the reason on `io.stderr`.
 *
 * @example
 * ```ts
 * process.exitCode = await runInvokeCommand(
 *   ['entries/orders.mjs', '--event', 'order.json', '--idle', '200'],
 *   { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
 * );
 * ```
 */
export async function runInvokeCommand(
  argv: readonly string[],
  io: InvokeIo,
): Promise<number> {
  const usage = (problem: string) => {
    io.stderr.write(`lambda-lifecycle invoke: ${problem}\n${USAGE_LINE}\n`);
    return 2;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(INVOKE_USAGE);
    return 0;
  }

  let run: Plan;
  try {
    run = await plan(argv, io);
  } catch (error) {
    if (error instanceof UsageError || LifecycleError.is(error)) {
      return usage(error.message);
    }
    throw error;
  }

  let timeline: readonly TimelineEntry[];
  try {
    const runtime = await startLocalRuntime(run.runtime);
    try {
      for (const [index, event] of run.events.entries()) {
        if (index > 0 && run.idleMs > 0) await runtime.idle(run.idleMs);
        await runtime.invoke(event);
      }
      await runtime.shutdown();
      timeline = runtime.timeline;
    } finally {
      await runtime.close();
    }
  } catch (error) {
    if (LifecycleError.is(error) && error.code === 'INVALID_CONFIG') {
      return usage(error.message);
    }
    io.stderr.write(`lambda-lifecycle invoke: ${String(error)}\n`);
    return 1;
  }

  io.stdout.write(
    run.json
      ? `${JSON.stringify({ timeline }, null, 2)}\n`
      : formatTimeline(timeline, { quiet: run.quiet })
          .map((line) => `${line}\n`)
          .join(''),
  );
  return failed(timeline) ? 1 : 0;
}
