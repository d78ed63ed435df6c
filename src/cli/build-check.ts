import { spawn } from 'node:child_process';
import os from 'node:os';
import { CHECK_ONLY } from '../adapter/check-only';
import type { EntryFormat } from './generate-config';

/** One bundle to check. */
export interface BundleToCheck {
  readonly handler: string;
  /** Absolute path of the bundle. */
  readonly file: string;
  readonly format: EntryFormat;
}

/** What checking one bundle found. */
export interface BundleCheck {
  readonly handler: string;
  readonly ok: boolean;
  /** The error's code, e.g. `MISSING_TYPE_INFO`, when it has one. */
  readonly code?: string;
  /** What went wrong, when something did. */
  readonly problem?: string;
}

/** How long loading one bundle may take, in ms. */
const LOAD_TIMEOUT_MS = 30_000;

// Limitation: the check runs a bundle's top-level code; externals must be here.
// Runs in a child process per bundle, so that loading a bundle neither
// changes nor crashes the CLI and bundles do not share a global Reflect.
// With the check-only flag set, createHandler checks the dependency graph
// and builds nothing; an ES module entry awaits that check at top level.
const PROBE = `
const { pathToFileURL } = require('node:url');
const input = JSON.parse(process.argv[1]);
globalThis[Symbol.for(input.flag)] = true;

const report = (result) => process.send(result, () => process.exit(0));

(async () => {
  const exports = input.format === 'esm'
    ? await import(pathToFileURL(input.file).href)
    : require(input.file);
  const handler = exports && exports.handler;
  if (!handler || !handler.ready || typeof handler.ready.then !== 'function') {
    return report({
      ok: false,
      problem: 'the bundle exports no "handler" made by createHandler',
    });
  }
  await handler.ready;
  report({ ok: true });
})().catch((error) => {
  report({
    ok: false,
    code: error && typeof error.code === 'string' ? error.code : undefined,
    problem: String((error && error.message) || error),
  });
});
`;

function checkOne(bundle: BundleToCheck, cwd: string): Promise<BundleCheck> {
  const env = { ...process.env };
  // Outside Lambda, as the build runs: nothing may register anywhere.
  delete env.AWS_LAMBDA_RUNTIME_API;
  const input = {
    file: bundle.file,
    format: bundle.format,
    flag: CHECK_ONLY.description,
  };

  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-e', PROBE, JSON.stringify(input)],
      { cwd, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
    );
    let errors = '';
    let result: Omit<BundleCheck, 'handler'> | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), LOAD_TIMEOUT_MS);

    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk));
    child.on('message', (message) => (result = message as typeof result));
    child.on('error', (error) =>
      resolve({ handler: bundle.handler, ok: false, problem: error.message }),
    );
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined) {
        return resolve({ handler: bundle.handler, ...result });
      }
      const how =
        signal === 'SIGKILL' ? 'no answer within 30 s' : `exit ${code}`;
      resolve({
        handler: bundle.handler,
        ok: false,
        problem:
          `loading the bundle failed (${how})` +
          (errors ? `: ${errors.trim()}` : '.'),
      });
    });
  });
}

/**
 * Loads each bundle in a child Node.js process of its own, outside Lambda
 * (`AWS_LAMBDA_RUNTIME_API` unset) and with `CHECK_ONLY` set, so that each
 * `createHandler` in it checks its dependency graph the way INIT would and
 * builds nothing: no constructor, hook or extension registration runs, but
 * a class whose constructor types the bundle lost is reported by name.
 * Several bundles load at once, at most one per CPU.
 *
 * Phase: none (build time). Does not throw: a bundle that fails to load is
 * reported with what it wrote to stderr.
 *
 * @example
 * ```ts
 * const checks = await checkBundles([{ handler: 'orders', file, format: 'esm' }], cwd);
 * ```
 */
export async function checkBundles(
  bundles: readonly BundleToCheck[],
  cwd: string,
): Promise<BundleCheck[]> {
  const results: BundleCheck[] = new Array(bundles.length);
  let next = 0;
  const worker = async () => {
    while (next < bundles.length) {
      const index = next++;
      results[index] = await checkOne(bundles[index], cwd);
    }
  };
  const parallel = Math.max(1, Math.min(os.cpus().length, bundles.length));

  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}
