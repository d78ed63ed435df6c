import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBuildCommand } from '../../src/cli/build-command';
import { runGenerateCommand } from '../../src/cli/generate-command';
import {
  startLocalRuntime,
  type LocalRuntime,
  type LocalRuntimeOptions,
  type LogLine,
} from '../../src/runtime/local';
import { CapturedIo } from '../cli/temp-project';
import { statusKey } from '../../samples/order-events/order-events.handler';
import { startConfigAgent, type ConfigAgent } from './config-agent';
import { emfLines, invalidEmfLines, reportOn } from './emf-lines';
import {
  POSTGRES_URL,
  PostgresServer,
  uniqueName,
  urlWithSchema,
} from './postgres-server';
import { REDIS_URL, RedisServer } from './redis-server';
import { sampleEvent } from './sample-events';
import {
  ConnectionReport,
  POSTGRES_GOODBYE,
  REDIS_GOODBYE,
  afterShutdown,
  reuseProblems,
  shutdownProblems,
  watchWarmInvocations,
} from './server-connections';
import { TcpRelay } from './tcp-relay';

// The samples as they would be deployed: `lambda-lifecycle generate` and
// `lambda-lifecycle build` on samples/lambda-lifecycle.config.json (which
// leaves pglite out of the bundles), each bundle folder copied out of the
// repository, so that it has no node_modules to fall back on, then run
// under the local runtime (built-in client): INIT, a cold invocation, warm
// ones, SIGTERM. The pooled clients reach the real servers through a relay
// of the test's, as in lambda-lifecycle.config.test.ts.

// Child processes and 100 invocations per pooled sample.
jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const CONFIG = path.join(ROOT, 'samples', 'lambda-lifecycle.config.json');
const WARM_INVOCATIONS = 100;
const SAMPLES = ['order-events', 'orders', 'pricing'];

function texts(lines: readonly LogLine[]): string {
  return lines.map((line) => line.text).join('\n');
}

describe('the sample bundles from lambda-lifecycle build', () => {
  const report = new ConnectionReport(
    'From the server, sample bundles under the local runtime:',
  );
  const started: LocalRuntime[] = [];
  const relays: TcpRelay[] = [];
  const emf: string[] = [];
  let bundles: string;
  let deployed: string;
  let built: string;

  async function start(
    sample: string,
    options: Omit<LocalRuntimeOptions, 'entry'> = {},
  ) {
    const runtime = await startLocalRuntime({
      entry: path.join(deployed, sample, 'index.mjs'),
      functionName: sample,
      ...options,
    });
    started.push(runtime);
    return runtime;
  }

  async function relayTo(url: string): Promise<TcpRelay> {
    const relay = await TcpRelay.start(url);
    relays.push(relay);
    return relay;
  }

  beforeAll(async () => {
    mkdirSync(path.join(ROOT, 'build'), { recursive: true });
    // Bundled inside the package, so that the handlers find
    // `lambda-lifecycle` by name; run from outside it.
    bundles = mkdtempSync(path.join(ROOT, 'build', 'sample-bundles-'));
    deployed = mkdtempSync(path.join(os.tmpdir(), 'lambda-lifecycle-samples-'));

    const generate = new CapturedIo(ROOT);
    if ((await runGenerateCommand(['--config', CONFIG], generate)) !== 0) {
      throw new Error(`generate failed:\n${generate.err}`);
    }
    const build = new CapturedIo(ROOT);
    const argv = ['--config', CONFIG, '--out-dir', bundles];
    if ((await runBuildCommand(argv, build)) !== 0) {
      throw new Error(`build failed:\n${build.err}`);
    }
    built = build.out;
    for (const sample of SAMPLES) {
      cpSync(path.join(bundles, sample), path.join(deployed, sample), {
        recursive: true,
      });
    }
  });

  afterEach(async () => {
    const runtimes = started.splice(0);
    await Promise.all(runtimes.map((runtime) => runtime.close()));
    emf.push(...runtimes.flatMap((runtime) => emfLines(runtime.logs)));
    await Promise.all(relays.splice(0).map((relay) => relay.close()));
  });

  afterAll(() => {
    for (const dir of [bundles, deployed]) {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
    process.stdout.write(`lambda-lifecycle build, the samples:\n${built}`);
    report.print();
  });

  it('bundles every sample, each size printed, pglite left out', () => {
    const rows = built.split('\n').filter((line) => /\d B /.test(line));

    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(SAMPLES);
    expect(built).not.toContain('pglite');
    expect(built).toContain('checked 3 handlers');
  });

  describe('orders', () => {
    let server: PostgresServer;
    const schema = uniqueName('orders_bundle');

    beforeAll(async () => {
      server = await PostgresServer.connect();
      await server.createSchema(schema);
    });

    afterAll(async () => {
      await server?.dropSchema(schema);
      await server?.close();
    });

    it('serves a cold and 100 warm invocations on one connection, ended with Terminate on SIGTERM', async () => {
      const name = uniqueName('orders');
      const relay = await relayTo(POSTGRES_URL);
      const connections = () => server.connections(name);
      const runtime = await start('orders', {
        functionName: name,
        env: { DATABASE_URL: urlWithSchema(schema, relay.url(POSTGRES_URL)) },
      });

      const cold = await runtime.invoke(sampleEvent('orders', 'create-order'));
      const warm = await watchWarmInvocations(
        relay,
        connections,
        async () => {
          const entry = await runtime.invoke(
            sampleEvent('orders', 'get-order'),
          );
          expect(entry).toMatchObject({
            outcome: 'ok',
            coldStart: false,
            result: { statusCode: 200 },
          });
        },
        WARM_INVOCATIONS,
      );
      const shutdown = await runtime.shutdown();
      const after = await afterShutdown(relay, connections, POSTGRES_GOODBYE);

      report.add(
        'PostgreSQL, orders bundle',
        warm,
        WARM_INVOCATIONS,
        after,
        POSTGRES_GOODBYE,
      );
      expect(cold).toMatchObject({
        coldStart: true,
        result: { statusCode: 201 },
      });
      expect(reuseProblems(warm)).toEqual([]);
      expect(shutdown).toMatchObject({
        signal: 'SIGTERM',
        killedAfterBudget: false,
      });
      expect(texts(shutdown.logs)).toContain('"database pool closed"');
      expect(shutdownProblems(after, POSTGRES_GOODBYE)).toEqual([]);
    });

    it('fails INIT without DATABASE_URL, saying to set it, as pglite is not in the bundle', async () => {
      const runtime = await start('orders');

      const answer = await runtime.invoke(sampleEvent('orders', 'get-order'));

      const [init] = runtime.timeline;
      expect(init).toMatchObject({
        phase: 'INIT',
        outcome: 'error',
        error: {
          errorMessage: expect.stringContaining(
            '@OnInit on EmbeddedDatabase.open: hook failed',
          ),
        },
      });
      expect(
        (init as { error: { errorMessage: string } }).error.errorMessage,
      ).toContain('Set DATABASE_URL to use a PostgreSQL server');
      expect(answer.outcome).toBe('error');
    });
  });

  describe('order-events', () => {
    let server: RedisServer;
    const prefix = `${uniqueName('order-events-bundle')}:`;

    beforeAll(async () => {
      server = await RedisServer.connect();
    });

    afterAll(async () => {
      await server?.deleteKeys(prefix);
      await server?.close();
    });

    it('serves a cold and 100 warm invocations on one connection, ended with QUIT on SIGTERM', async () => {
      const name = uniqueName('order-events');
      const relay = await relayTo(REDIS_URL);
      const connections = () => server.connections(name);
      const runtime = await start('order-events', {
        functionName: name,
        env: { REDIS_URL: relay.url(REDIS_URL), CACHE_KEY_PREFIX: prefix },
      });
      const batch = sampleEvent('order-events', 'batch');

      const cold = await runtime.invoke(batch);
      const warm = await watchWarmInvocations(
        relay,
        connections,
        async () => {
          const entry = await runtime.invoke(batch);
          expect(entry).toMatchObject({ outcome: 'ok', coldStart: false });
        },
        WARM_INVOCATIONS,
      );
      const shutdown = await runtime.shutdown();
      const after = await afterShutdown(relay, connections, REDIS_GOODBYE);

      report.add(
        'Redis, order-events bundle',
        warm,
        WARM_INVOCATIONS,
        after,
        REDIS_GOODBYE,
      );
      expect(cold).toMatchObject({
        coldStart: true,
        result: { batchItemFailures: [expect.any(Object)] },
      });
      expect(await server.get(prefix + statusKey('A-1003'))).toBe('shipped');
      expect(reuseProblems(warm)).toEqual([]);
      expect(shutdown).toMatchObject({
        signal: 'SIGTERM',
        killedAfterBudget: false,
      });
      expect(shutdownProblems(after, REDIS_GOODBYE)).toEqual([]);
    });
  });

  describe('pricing', () => {
    let agent: ConfigAgent;

    beforeAll(async () => {
      agent = await startConfigAgent();
    });

    afterAll(async () => {
      await agent?.close();
    });

    it('loads its configuration once for a cold and a warm invocation, and stops on SIGTERM', async () => {
      const runtime = await start('pricing', {
        env: { PRICING_CONFIG_URL: agent.url },
      });

      const cold = await runtime.invoke(sampleEvent('pricing', 'quote'));
      const warm = await runtime.invoke(sampleEvent('pricing', 'quote'));
      const shutdown = await runtime.shutdown();

      expect(cold).toMatchObject({
        coldStart: true,
        result: { total: 4_080, configVersion: '3' },
      });
      expect(warm).toMatchObject({ coldStart: false, result: cold.result });
      expect(agent.requests()).toBe(1);
      expect(shutdown).toMatchObject({
        signal: 'SIGTERM',
        killedAfterBudget: false,
        exitSignal: 'SIGTERM',
      });
    });
  });

  // Runs last: the lines are those every test above made the bundles print.
  it('prints valid EMF lines, which lambda-lifecycle report summarises', async () => {
    const summary = await reportOn(emf);

    expect(emf.length).toBeGreaterThan(2 * WARM_INVOCATIONS);
    expect(invalidEmfLines(emf)).toEqual([]);
    expect(summary).toMatchObject({ code: 0, err: '' });
    expect(summary.json).toMatchObject({
      functions: expect.arrayContaining(['orders', 'pricing']),
      // The orders bundle without DATABASE_URL: INIT fails, and again when
      // Lambda initialises anew for the event; no handler ever ran.
      initFailures: 2,
      errors: 0,
    });
  });
});
