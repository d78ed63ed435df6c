import { existsSync } from 'node:fs';
import path from 'node:path';
import { LifecycleError } from '../../../decorators/lifecycle-error';
import type { ProcessSpec } from './environment-process';
import { lambdaEnvironment, RESERVED_VARIABLES } from './lambda-environment';
import { runtimeCommand, type RuntimeClientKind } from './runtime-command';
import type { LogLine } from './timeline-entry';

/** How to run a handler locally. */
export interface LocalRuntimeOptions {
  /** The handler's entry file, e.g. `entries/orders.mjs`. */
  readonly entry: string;
  /** The export Lambda calls. Default `handler`. */
  readonly handlerExport?: string;
  /** Default: the entry's file name without its extension. */
  readonly functionName?: string;
  /** The function timeout in ms. Default 3000, as Lambda's. */
  readonly timeoutMs?: number;
  /** The INIT limit in ms. Default 10000, as Lambda's on demand. */
  readonly initTimeoutMs?: number;
  /** `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`. Default 128; nothing is enforced. */
  readonly memoryMb?: number;
  /** `AWS_REGION`. Default `us-east-1`. */
  readonly region?: string;
  /** `AWS_LAMBDA_INITIALIZATION_TYPE`. Default `on-demand`. */
  readonly initializationType?: string;
  /** The function's environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** The runtime client: the built-in one or `aws-lambda-ric`. */
  readonly runtime?: RuntimeClientKind;
  /**
   * The directory of the `aws-lambda-ric` package to run, e.g. one
   * installed under another name. Default: resolved from the entry's
   * directory, then from this package's.
   */
  readonly ricPackage?: string;
  /** The node binary that runs the processes. Default: this one. */
  readonly nodePath?: string;
  /** The compiled built-in runtime client. Default: found next to this. */
  readonly bootstrapPath?: string;
  /** External extension executables, started before the runtime. */
  readonly extensions?: readonly string[];
  /** Receives every line the processes write, as it arrives. */
  readonly onLog?: (line: LogLine) => void;
}

/** What an invocation carries besides its event. */
export interface InvokeOptions {
  /** Sent as `Lambda-Runtime-Client-Context`. */
  readonly clientContext?: unknown;
  /** Sent as `Lambda-Runtime-Cognito-Identity`. */
  readonly cognitoIdentity?: unknown;
}

const DEFAULT_TIMEOUT_MS = 3000;
const DEFAULT_INIT_TIMEOUT_MS = 10_000;

/** The options with their defaults applied, and the processes to start. */
export interface LocalRuntimeSettings {
  readonly functionName: string;
  readonly region: string;
  /** `file.export`, the value of `_HANDLER`. */
  readonly handler: string;
  readonly timeoutMs: number;
  readonly initTimeoutMs: number;
  readonly runtime: ProcessSpec;
  readonly extensions: readonly ProcessSpec[];
}

function option(test: boolean, what: string): void {
  if (!test) {
    throw new LifecycleError('INVALID_CONFIG', `Local runtime: ${what}.`);
  }
}

const JS_FILE = /\.(c|m)?js$/;

/**
 * Checks the options that can be checked before anything starts.
 *
 * Phase: before INIT. Throws `INVALID_CONFIG` naming the option.
 *
 * @example
 * ```ts
 * validateOptions({ entry: 'entries/orders.mjs', timeoutMs: 6000 });
 * ```
 */
export function validateOptions(options: LocalRuntimeOptions): void {
  const entry = path.resolve(options.entry);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const reserved = Object.keys(options.env ?? {}).filter((key) =>
    RESERVED_VARIABLES.has(key),
  );

  option(existsSync(entry), `the entry ${entry} does not exist`);
  option(
    /^[^.]+\.(c|m)?js$/.test(path.basename(entry)),
    `the entry ${entry} must be a .js, .mjs or .cjs file with no other ` +
      'dot in its name, as _HANDLER is file.export',
  );
  option(timeoutMs > 0, `timeoutMs must be positive, not ${timeoutMs}`);
  option(
    /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(
      options.handlerExport ?? 'handler',
    ),
    `"${options.handlerExport}" is not an export name`,
  );
  option(
    reserved.length === 0,
    `env sets ${reserved.join(', ')}, which Lambda reserves; use the ` +
      'matching option instead',
  );
}

/**
 * Applies the defaults and works out the command lines and environment
 * variables of the runtime and external extension processes.
 *
 * Phase: before INIT. Throws `INVALID_CONFIG` when the runtime client
 * cannot be found.
 *
 * @example
 * ```ts
 * const settings = resolveOptions({ entry: 'entries/orders.mjs' }, '127.0.0.1:9001');
 * settings.handler; // 'orders.handler'
 * ```
 */
export function resolveOptions(
  options: LocalRuntimeOptions,
  runtimeApi: string,
): LocalRuntimeSettings {
  const entry = path.resolve(options.entry);
  const taskRoot = path.dirname(entry);
  const file = path.basename(entry).replace(JS_FILE, '');
  const handler = `${file}.${options.handlerExport ?? 'handler'}`;
  const functionName = options.functionName ?? file;
  const region = options.region ?? 'us-east-1';
  // A path is taken from here, as the processes start in the task root; a
  // bare name is looked up on PATH.
  const nodePath = options.nodePath?.includes(path.sep)
    ? path.resolve(options.nodePath)
    : (options.nodePath ?? process.execPath);
  const nodeMajor = process.versions.node.split('.')[0];
  const env = lambdaEnvironment({
    functionName,
    // Only this process's Node.js version is known without running node.
    executionEnv:
      nodePath === process.execPath
        ? `AWS_Lambda_nodejs${nodeMajor}.x`
        : undefined,
    handler,
    taskRoot,
    // Limitation: memory size is reported, not enforced; more still runs.
    memoryMb: options.memoryMb ?? 128,
    region,
    runtimeApi,
    initializationType: options.initializationType ?? 'on-demand',
    env: options.env ?? {},
  });
  const command = runtimeCommand({
    kind: options.runtime ?? 'builtin',
    nodePath,
    bootstrapPath: options.bootstrapPath,
    ricPackage: options.ricPackage,
    handler,
    taskRoot,
  });

  return {
    functionName,
    region,
    handler,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    initTimeoutMs: options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS,
    runtime: { source: 'runtime', ...command, cwd: taskRoot, env },
    extensions: (options.extensions ?? []).map((file) => ({
      source: path.basename(file),
      command: JS_FILE.test(file) ? nodePath : path.resolve(file),
      args: JS_FILE.test(file) ? [path.resolve(file)] : [],
      cwd: taskRoot,
      env,
    })),
  };
}
