import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBuildCommand } from '../../src/cli/build-command';
import { runGenerateCommand } from '../../src/cli/generate-command';
import {
  formatTimeline,
  startLocalRuntime,
  type LocalRuntime,
} from '../../src/runtime/local';
import {
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

// The bundles `lambda-lifecycle build` makes from the generated entries,
// run under the real Lambda runtime interface clients: the same fixture as
// lambda-runtime.test.ts (compiled with tsc, which emits the decorator
// metadata). Each bundle runs from a copy of its folder outside the
// repository, as it would be deployed: with no node_modules to fall back
// on. Set E2E_TIMELINE=1 to print each test's timeline.

jest.setTimeout(30_000);

interface Case {
  readonly label: string;
  readonly format: Format;
  readonly nodeMajor: string;
  readonly options: ClientOptions;
}

const CASES: readonly Case[] = [
  {
    label: 'ES module bundle under aws-lambda-ric 4.0.2 on Node.js 24',
    format: 'esm',
    nodeMajor: '24',
    options: { runtime: 'ric', ricPackage: RIC_4, nodePath: NODE_24 },
  },
  {
    label: `CommonJS bundle under aws-lambda-ric 3.3.0 on Node.js ${NODE_MAJOR}`,
    format: 'cjs',
    nodeMajor: NODE_MAJOR,
    options: {
      runtime: 'ric',
      ricPackage: RIC_3,
      nodePath: process.execPath,
    },
  },
];

/**
 * Compiles the fixture into `dir`/handlers, generates both entries, bundles
 * each format into `dir`/<format>/orders/index.<ext>, and copies the bundle
 * folders into `deployed`.
 */
async function buildBundles(dir: string, deployed: string): Promise<void> {
  compileFixture(dir, { formats: ['esm', 'cjs'] });

  await runCommand(runGenerateCommand, [], dir);
  for (const format of ['esm', 'cjs']) {
    await runCommand(
      runBuildCommand,
      ['--format', format, '--out-dir', format],
      dir,
    );
    cpSync(path.join(dir, format), path.join(deployed, format), {
      recursive: true,
    });
  }
}

describe('bundles from lambda-lifecycle build under the Lambda runtime clients', () => {
  // Inside the package, so that the compiled fixture resolves
  // `lambda-lifecycle` by its own name when bundled; build/ is ignored.
  let workDir: string;
  let deployed: string;
  let attemptsFiles = 0;

  beforeAll(async () => {
    checkRuntimesInstalled();
    mkdirSync(path.join(ROOT, 'build'), { recursive: true });
    workDir = mkdtempSync(path.join(ROOT, 'build', 'e2e-bundle-'));
    deployed = mkdtempSync(path.join(os.tmpdir(), 'lambda-lifecycle-task-'));
    await buildBundles(workDir, deployed);
  });

  afterAll(() => {
    for (const dir of [workDir, deployed]) {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.each(CASES)('$label', ({ format, nodeMajor, options }) => {
    const started: LocalRuntime[] = [];
    const file = format === 'esm' ? 'index.mjs' : 'index.cjs';

    async function start(env: Record<string, string> = {}) {
      const runtime = await startLocalRuntime({
        entry: path.join(deployed, format, 'orders', file),
        functionName: 'orders',
        ...options,
        env,
      });
      started.push(runtime);
      return runtime;
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

      const cold = await runtime.invoke({ orderId: 'B-1' });
      const warm = await runtime.invoke({ orderId: 'B-2' });

      expect(cold).toMatchObject({
        outcome: 'ok',
        coldStart: true,
        result: {
          orderId: 'B-1',
          count: 1,
          node: expect.stringMatching(new RegExp(`^v${nodeMajor}\\.`)),
        },
      });
      expect(warm).toMatchObject({
        outcome: 'ok',
        coldStart: false,
        result: {
          orderId: 'B-2',
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

    it('reports a handler error to Lambda with its name, message and a trace into the bundle', async () => {
      const runtime = await start();

      const failed = await runtime.invoke({ reject: 'order B-3 has no items' });
      const next = await runtime.invoke({ orderId: 'B-4' });

      expect(failed.outcome).toBe('error');
      expect(failed.error).toEqual({
        errorType: 'OrderRejectedError',
        errorMessage: 'order B-3 has no items',
        trace: expect.arrayContaining([
          'OrderRejectedError: order B-3 has no items',
          expect.stringContaining(file),
        ]),
      });
      expect(next).toMatchObject({ outcome: 'ok', result: { count: 1 } });
    });

    it('names the class and hook of a failed @OnInit, as unbundled code does', async () => {
      const runtime = await start({
        E2E_FAIL_INIT: path.join(deployed, `attempts-${++attemptsFiles}`),
        E2E_FAIL_INIT_TIMES: '1',
      });

      await runtime.invoke({ orderId: 'B-5' });

      const [init] = initsOf(runtime);
      const failure = '@OnInit on Database.connect: hook failed';
      const reported = [
        init.error?.errorMessage ?? '',
        ...texts(init.logs),
      ].join('\n');
      expect(reported).toContain(failure);
    });

    it('runs every @OnShutdown hook in reverse dependency order on SIGTERM and exits by itself', async () => {
      const runtime = await start();
      await runtime.invoke({ orderId: 'B-6' });

      const report = await runtime.shutdown();

      expect(runtime.timeline[0]).toMatchObject({
        extensions: [
          { name: 'lambda-lifecycle', kind: 'internal', events: [] },
        ],
      });
      expect(report).toMatchObject({
        signal: 'SIGTERM',
        killedAfterBudget: false,
        exitSignal: 'SIGTERM',
      });
      const steps = hookSteps(report.logs);
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
    });
  });
});
