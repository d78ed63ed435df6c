import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runGenerateCommand } from '../../src/cli/generate-command';
import {
  formatTimeline,
  startLocalRuntime,
  type LocalRuntime,
} from '../../src/runtime/local';
import {
  NODE_20,
  NODE_24,
  NODE_MAJOR,
  RIC_3,
  RIC_4,
  ROOT,
  checkRuntimesInstalled,
  compileFixture,
  hookSteps,
  initsOf,
  resultOf,
  runCommand,
  texts,
  type ClientOptions,
  type Format,
} from './e2e-support';

// Generated entries, ES module and CommonJS, run under the real Lambda
// runtime interface clients, driven by the local runtime. The fixture
// handler is compiled with tsc and imports the package by name (dist/, built
// by global-setup); the entries come from the generate command. Set
// E2E_TIMELINE=1 to print each test's timeline.

// Child processes on a 2-core machine: well under a second per test.
jest.setTimeout(30_000);

interface RuntimeClient {
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

const MATRIX: readonly (readonly [RuntimeClient, Format])[] = [
  [RIC_3_ON_NODE_20, 'esm'],
  [RIC_3_ON_NODE_20, 'cjs'],
  [RIC_4_ON_NODE_24, 'esm'],
  [RIC_4_ON_NODE_24, 'cjs'],
  [BUILTIN_ON_THIS_NODE, 'esm'],
];

const FORMAT_NAMES: Readonly<Record<Format, string>> = {
  esm: 'ES module entry',
  cjs: 'CommonJS entry',
};

/** The SHUTDOWN row of the timeline and the step rows under it. */
function shutdownRows(runtime: LocalRuntime): string[] {
  const lines = formatTimeline(runtime.timeline, { quiet: true });
  return lines.slice(lines.findIndex((line) => line.startsWith('SHUTDOWN')));
}

/** Compiles the fixture into `dir`/handlers and generates both entries. */
async function buildEntries(dir: string): Promise<void> {
  compileFixture(dir);
  for (const format of ['esm', 'cjs']) {
    const argv = ['--config', 'lambda-lifecycle.config.json'];
    await runCommand(
      runGenerateCommand,
      [...argv, '--format', format, '--out-dir', format],
      dir,
    );
  }
}

describe('generated entries under the Lambda runtime clients', () => {
  // Inside the package, so that the entries and the compiled fixture
  // resolve `lambda-lifecycle` to dist/ by its own name; build/ is ignored.
  let workDir: string;
  const sigtermToExit: string[] = [];
  let attemptsFiles = 0;

  beforeAll(async () => {
    checkRuntimesInstalled();
    mkdirSync(path.join(ROOT, 'build'), { recursive: true });
    workDir = mkdtempSync(path.join(ROOT, 'build', 'e2e-'));
    await buildEntries(workDir);
  });

  afterAll(() => {
    if (workDir !== undefined) {
      rmSync(workDir, { recursive: true, force: true });
    }
    if (sigtermToExit.length > 0) {
      process.stdout.write(`SIGTERM to exit:\n${sigtermToExit.join('\n')}\n`);
    }
  });

  describe.each(
    MATRIX.map(([client, format]) => ({
      client,
      format,
      label: `${client.name}, ${FORMAT_NAMES[format]}`,
    })),
  )('$label', ({ client, format, label }) => {
    const started: LocalRuntime[] = [];

    async function start(env: Record<string, string> = {}) {
      const file = format === 'esm' ? 'orders.mjs' : 'orders.cjs';
      const runtime = await startLocalRuntime({
        entry: path.join(workDir, format, file),
        ...client.options,
        env,
      });
      started.push(runtime);
      return runtime;
    }

    /** A file the fixture counts its INIT attempts in. */
    function attemptsFile(): string {
      return path.join(workDir, `init-attempts-${++attemptsFiles}`);
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
          node: expect.stringMatching(new RegExp(`^v${client.nodeMajor}\\.`)),
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
      expect(hookSteps(runtime.logs)).toEqual([
        'Database.connect',
        'Cache.warm',
      ]);
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
          expect.stringContaining('orders.handler.js'),
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
    if (format === 'esm') {
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
    // (shutdownSignal: 'blocking'), which is what these cases prove for it.
    {
      it('runs every @OnShutdown hook in reverse dependency order on SIGTERM and exits by itself', async () => {
        const runtime = await start();
        await runtime.invoke({ orderId: 'A-8' });

        const report = await runtime.shutdown();

        sigtermToExit.push(
          `  ${label}: ${report.sigtermToExitMs?.toFixed(1)} ms`,
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
        expect(steps.slice(1, 3).sort()).toEqual([
          'Cache.close',
          'Outbox.flush',
        ]);
        expect(texts(report.logs)).not.toContainEqual(
          expect.stringContaining('"level":"ERROR"'),
        );
        // The framework's shutdown line, as the SHUTDOWN row shows it.
        expect(
          report.steps?.map(({ name, outcome }) => [name, outcome]),
        ).toEqual([
          ['OrdersHandler.stop', 'ok'],
          [steps[1], 'ok'],
          [steps[2], 'ok'],
          ['Database.close', 'ok'],
        ]);
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

        sigtermToExit.push(
          `  ${label}, Outbox.flush cut at 100 ms: ${report.sigtermToExitMs?.toFixed(1)} ms`,
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
          expect.stringContaining(
            '@OnShutdown on Outbox.flush: ran out of time',
          ),
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
  });
});
