/* eslint-disable jest/no-export -- not a suite (no .test.ts): the suites
   that call runtimeCases() define its cases, and import the rest. */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  formatTimeline,
  startLocalRuntime,
  type InitEntry,
  type LocalRuntime,
  type LocalRuntimeOptions,
  type LogLine,
} from '../../src/runtime/local';
import { CapturedIo } from '../cli/temp-project';
import type { OrderResult } from './fixtures/orders.handler';

// What the end-to-end suites share: where the real Lambda runtime clients
// are installed, compiling the fixture handler, reading what it printed,
// and the cases themselves, which run on generated entries
// (lambda-runtime.test.ts) and on their bundles (bundle.test.ts) alike.

export const ROOT = path.resolve(__dirname, '..', '..');
const RUNTIMES = path.join(__dirname, 'runtimes', 'node_modules');
export const RIC_3 = path.join(RUNTIMES, 'aws-lambda-ric-3');
export const RIC_4 = path.join(RUNTIMES, 'aws-lambda-ric-4');
export const NODE_24 = path.join(RUNTIMES, 'node-24', 'bin', 'node');
export const NODE_MAJOR = process.versions.node.split('.')[0];
// ric 3.3.0 runs on Node.js 20: this node when it is 20, else the one that
// scripts/e2e-runtimes.mjs installs for it.
const NODE_20_PACKAGE = path.join(__dirname, 'runtimes', 'node-20');
export const NODE_20 =
  NODE_MAJOR === '20'
    ? process.execPath
    : path.join(NODE_20_PACKAGE, 'node_modules', 'node-20', 'bin', 'node');

export type Format = 'esm' | 'cjs';

/** How the local runtime starts the function's process. */
export type ClientOptions = Pick<
  LocalRuntimeOptions,
  'runtime' | 'ricPackage' | 'nodePath'
>;

/** A runtime client, on a Node.js version, that runs the function. */
export interface RuntimeClient {
  readonly name: string;
  readonly nodeMajor: string;
  readonly options: ClientOptions;
}

const RIC_3_ON_NODE_20: RuntimeClient = {
  name: 'aws-lambda-ric 3.3.0 on Node.js 20',
  nodeMajor: '20',
  options: { runtime: 'ric', ricPackage: RIC_3, nodePath: NODE_20 },
};
const RIC_4_ON_NODE_24: RuntimeClient = {
  name: 'aws-lambda-ric 4.0.2 on Node.js 24',
  nodeMajor: '24',
  options: { runtime: 'ric', ricPackage: RIC_4, nodePath: NODE_24 },
};
// The local runtime's own client, as a baseline for the same assertions.
const BUILTIN_ON_THIS_NODE: RuntimeClient = {
  name: `the built-in runtime client on Node.js ${NODE_MAJOR}`,
  nodeMajor: NODE_MAJOR,
  options: { runtime: 'builtin' },
};

/** Every runtime client with every format it runs the cases on. */
export const MATRIX: readonly (readonly [RuntimeClient, Format])[] = [
  [RIC_3_ON_NODE_20, 'esm'],
  [RIC_3_ON_NODE_20, 'cjs'],
  [RIC_4_ON_NODE_24, 'esm'],
  [RIC_4_ON_NODE_24, 'cjs'],
  [BUILTIN_ON_THIS_NODE, 'esm'],
];

/** The major version of the node binary at `file`, or why there is none. */
function majorOf(file: string): string {
  const run = spawnSync(file, ['--version'], { encoding: 'utf8' });
  return run.status === 0
    ? (/^v(\d+)\./.exec(run.stdout)?.[1] ?? run.stdout.trim())
    : `not runnable (${run.error?.message ?? `exit ${run.status}`})`;
}

/**
 * Throws, saying how to install them, when the runtimes are missing or a
 * node binary is not the Node.js major its cases are named after.
 */
export function checkRuntimesInstalled(): void {
  const needed = [path.join(RUNTIMES, '.installed'), RIC_3, RIC_4];
  const problems = needed
    .filter((file) => !existsSync(file))
    .map((file) => `missing ${path.relative(ROOT, file)}`);
  for (const [file, major] of [
    [NODE_20, '20'],
    [NODE_24, '24'],
  ]) {
    const found = existsSync(file) ? majorOf(file) : 'missing';
    if (found !== major) {
      problems.push(
        `${path.relative(ROOT, file)}: ${found}, not Node.js ${major}`,
      );
    }
  }

  if (problems.length > 0) {
    throw new Error(
      `The end-to-end runtimes are not installed as they should be ` +
        `(${problems.join('; ')}). Run "node scripts/e2e-runtimes.mjs" ` +
        '(npm test runs it as pretest) to install aws-lambda-ric 3.3.0 and ' +
        '4.0.2, Node.js 24 and, when the tests run on another major, ' +
        'Node.js 20.',
    );
  }
}

/** Runs a CLI command in `cwd` and throws with its stderr unless it passed. */
export async function runCommand(
  command: (argv: string[], io: CapturedIo) => Promise<number>,
  argv: string[],
  cwd: string,
): Promise<void> {
  const io = new CapturedIo(cwd);
  const code = await command(argv, io);
  if (code !== 0) {
    throw new Error(`${argv.join(' ')} exited ${code}:\n${io.err}`);
  }
}

/**
 * Compiles the fixture handler with tsc (which emits its decorator
 * metadata) into `dir`/handlers and writes a config naming it, with
 * `config` merged in.
 */
export function compileFixture(
  dir: string,
  config: Record<string, unknown> = {},
): void {
  const tsc = spawnSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      path.join(__dirname, 'fixtures', 'tsconfig.json'),
      '--outDir',
      path.join(dir, 'handlers'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (tsc.status !== 0) {
    throw new Error(`tsc could not compile test/e2e/fixtures:\n${tsc.stdout}`);
  }

  writeFileSync(
    path.join(dir, 'lambda-lifecycle.config.json'),
    JSON.stringify({
      ...config,
      handlers: {
        orders: {
          module: './handlers/orders.handler.js',
          export: 'OrdersHandler',
        },
      },
    }),
  );
}

/** The `[e2e] Class.member` lines the fixture's hooks print, in order. */
export function hookSteps(lines: readonly LogLine[]): string[] {
  return lines.flatMap((line) => /\[e2e\] (\S+)/.exec(line.text)?.[1] ?? []);
}

export function texts(lines: readonly LogLine[]): string[] {
  return lines.map((line) => line.text);
}

export function initsOf(runtime: LocalRuntime): InitEntry[] {
  return runtime.timeline.filter(
    (entry): entry is InitEntry => entry.phase === 'INIT',
  );
}

export function resultOf(entry: { result?: unknown }): OrderResult {
  return entry.result as OrderResult;
}

/** What the shared cases run on: one client, one format, one entry. */
export interface RuntimeCaseSetup {
  readonly label: string;
  readonly client: RuntimeClient;
  readonly format: Format;
  /** The file Lambda loads: a generated entry or a bundle. */
  readonly entry: () => string;
  /** What a stack trace into the handler's code names. */
  readonly traceFile: string;
  /** A directory for the fixture's INIT attempt counters. */
  readonly scratchDir: () => string;
  /** Collects how long each SIGTERM took to end the process. */
  readonly sigtermToExit: string[];
}

let attemptsFiles = 0;

/**
 * Defines the end-to-end cases for one runtime client and format: singletons
 * across cold and warm invocations, a handler error, a failed @OnInit (a new
 * process for an ES module entry; a retry in the same process, and a retry
 * that fails too, for CommonJS), the @OnShutdown hooks on SIGTERM, and a slow
 * one cut at its deadline. Set E2E_TIMELINE=1 to print each test's timeline.
 */
export function runtimeCases(setup: RuntimeCaseSetup): void {
  const started: LocalRuntime[] = [];

  async function start(env: Record<string, string> = {}) {
    const runtime = await startLocalRuntime({
      entry: setup.entry(),
      functionName: 'orders',
      ...setup.client.options,
      env,
    });
    started.push(runtime);
    return runtime;
  }

  /** A file the fixture counts its INIT attempts in. */
  function attemptsFile(): string {
    return path.join(setup.scratchDir(), `init-attempts-${++attemptsFiles}`);
  }

  afterEach(async () => {
    const runtimes = started.splice(0);
    if (process.env.E2E_TIMELINE) {
      const name = expect.getState().currentTestName;
      for (const runtime of runtimes) {
        const lines = formatTimeline(runtime.timeline);
        process.stdout.write(`\n${name}\n${lines.join('\n')}\n`);
      }
    }
    await Promise.all(runtimes.map((runtime) => runtime.close()));
  });

  it('reuses the environment singletons from the cold invocation in the warm one', async () => {
    const runtime = await start();

    const cold = await runtime.invoke({ orderId: 'A-1' });
    const warm = await runtime.invoke({ orderId: 'A-2' });

    expect(cold).toMatchObject({
      outcome: 'ok',
      coldStart: true,
      result: {
        orderId: 'A-1',
        count: 1,
        node: expect.stringMatching(
          new RegExp(`^v${setup.client.nodeMajor}\\.`),
        ),
      },
    });
    expect(warm).toMatchObject({
      outcome: 'ok',
      coldStart: false,
      result: {
        orderId: 'A-2',
        count: 2,
        environmentId: resultOf(cold).environmentId,
        pid: resultOf(cold).pid,
      },
    });
    expect(hookSteps(runtime.logs)).toEqual(['Database.connect', 'Cache.warm']);
  });

  it('reports a handler error to Lambda with its name, message and trace', async () => {
    const runtime = await start();

    const failed = await runtime.invoke({ reject: 'order A-3 has no items' });
    const next = await runtime.invoke({ orderId: 'A-4' });

    expect(failed.outcome).toBe('error');
    expect(failed.error).toEqual({
      errorType: 'OrderRejectedError',
      errorMessage: 'order A-3 has no items',
      trace: expect.arrayContaining([
        'OrderRejectedError: order A-3 has no items',
        expect.stringContaining(setup.traceFile),
      ]),
    });
    expect(next).toMatchObject({
      outcome: 'ok',
      pid: failed.pid,
      result: { count: 1 },
    });
  });

  // An ES module entry awaits `handler.ready` at top level, so a failed
  // @OnInit rejects the module's evaluation: the runtime client posts
  // init/error and exits, and Lambda initialises a new process for the
  // next event. A CommonJS entry cannot wait while it loads: the module
  // loads fine, INIT fails in the background (the framework logs it) and
  // the runtime asks for events. The fixture's hooks are synchronous, so
  // that attempt has failed before any event can arrive; the first
  // invocation then starts INIT again inside the same process, and only
  // if that fails too does the invocation fail, with the init error.
  if (setup.format === 'esm') {
    it('reports a failed @OnInit as an init error naming it, then initialises a new process', async () => {
      const runtime = await start({ E2E_FAIL_INIT: attemptsFile() });

      const answer = await runtime.invoke({ orderId: 'A-5' });

      const [failed, retried] = initsOf(runtime);
      expect(failed).toMatchObject({
        phase: 'INIT',
        outcome: 'error',
        error: {
          errorType: 'LifecycleError',
          errorMessage: expect.stringContaining(
            '@OnInit on Database.connect: hook failed: connection refused',
          ),
        },
      });
      expect(retried).toMatchObject({
        phase: 'INIT',
        outcome: 'ok',
        reinit: 'init-error',
      });
      expect(retried.pid).not.toBe(failed.pid);
      expect(answer).toMatchObject({
        outcome: 'ok',
        coldStart: true,
        pid: retried.pid,
        result: { count: 1 },
      });
    });
  } else {
    it('logs a failed @OnInit and initialises again, in the same process, on the first invocation', async () => {
      const runtime = await start({ E2E_FAIL_INIT: attemptsFile() });

      const answer = await runtime.invoke({ orderId: 'A-5' });

      const [init] = initsOf(runtime);
      expect(init).toMatchObject({ phase: 'INIT', outcome: 'ok' });
      expect(texts(init.logs)).toContainEqual(
        expect.stringMatching(
          /"INIT failed".*@OnInit on Database\.connect: hook failed/,
        ),
      );
      expect(answer).toMatchObject({
        outcome: 'ok',
        pid: init.pid,
        result: { count: 1 },
      });
      expect(hookSteps(answer.logs)).toEqual([
        'Database.connect',
        'Cache.warm',
      ]);
    });

    it('fails the first invocation with the init error when the retry fails too, and initialises on the next', async () => {
      const runtime = await start({
        E2E_FAIL_INIT: attemptsFile(),
        E2E_FAIL_INIT_TIMES: '2',
      });

      const failed = await runtime.invoke({ orderId: 'A-6' });
      const next = await runtime.invoke({ orderId: 'A-7' });

      expect(runtime.timeline.map((entry) => entry.phase)).toEqual([
        'INIT',
        'INVOKE',
        'INVOKE',
      ]);
      expect(failed).toMatchObject({
        outcome: 'error',
        error: {
          errorType: 'LifecycleError',
          errorMessage: expect.stringContaining(
            '@OnInit on Database.connect: hook failed: connection refused',
          ),
        },
      });
      expect(next).toMatchObject({
        outcome: 'ok',
        pid: failed.pid,
        result: { count: 1 },
      });
      // Lambda ran INIT once for this environment, so only the first
      // invocation is cold, though the second one initialised again.
      expect([failed.coldStart, next.coldStart]).toEqual([true, false]);
    });
  }

  // Lambda sends SIGTERM only when an extension registered before the
  // runtime's first invocation/next. An ES module entry awaits the
  // framework's registration during INIT. A CommonJS entry cannot await;
  // both aws-lambda-ric versions ask for the first event as soon as the
  // module has been evaluated, so its generated entry registers blocking
  // (registerExtensionBlocking), which is what these cases prove for it.
  {
    it('runs every @OnShutdown hook in reverse dependency order on SIGTERM and exits by itself', async () => {
      const runtime = await start();
      await runtime.invoke({ orderId: 'A-8' });

      const report = await runtime.shutdown();

      setup.sigtermToExit.push(
        `  ${setup.label}: ${report.sigtermToExitMs?.toFixed(1)} ms`,
      );
      expect(runtime.timeline[0]).toMatchObject({
        extensions: [
          { name: 'lambda-lifecycle', kind: 'internal', events: [] },
        ],
      });
      expect(report).toMatchObject({
        signal: 'SIGTERM',
        killedAfterBudget: false,
        exitSignal: 'SIGTERM',
        sigtermToExitMs: expect.any(Number),
      });
      const steps = hookSteps(report.logs);
      // Cache and Outbox both use Database and not each other: they close
      // together, after the handler and before the database.
      expect(steps).toEqual([
        'OrdersHandler.stop',
        expect.any(String),
        expect.any(String),
        'Database.close',
      ]);
      expect(steps.slice(1, 3).sort()).toEqual(['Cache.close', 'Outbox.flush']);
      expect(texts(report.logs)).not.toContainEqual(
        expect.stringContaining('"level":"ERROR"'),
      );
      // The framework's shutdown line, as the SHUTDOWN row shows it.
      expect(report.steps?.map(({ name, outcome }) => [name, outcome])).toEqual(
        [
          ['OrdersHandler.stop', 'ok'],
          [steps[1], 'ok'],
          [steps[2], 'ok'],
          ['Database.close', 'ok'],
        ],
      );
      expect(shutdownRows(runtime)).toEqual([
        expect.stringMatching(/^SHUTDOWN {2}SIGTERM -> exit [\d.]+ ms {2}\(/),
        expect.stringMatching(
          /^ {10}@OnShutdown OrdersHandler\.stop +[\d.]+ ms {2}ok$/,
        ),
        expect.stringMatching(
          new RegExp(
            `^ {10}@OnShutdown ${steps[1].replace('.', '\\.')} .* ok$`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^ {10}@OnShutdown ${steps[2].replace('.', '\\.')} .* ok$`,
          ),
        ),
        expect.stringMatching(
          /^ {10}@OnShutdown Database\.close +[\d.]+ ms {2}ok$/,
        ),
      ]);
    });

    it('cuts a slow @OnShutdown hook at its deadline and still runs the others', async () => {
      const runtime = await start({ E2E_SLOW_FLUSH: '1' });
      await runtime.invoke({ orderId: 'A-9' });

      const report = await runtime.shutdown();

      setup.sigtermToExit.push(
        `  ${setup.label}, Outbox.flush cut at 100 ms: ${report.sigtermToExitMs?.toFixed(1)} ms`,
      );
      expect(report).toMatchObject({
        signal: 'SIGTERM',
        killedAfterBudget: false,
        exitSignal: 'SIGTERM',
      });
      const steps = hookSteps(report.logs);
      expect(steps).toHaveLength(4);
      expect(steps).toEqual(
        expect.arrayContaining([
          'OrdersHandler.stop',
          'Cache.close',
          'Outbox.flush',
        ]),
      );
      expect(steps[3]).toBe('Database.close');
      expect(texts(report.logs)).toContainEqual(
        expect.stringContaining('@OnShutdown on Outbox.flush: ran out of time'),
      );
      expect(report.steps).toHaveLength(4);
      expect(report.steps).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'OrdersHandler.stop',
            outcome: 'ok',
          }),
          expect.objectContaining({ name: 'Cache.close', outcome: 'ok' }),
          expect.objectContaining({
            name: 'Outbox.flush',
            outcome: 'timed-out',
          }),
          expect.objectContaining({ name: 'Database.close', outcome: 'ok' }),
        ]),
      );
      expect(shutdownRows(runtime)).toContainEqual(
        expect.stringMatching(
          /^ {10}@OnShutdown Outbox\.flush +[\d.]+ ms {2}timed-out$/,
        ),
      );
    });
  }
}

/** The SHUTDOWN row of the timeline and the step rows under it. */
function shutdownRows(runtime: LocalRuntime): string[] {
  const lines = formatTimeline(runtime.timeline, { quiet: true });
  return lines.slice(lines.findIndex((line) => line.startsWith('SHUTDOWN')));
}
