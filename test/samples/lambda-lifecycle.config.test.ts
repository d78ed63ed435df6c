import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runGenerateCommand } from '../../src/cli/generate-command';
import type {
  LocalRuntime,
  LocalRuntimeOptions,
} from '../../src/runtime/local';
import { CapturedIo } from '../cli/temp-project';
import { statusKey } from '../../samples/order-events/order-events.handler';
import { startConfigAgent, type ConfigAgent } from './config-agent';
import { invalidEmfLines, reportOn } from './emf-lines';
import { sampleEvent } from './sample-events';
import {
  POSTGRES_URL,
  PostgresServer,
  uniqueName,
  urlWithSchema,
} from './postgres-server';
import { REDIS_URL, RedisServer } from './redis-server';
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
  afterShutdown,
  shutdownProblems,
  type Goodbye,
} from './server-connections';
import type { TcpRelay } from './tcp-relay';

// The samples as Lambda runs them: the entries `generate` writes from
// samples/lambda-lifecycle.config.json, each in a child process under the
// local Runtime API (built-in runtime client), shut down by SIGTERM. The
// handlers are the compiled ones in dist/ (global-setup builds it). The
// pooled clients reach their servers through a relay of the test's, which
// counts every connection and keeps what the client sent; what is open is
// asked of the servers. A process that exits closes its sockets whatever
// its hooks did, so "none left after SIGTERM" alone proves nothing: the
// relay shows that the client said goodbye first (PostgreSQL's Terminate,
// Redis's QUIT), which only the @OnShutdown hook ending the pool does.

// Child processes, an embedded PostgreSQL and 100 invocations each.
jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const CONFIG = path.join(ROOT, 'samples', 'lambda-lifecycle.config.json');
const WARM_INVOCATIONS = 100;

/** Ends the environment with SIGKILL, as Lambda does with no extension. */
async function killed(runtime: LocalRuntime): Promise<void> {
  await runtime.close();
}

/**
 * The shutdown problems once the process is gone, expecting the server to
 * hold none of its connections: the exit closed them, but not gracefully.
 */
async function abruptlyClosed(
  relay: TcpRelay,
  connections: () => Promise<string[]>,
  goodbye: Goodbye,
): Promise<string[]> {
  const after = await afterShutdown(relay, connections, goodbye);
  expect(after).toMatchObject({ left: [], open: 0, accepted: 1 });
  return shutdownProblems(after, goodbye);
}

describe('samples/lambda-lifecycle.config.json', () => {
  const report = new ConnectionReport(
    'From the server, generated entries under the local runtime:',
  );
  let entries: string;
  const processes = new SampleProcesses((sample) =>
    path.join(entries, `${sample}.mjs`),
  );
  const start = (
    sample: string,
    options: Omit<LocalRuntimeOptions, 'entry'> = {},
  ) => processes.start(sample, options);

  beforeAll(async () => {
    mkdirSync(path.join(ROOT, 'build'), { recursive: true });
    // Inside the package, so the entries find `lambda-lifecycle` by name.
    entries = mkdtempSync(path.join(ROOT, 'build', 'samples-'));
    const io = new CapturedIo(ROOT);
    const argv = ['--config', CONFIG, '--out-dir', entries, '--format', 'esm'];

    const code = await runGenerateCommand(argv, io);

    if (code !== 0) throw new Error(`generate exited ${code}:\n${io.err}`);
  });

  afterEach(() => processes.closeAll());

  afterAll(() => {
    if (entries !== undefined)
      rmSync(entries, { recursive: true, force: true });
    report.print();
  });

  describe('orders, on the PostgreSQL server', () => {
    let server: PostgresServer;
    const schema = uniqueName('orders_entry');

    beforeAll(async () => {
      server = await PostgresServer.connect();
      await server.createSchema(schema);
    });

    afterAll(async () => {
      await server?.dropSchema(schema);
      await server?.close();
    });

    /** The orders entry on the server, through a relay. */
    async function startOrders(name: string) {
      const relay = await processes.relayTo(POSTGRES_URL);
      const runtime = await start('orders', {
        // The pool names its connections after the function.
        functionName: name,
        env: { DATABASE_URL: urlWithSchema(schema, relay.url(POSTGRES_URL)) },
      });
      return { relay, runtime, connections: () => server.connections(name) };
    }

    it('serves 100 warm invocations on the connection INIT opened, and ends it with Terminate on SIGTERM', async () => {
      const sample = await startOrders(uniqueName('orders'));
      const cold = await sample.runtime.invoke(
        sampleEvent('orders', 'create-order'),
      );
      const { id } = JSON.parse((cold.result as { body: string }).body);
      const get = sampleEvent('orders', 'get-order') as Record<string, never>;
      const read = { ...get, pathParameters: { id }, rawPath: `/orders/${id}` };

      const shutdown = await servesOnOneConnection(sample, {
        label: 'PostgreSQL, orders.mjs',
        report,
        goodbye: POSTGRES_GOODBYE,
        warmInvocations: WARM_INVOCATIONS,
        invokeWarm: async (index) => {
          const event =
            index % 2 ? sampleEvent('orders', 'create-order') : read;
          expectWarm(await sample.runtime.invoke(event), {
            statusCode: index % 2 ? 201 : 200,
          });
        },
      });

      expect(cold).toMatchObject({
        coldStart: true,
        result: { statusCode: 201 },
      });
      expect(texts(shutdown.logs)).toMatch(
        /"database pool closed".*"opened":1,"open":0/,
      );
    });

    it('tells an environment killed without its @OnShutdown hooks, though the server is left with none either', async () => {
      const { relay, runtime, connections } = await startOrders(
        uniqueName('orders'),
      );
      await runtime.invoke(sampleEvent('orders', 'create-order'));

      await killed(runtime);

      expect(
        await abruptlyClosed(relay, connections, POSTGRES_GOODBYE),
      ).toEqual(['1 of 1 connections closed without Terminate']);
    });
  });

  describe('orders, with no DATABASE_URL', () => {
    it('runs on the embedded PostgreSQL, as npm start does', async () => {
      // initdb in WebAssembly takes seconds; on a busy machine, more.
      const runtime = await start('orders', { initTimeoutMs: 60_000 });

      const answers = [];
      for (const name of [
        'create-order',
        'get-order',
        'missing-order',
        'bad-order',
      ]) {
        answers.push(await runtime.invoke(sampleEvent('orders', name)));
      }
      const shutdown = await runtime.shutdown();

      expect(texts(runtime.timeline[0].logs)).toContain(
        '"embedded database opened"',
      );
      expect(answers.map((answer) => answer.result)).toEqual([
        expect.objectContaining({ statusCode: 201 }),
        expect.objectContaining({ statusCode: 200 }),
        expect.objectContaining({ statusCode: 404 }),
        expect.objectContaining({ statusCode: 400 }),
      ]);
      expect(JSON.parse((answers[1].result as { body: string }).body)).toEqual({
        id: '1',
        item: 'green tea',
        quantity: 2,
      });
      expect(shutdown).toMatchObject({
        signal: 'SIGTERM',
        exitSignal: 'SIGTERM',
      });
      expect(texts(shutdown.logs)).toContain('"embedded database closed"');
    });
  });

  describe('order-events, on the Redis server', () => {
    let server: RedisServer;
    const prefix = `${uniqueName('order-events')}:`;

    beforeAll(async () => {
      server = await RedisServer.connect();
    });

    afterAll(async () => {
      await server?.deleteKeys(prefix);
      await server?.close();
    });

    /** The order-events entry on the server, through a relay. */
    async function startOrderEvents(
      name: string,
      options: Omit<LocalRuntimeOptions, 'entry'> = {},
      env: Record<string, string> = {},
    ) {
      const relay = await processes.relayTo(REDIS_URL);
      const runtime = await start('order-events', {
        // The client names its connection after the function.
        functionName: name,
        ...options,
        env: {
          REDIS_URL: relay.url(REDIS_URL),
          CACHE_KEY_PREFIX: prefix,
          ...env,
        },
      });
      return { relay, runtime, connections: () => server.connections(name) };
    }

    it('serves 100 warm invocations on the connection INIT opened, and ends it with QUIT on SIGTERM', async () => {
      const sample = await startOrderEvents(uniqueName('order-events'));
      const batch = sampleEvent('order-events', 'batch');
      const cold = await sample.runtime.invoke(batch);

      const shutdown = await servesOnOneConnection(sample, {
        label: 'Redis, order-events.mjs',
        report,
        goodbye: REDIS_GOODBYE,
        warmInvocations: WARM_INVOCATIONS,
        invokeWarm: async () => {
          expectWarm(await sample.runtime.invoke(batch));
        },
      });

      expect(cold).toMatchObject({
        coldStart: true,
        result: {
          batchItemFailures: [
            { itemIdentifier: '0b9e7c55-5d1a-4f0e-8f3c-2c8d9e1a7b02' },
          ],
        },
      });
      expect(await server.get(prefix + statusKey('A-1003'))).toBe('shipped');
      expect(texts(shutdown.logs)).toMatch(/"cache closed".*"opened":1/);
    });

    it('reports every message of a batch when the cache goes away in the middle of it, within the function timeout', async () => {
      const { relay, runtime } = await startOrderEvents(
        uniqueName('order-events'),
        { timeoutMs: 3_000 },
        { CACHE_COMMAND_TIMEOUT_MS: '500' },
      );
      const batch = sampleEvent('order-events', 'batch') as {
        Records: { messageId: string }[];
      };
      await runtime.invoke(batch);

      // The first SET of the next batch never reaches the server: the
      // connection is closed, and the reconnection is accepted but never
      // answered, as a server that vanished behind a network looks.
      relay.cutWhen((data) => /\$3\r\nset\r\n/i.test(data.toString()));
      const cut = await runtime.invoke(batch);

      expect(relay.connections[0].end).toBe('cut');
      expect(cut).toMatchObject({ outcome: 'ok' });
      expect(cut.result).toEqual({
        batchItemFailures: batch.Records.map(({ messageId }) => ({
          itemIdentifier: messageId,
        })),
      });
      expect(texts(cut.logs)).toMatch(
        /"order event not processed".*"reason":"Command timed out".*"retryable":true/,
      );
    });

    it('tells an environment killed without its @OnShutdown hooks, though the server is left with none either', async () => {
      const { relay, runtime, connections } = await startOrderEvents(
        uniqueName('order-events'),
      );
      await runtime.invoke(sampleEvent('order-events', 'batch'));

      await killed(runtime);

      expect(await abruptlyClosed(relay, connections, REDIS_GOODBYE)).toEqual([
        '1 of 1 connections closed without QUIT',
      ]);
    });
  });

  describe('pricing, with its configuration served over HTTP', () => {
    let agent: ConfigAgent;

    beforeAll(async () => {
      agent = await startConfigAgent();
    });

    afterAll(async () => {
      await agent?.close();
    });

    it('loads the configuration once and prices every quote with it', async () => {
      const runtime = await start('pricing', {
        env: { PRICING_CONFIG_URL: agent.url },
      });

      const first = await runtime.invoke(sampleEvent('pricing', 'quote'));
      const second = await runtime.invoke(sampleEvent('pricing', 'quote'));

      expect(first.result).toMatchObject({ total: 4_080, configVersion: '3' });
      expect(second.result).toEqual(first.result);
      expect(agent.requests()).toBe(1);
    });
  });

  // Runs last: the lines are those every test above made the entries print.
  it('prints valid EMF lines, which lambda-lifecycle report summarises', async () => {
    const { emf } = processes;
    const report = await reportOn(emf);

    expect(emf.length).toBeGreaterThan(WARM_INVOCATIONS);
    expect(invalidEmfLines(emf)).toEqual([]);
    expect(report).toMatchObject({ code: 0, err: '' });
    expect(report.json).toMatchObject({
      functions: expect.arrayContaining(['pricing']),
      initFailures: 0,
      errors: 0,
    });
    expect(report.text).toContain('Connection reuse');
  });
});
