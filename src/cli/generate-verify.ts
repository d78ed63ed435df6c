import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LifecycleError } from '../../decorators/lifecycle-error';
import { HANDLER_METADATA } from '../../decorators/metadata-keys';
import type { ResolvedConfig } from './generate-config';

/** How long the modules may take to load, in ms. */
const LOAD_TIMEOUT_MS = 30_000;

interface ProbeInput {
  readonly reflect: string | undefined;
  readonly metadataKey: string;
  readonly handlers: readonly {
    readonly name: string;
    readonly file: string;
    readonly exportName: string;
    readonly loaders: readonly ('import' | 'require')[];
  }[];
}

interface ProbeResult {
  readonly name: string;
  readonly problems: readonly string[];
}

// Runs in a child process, so that loading the user's modules neither
// changes nor crashes the CLI. It loads each module the way its entries
// will (import for .mjs, require for .cjs) and checks the named export.
const PROBE = `
const { pathToFileURL } = require('node:url');
const input = JSON.parse(process.argv[1]);
const key = Symbol.for(input.metadataKey);

async function load(how, file) {
  return how === 'import' ? import(pathToFileURL(file).href) : require(file);
}

async function check(handler) {
  const problems = [];
  for (const how of handler.loaders) {
    let exports;
    try {
      exports = await load(how, handler.file);
    } catch (error) {
      problems.push(how + ' failed: ' + (error && error.message));
      continue;
    }
    const value = exports[handler.exportName];
    const name = '"' + handler.exportName + '"';
    if (value === undefined) {
      problems.push('no export ' + name + ' (loaded with ' + how + ')');
    } else if (typeof value !== 'function') {
      problems.push('export ' + name + ' is not a class');
    } else if (Reflect.getMetadata(key, value) === undefined) {
      problems.push('export ' + name + ' is not marked with @Handler()');
    }
  }
  return { name: handler.name, problems: [...new Set(problems)] };
}

(async () => {
  if (input.reflect) require(input.reflect);
  const results = [];
  for (const handler of input.handlers) results.push(await check(handler));
  process.send(results, () => process.exit(0));
})().catch((error) => {
  process.stderr.write(String((error && error.stack) || error));
  process.exit(1);
});
`;

function resolveReflect(from: string[]): string | undefined {
  for (const paths of [from, undefined]) {
    try {
      return require.resolve('reflect-metadata', paths && { paths });
    } catch {
      // Not found from there; try the next place.
    }
  }
  return undefined;
}

function runProbe(input: ProbeInput, cwd: string): Promise<ProbeResult[]> {
  const env = { ...process.env };
  // The probe must not register with a Lambda API if it runs inside one.
  delete env.AWS_LAMBDA_RUNTIME_API;

  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-e', PROBE, JSON.stringify(input)],
      { cwd, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
    );
    let errors = '';
    let results: ProbeResult[] | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), LOAD_TIMEOUT_MS);

    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk));
    child.on('message', (message) => (results = message as ProbeResult[]));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (results !== undefined) return resolve(results);
      reject(
        new LifecycleError(
          'HANDLER_NOT_FOUND',
          `generate: loading the handler modules failed (` +
            `${signal === 'SIGKILL' ? 'no answer within 30 s' : `exit ${code}`}` +
            `)${errors ? `:\n  ${errors.trim()}` : '.'}`,
        ),
      );
    });
  });
}

/**
 * Checks that each handler's module exists and exports, under its name, a
 * class marked with `@Handler()`, loading the module in a child process the
 * way the entries will (import for ES module entries, require for CommonJS
 * ones).
 *
 * Phase: none (build time). Throws `HANDLER_NOT_FOUND` naming each handler,
 * its module and what is wrong with it.
 *
 * @example
 * ```ts
 * await verifyHandlers(config, process.cwd());
 * ```
 */
export async function verifyHandlers(
  config: ResolvedConfig,
  cwd: string,
): Promise<void> {
  const where = (name: string, module: string) =>
    `${config.source}, handler "${name}" (${module})`;
  const missing = config.handlers.filter((h) => !existsSync(h.modulePath));
  if (missing.length > 0) {
    throw new LifecycleError(
      'HANDLER_NOT_FOUND',
      missing
        .map(
          (h) =>
            `${where(h.name, h.module)}: no such file ${h.modulePath}. ` +
            'Build it first, or pass --no-verify.',
        )
        .join('\n'),
    );
  }

  const loaders = config.formats.map((format) =>
    format === 'esm' ? ('import' as const) : ('require' as const),
  );
  const results = await runProbe(
    {
      reflect: resolveReflect([
        config.outDir,
        ...config.handlers.map((h) => path.dirname(h.modulePath)),
      ]),
      metadataKey: HANDLER_METADATA.description ?? '',
      handlers: config.handlers.map((h) => ({
        name: h.name,
        file: h.modulePath,
        exportName: h.exportName,
        loaders,
      })),
    },
    cwd,
  );

  const module = new Map(config.handlers.map((h) => [h.name, h.module]));
  const problems = results.flatMap((result) =>
    result.problems.map(
      (problem) =>
        `${where(result.name, module.get(result.name) ?? '')}: ${problem}.`,
    ),
  );
  if (problems.length > 0) {
    throw new LifecycleError('HANDLER_NOT_FOUND', problems.join('\n'));
  }
}
