import path from 'node:path';
import { LifecycleError } from '../../decorators/lifecycle-error';
import { RESERVED_VARIABLES as LAMBDA_SET_VARIABLES } from '../runtime/local/lambda-environment';

/** The kinds of entry file `generate` writes. */
export type EntryFormat = 'esm' | 'cjs';

/** The `createHandler` options an entry may pass: plain JSON values only. */
export interface EntryOptions {
  readonly shutdownBudgetMs?: number;
  readonly shutdownSignal?: boolean | 'blocking';
  readonly invocationScope?: boolean;
}

/** One handler as the config names it. */
export interface HandlerEntryConfig {
  /** The compiled module, relative to the config file (`./` or `../`). */
  readonly module: string;
  /** The name the module exports the `@Handler()` class under. */
  readonly export: string;
  /** Passed to `createHandler` in the entry. */
  readonly options?: EntryOptions;
  /** The function's memory in MB, 128 to 10240 (`sam`: `MemorySize`). */
  readonly memory?: number;
  /** The function's timeout in seconds, 1 to 900 (`sam`: `Timeout`). */
  readonly timeout?: number;
  /** The function's environment variables (`sam`: `Environment`). */
  readonly environment?: Readonly<Record<string, string>>;
}

/** How Lambda runs one handler's function: what `sam` writes for it. */
export interface FunctionSettings {
  /** Memory in MB, when the config sets it. */
  readonly memory?: number;
  /** Timeout in seconds, when the config sets it. */
  readonly timeout?: number;
  /** Environment variables, sorted by name; empty when none are set. */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The `generate` config, `lambda-lifecycle.config.json` by default. Paths
 * are relative to the config file; handler names become file names.
 *
 * ```json
 * {
 *   "outDir": "entries",
 *   "formats": ["esm", "cjs"],
 *   "handlers": {
 *     "orders": {
 *       "module": "./dist/samples/orders/orders.handler.js",
 *       "export": "OrdersHandler",
 *       "options": { "shutdownBudgetMs": 300 }
 *     }
 *   }
 * }
 * ```
 *
 * `outDir` defaults to `entries` and `formats` to `["esm"]`; `external`
 * lists packages `build` leaves out of the bundles; `options` takes
 * `shutdownBudgetMs`, `shutdownSignal` and `invocationScope`. A handler may
 * also set how Lambda runs it, which `lambda-lifecycle sam` writes into the
 * template: `memory` (MB), `timeout` (seconds) and `environment`.
 */
export interface GenerateConfig {
  readonly outDir?: string;
  readonly formats?: readonly EntryFormat[];
  /** Packages `build` leaves out of every bundle, as `--external` does. */
  readonly external?: readonly string[];
  readonly handlers: Readonly<Record<string, HandlerEntryConfig>>;
}

/** One handler, checked and with its paths resolved. */
export interface HandlerSpec {
  readonly name: string;
  /** As written in the config or on the command line. */
  readonly module: string;
  /** Absolute path of the module. */
  readonly modulePath: string;
  readonly exportName: string;
  readonly options: EntryOptions;
  readonly function: FunctionSettings;
}

/** A whole config, checked and resolved, ready to generate from. */
export interface ResolvedConfig {
  /** What the entries came from, for their header: a file name or flag. */
  readonly source: string;
  /** Absolute path of the output directory. */
  readonly outDir: string;
  readonly formats: readonly EntryFormat[];
  /** Packages `build` leaves out of every bundle; empty when none. */
  readonly external: readonly string[];
  /** Sorted by name. */
  readonly handlers: readonly HandlerSpec[];
}

const FORMATS: readonly EntryFormat[] = ['esm', 'cjs'];
const CONFIG_KEYS = ['outDir', 'formats', 'external', 'handlers'];
const HANDLER_KEYS = [
  'module',
  'export',
  'options',
  'memory',
  'timeout',
  'environment',
];
const isBoolean = (value: unknown) => typeof value === 'boolean';
const OPTION_TYPES: Readonly<
  Record<
    keyof EntryOptions,
    { check: (value: unknown) => boolean; description: string }
  >
> = {
  shutdownBudgetMs: {
    check: (value) => typeof value === 'number',
    description: 'a number',
  },
  shutdownSignal: {
    check: (value) => isBoolean(value) || value === 'blocking',
    description: 'true, false or "blocking"',
  },
  invocationScope: { check: isBoolean, description: 'a boolean' },
};

const HANDLER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
// Only characters that cannot end a string literal or start a new line.
const MODULE_PATH = /^\.\.?\/[A-Za-z0-9_@+~./-]+\.(js|cjs|mjs)$/;
// Names an entry's own code uses, and words no binding may take.
const RESERVED = new Set(
  (
    'handler createHandler break case catch class const continue debugger ' +
    'default delete do else enum export extends false finally for ' +
    'function if implements import in instanceof interface let new null ' +
    'package private protected public return static super switch this ' +
    'throw true try typeof var void while with yield await arguments eval'
  ).split(' '),
);

// Lambda's limits for a function's configuration.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
const MEMORY_MB = { min: 128, max: 10_240 };
const TIMEOUT_S = { min: 1, max: 900 };
// Keys start with a letter and have at least two characters; all of them
// together take at most 4 KB; Lambda sets the reserved ones itself.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]+$/;
const ENVIRONMENT_BYTES = 4096;
// The local runtime's list is what Lambda sets itself; a deployed function's
// credentials come from its execution role, so they are reserved here too.
const RESERVED_VARIABLES: ReadonlySet<string> = new Set([
  ...LAMBDA_SET_VARIABLES,
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
]);

/** True when `text` has a character that would break a line or a comment. */
export function hasControlCharacters(text: string): boolean {
  return [...text].some((char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
  });
}

function refuse(where: string, what: string): never {
  throw new LifecycleError('INVALID_CONFIG', `${where}: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(
  where: string,
  value: Record<string, unknown>,
  allowed: readonly string[],
): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    refuse(
      where,
      `unknown field "${unknown[0]}"; allowed: ${allowed.join(', ')}.`,
    );
  }
}

function checkOptions(where: string, value: unknown): EntryOptions {
  if (value === undefined) return {};
  if (!isRecord(value)) refuse(where, '"options" must be an object.');
  checkKeys(`${where}, options`, value, Object.keys(OPTION_TYPES));

  for (const [key, allowed] of Object.entries(OPTION_TYPES)) {
    const option = value[key];
    if (option !== undefined && !allowed.check(option)) {
      refuse(where, `option "${key}" must be ${allowed.description}.`);
    }
  }
  const budget = value.shutdownBudgetMs;
  if (typeof budget === 'number' && !(Number.isFinite(budget) && budget > 0)) {
    refuse(where, 'option "shutdownBudgetMs" must be a positive number.');
  }
  return value as EntryOptions;
}

function checkWholeNumber(
  where: string,
  field: string,
  value: unknown,
  range: { min: number; max: number },
  unit: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < range.min ||
    value > range.max
  ) {
    refuse(
      where,
      `"${field}" must be a whole number of ${unit} from ${range.min} to ` +
        `${range.max}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function checkEnvironment(
  where: string,
  value: unknown,
): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    refuse(where, '"environment" must be an object of names to strings.');
  }
  let bytes = 0;
  for (const [name, text] of Object.entries(value)) {
    if (!VARIABLE_NAME.test(name)) {
      refuse(
        where,
        `environment variable ${JSON.stringify(name)}: a name starts with a ` +
          'letter and has two or more letters, digits and "_".',
      );
    }
    if (RESERVED_VARIABLES.has(name)) {
      refuse(
        where,
        `environment variable "${name}" is reserved: Lambda sets it itself.`,
      );
    }
    if (typeof text !== 'string') {
      refuse(
        where,
        `environment variable "${name}" must be a string, got ` +
          `${JSON.stringify(text)}.`,
      );
    }
    bytes += Buffer.byteLength(name) + Buffer.byteLength(text);
  }
  if (bytes > ENVIRONMENT_BYTES) {
    refuse(
      where,
      `the environment variables take ${bytes} bytes; Lambda allows ` +
        `${ENVIRONMENT_BYTES} in all.`,
    );
  }
  const names = Object.keys(value).sort();
  return Object.fromEntries(names.map((name) => [name, String(value[name])]));
}

function checkFunctionSettings(
  where: string,
  value: Record<string, unknown>,
): FunctionSettings {
  const memory = checkWholeNumber(
    where,
    'memory',
    value.memory,
    MEMORY_MB,
    'MB',
  );
  const timeout = checkWholeNumber(
    where,
    'timeout',
    value.timeout,
    TIMEOUT_S,
    'seconds',
  );
  return {
    ...(memory === undefined ? {} : { memory }),
    ...(timeout === undefined ? {} : { timeout }),
    environment: checkEnvironment(where, value.environment),
  };
}

/**
 * Checks one handler and resolves its module against `baseDir`. Refuses
 * anything that would not be a safe file name, identifier or module path in
 * the generated code.
 */
export function checkHandler(
  source: string,
  name: string,
  value: unknown,
  baseDir: string,
): HandlerSpec {
  const where = `${source}, handler "${name}"`;
  if (!HANDLER_NAME.test(name) || name.length > 100) {
    refuse(
      `${source}, handler ${JSON.stringify(name)}`,
      'the name must be a safe file name: letters, digits, "_", "-" and ' +
        'inner dots, at most 100 characters.',
    );
  }
  if (!isRecord(value)) refuse(where, 'must be an object.');
  checkKeys(where, value, HANDLER_KEYS);

  const module = value.module;
  if (typeof module !== 'string' || !MODULE_PATH.test(module)) {
    refuse(
      where,
      `"module" must be a relative path to a .js, .cjs or .mjs file ` +
        `("./" or "../", letters, digits and _@+~./- only), got ` +
        `${JSON.stringify(module)}.`,
    );
  }
  const exportName = value.export;
  if (
    typeof exportName !== 'string' ||
    !IDENTIFIER.test(exportName) ||
    RESERVED.has(exportName)
  ) {
    refuse(
      where,
      `"export" must be a JavaScript identifier naming the class (not a ` +
        `reserved word, "handler" or "createHandler"), got ` +
        `${JSON.stringify(exportName)}.`,
    );
  }

  return {
    name,
    module,
    modulePath: path.resolve(baseDir, module),
    exportName,
    options: checkOptions(where, value.options),
    function: checkFunctionSettings(where, value),
  };
}

function checkFormats(source: string, value: unknown): EntryFormat[] {
  if (value === undefined) return ['esm'];
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((format) => FORMATS.includes(format as EntryFormat));
  if (!valid) {
    refuse(source, '"formats" must be a non-empty list of "esm" and "cjs".');
  }
  return FORMATS.filter((format) => value.includes(format));
}

function checkExternal(source: string, value: unknown): string[] {
  if (value === undefined) return [];
  const valid =
    Array.isArray(value) &&
    value.every(
      (name) =>
        typeof name === 'string' &&
        name.trim() !== '' &&
        !hasControlCharacters(name),
    );
  if (!valid) {
    refuse(
      source,
      '"external" must be a list of package names, e.g. ["@electric-sql/pglite"].',
    );
  }
  return [...value];
}

function checkDuplicates(source: string, handlers: HandlerSpec[]): void {
  const seen = new Map<string, string>();
  for (const handler of handlers) {
    // Two names that differ only in case are one file on macOS and Windows.
    const key = handler.name.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      refuse(
        `${source}, handler "${handler.name}"`,
        `duplicate of handler "${other}"; both would write the same file.`,
      );
    }
    seen.set(key, handler.name);
  }
}

/**
 * Checks a parsed config and resolves it: paths against `baseDir` (the
 * config file's directory), handlers sorted by name.
 *
 * Phase: none (build time). Throws `INVALID_CONFIG` naming the source, the
 * handler and the field at the first problem.
 *
 * @example
 * ```ts
 * const config = resolveConfig(JSON.parse(text), 'lambda-lifecycle.config.json', cwd);
 * ```
 */
export function resolveConfig(
  value: unknown,
  source: string,
  baseDir: string,
): ResolvedConfig {
  if (!isRecord(value)) refuse(source, 'the config must be a JSON object.');
  checkKeys(source, value, CONFIG_KEYS);

  const outDir = value.outDir ?? 'entries';
  if (
    typeof outDir !== 'string' ||
    outDir === '' ||
    hasControlCharacters(outDir)
  ) {
    refuse(source, '"outDir" must be a directory path.');
  }
  if (!isRecord(value.handlers) || Object.keys(value.handlers).length === 0) {
    refuse(source, '"handlers" must name at least one handler.');
  }
  const handlers = Object.entries(value.handlers)
    .map(([name, entry]) => checkHandler(source, name, entry, baseDir))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  checkDuplicates(source, handlers);

  return {
    source,
    outDir: path.resolve(baseDir, outDir),
    formats: checkFormats(source, value.formats),
    external: checkExternal(source, value.external),
    handlers,
  };
}

/**
 * Reads `name=module#Export` specs from the command line into the handlers
 * of a config.
 *
 * Phase: none (build time). Throws `INVALID_CONFIG` naming the spec that
 * does not have that shape.
 *
 * @example
 * ```ts
 * parseHandlerSpecs(['orders=./dist/orders.handler.js#OrdersHandler']);
 * ```
 */
export function parseHandlerSpecs(
  specs: readonly string[],
): Record<string, HandlerEntryConfig> {
  const handlers = new Map<string, HandlerEntryConfig>();

  for (const spec of specs) {
    const match = /^([^=]+)=([^#]+)#(.+)$/.exec(spec);
    if (match === null) {
      refuse(
        '--handlers',
        `${JSON.stringify(spec)} is not name=module#Export, e.g. ` +
          'orders=./dist/orders.handler.js#OrdersHandler.',
      );
    }
    const [, name, module, exportName] = match;
    if (handlers.has(name)) {
      refuse(`--handlers, handler "${name}"`, 'given twice.');
    }
    handlers.set(name, { module, export: exportName });
  }
  return Object.fromEntries(handlers);
}
