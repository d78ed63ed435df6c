import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBuildCommand } from '../../src/cli/build-command';
import { runGenerateCommand } from '../../src/cli/generate-command';
import { CapturedIo } from '../cli/temp-project';
import { statusKey } from '../../samples/order-events/order-events.handler';
import { startConfigAgent, type ConfigAgent } from './config-agent';
import { invalidEmfLines, reportOn } from './emf-lines';
import {
  POSTGRES_URL,
  PostgresServer,
  uniqueName,
  urlWithSchema,
} from './postgres-server';
import { REDIS_URL, RedisServer } from './redis-server';
import { sampleEvent } from './sample-events';
import {
  SampleProcesses,
  expectWarm,
  servesOnOneConnection,
  texts,
} from './sample-runs';
import {
  ConnectionReport,
  POSTGRES_GOODBYE,
  REDIS_GOODBYE,
} from './server-connections';

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

describe('the sample bundles from lambda-lifecycle build', () => {
  const report = new ConnectionReport(
    'From the server, sample bundles under the local runtime:',
  );
  let bundles: string;
  let deployed: string;
  let built: string;
  const processes = new SampleProcesses((sample) =>
    path.join(deployed, sample, 'index.mjs'),
  );
  const start = processes.start.bind(processes);

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

  afterEach(() => processes.closeAll());

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
      const relay = await processes.relayTo(POSTGRES_URL);
      const runtime = await start('orders', {
        functionName: name,
        env: { DATABASE_URL: urlWithSchema(schema, relay.url(POSTGRES_URL)) },
      });
      const sample = {
        runtime,
        relay,
        connections: () => server.connections(name),
      };

      const cold = await runtime.invoke(sampleEvent('orders', 'create-order'));
      const shutdown = await servesOnOneConnection(sample, {
        label: 'PostgreSQL, orders bundle',
        report,
        goodbye: POSTGRES_GOODBYE,
        warmInvocations: WARM_INVOCATIONS,
        invokeWarm: async () => {
          const entry = await runtime.invoke(
            sampleEvent('orders', 'get-order'),
          );
          expectWarm(entry, { statusCode: 200 });
        },
      });

      expect(cold).toMatchObject({
        coldStart: true,
        result: { statusCode: 201 },
      });
      expect(texts(shutdown.logs)).toContain('"database pool closed"');
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
      const relay = await processes.relayTo(REDIS_URL);
      const runtime = await start('order-events', {
        functionName: name,
        env: { REDIS_URL: relay.url(REDIS_URL), CACHE_KEY_PREFIX: prefix },
      });
      const sample = {
        runtime,
        relay,
        connections: () => server.connections(name),
      };
      const batch = sampleEvent('order-events', 'batch');

      const cold = await runtime.invoke(batch);
      await servesOnOneConnection(sample, {
        label: 'Redis, order-events bundle',
        report,
        goodbye: REDIS_GOODBYE,
        warmInvocations: WARM_INVOCATIONS,
        invokeWarm: async () => {
          expectWarm(await runtime.invoke(batch));
        },
      });

      expect(cold).toMatchObject({
        coldStart: true,
        result: { batchItemFailures: [expect.any(Object)] },
      });
      expect(await server.get(prefix + statusKey('A-1003'))).toBe('shipped');
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
    const { emf } = processes;
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
