import { Client } from 'pg';
import { inject, injectable } from 'tsyringe';
import { LifecycleError, OnInit, type ProviderSpec } from 'lambda-lifecycle';
import { createTestBed, type TestBed } from 'lambda-lifecycle/testing';
import {
  DATABASE,
  DATABASE_SETTINGS,
  type Database,
  type DatabaseSettings,
  type Row,
} from '../../../samples/orders/database';
import { databaseProviders } from '../../../samples/orders/database-providers';
import { PostgresDatabase } from '../../../samples/orders/postgres-database';
import { OrdersHandler } from '../../../samples/orders/orders.handler';
import {
  POSTGRES_URL,
  PostgresServer,
  settledConnections,
  uniqueName,
  urlWithSchema,
} from '../postgres-server';
import {
  ConnectionReport,
  POSTGRES_GOODBYE,
  afterShutdown,
  reuseProblems,
  shutdownProblems,
  watchWarmInvocations,
} from '../server-connections';
import { TcpRelay } from '../tcp-relay';
import { bodyOf, httpEvent } from './http-event';

const WARM_INVOCATIONS = 100;

// 100 invocations, and a few seconds of waiting for connections that are
// never closed, in the test of a provider that leaves them open.
jest.setTimeout(30_000);

/** The usual mistake: a new connection for every query, ended after it. */
@injectable()
class ConnectionPerQueryDatabase implements Database {
  constructor(
    @inject(DATABASE_SETTINGS) private readonly settings: DatabaseSettings,
  ) {}

  async query<R extends object = Row>(
    text: string,
    params: readonly unknown[] = [],
  ): Promise<R[]> {
    const client = new Client({
      connectionString: this.settings.url,
      application_name: this.settings.applicationName,
    });
    await client.connect();
    try {
      return (await client.query(text, [...params])).rows;
    } finally {
      await client.end();
    }
  }
}

/** Another mistake: a pool opened at INIT and never ended. */
@injectable()
class NeverEndedDatabase implements Database {
  readonly #pool: PostgresDatabase;

  constructor(@inject(DATABASE_SETTINGS) settings: DatabaseSettings) {
    this.#pool = new PostgresDatabase(settings, {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    });
  }

  @OnInit()
  open(): Promise<void> {
    return this.#pool.open();
  }

  query<R extends object = Row>(text: string, params?: readonly unknown[]) {
    return this.#pool.query<R>(text, params);
  }

  /** What the test does once it has looked. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** The providers, with `database` in place of the sample's pool. */
function withDatabase(
  providers: ProviderSpec[],
  database: new (...args: never[]) => Database,
): ProviderSpec[] {
  return [
    ...providers.filter((spec) => spec.token !== DATABASE),
    { token: DATABASE, useClass: database },
  ];
}

describe(PostgresDatabase.name, () => {
  const report = new ConnectionReport(
    'PostgreSQL, from the server (in-process):',
  );
  let server: PostgresServer;
  let schema: string;
  const beds: TestBed[] = [];
  const relays: TcpRelay[] = [];

  /** An orders environment on the server; its connections carry `name`. */
  async function start(
    name: string,
    url = urlWithSchema(schema),
    database?: new (...args: never[]) => Database,
  ) {
    const providers = databaseProviders({
      DATABASE_URL: url,
      AWS_LAMBDA_FUNCTION_NAME: name,
    });
    const bed = await createTestBed(OrdersHandler, {
      providers: database ? withDatabase(providers, database) : providers,
    });
    beds.push(bed);
    return bed;
  }

  /**
   * An environment reaching the server through a relay, a cold and 100
   * warm invocations (reads and writes), then its shutdown: what the relay
   * and the server saw.
   */
  async function hundredWarmInvocations(
    provider?: new (...args: never[]) => Database,
  ) {
    const name = uniqueName('orders');
    const relay = await TcpRelay.start(POSTGRES_URL);
    relays.push(relay);
    const bed = await start(
      name,
      urlWithSchema(schema, relay.url(POSTGRES_URL)),
      provider,
    );
    const connections = () => server.connections(name);
    const created = await bed.invoke(
      httpEvent('POST', '/orders', { item: 'tea', quantity: 1 }),
    );
    const path = `/orders/${bodyOf(created).id}`;

    const warm = await watchWarmInvocations(
      relay,
      connections,
      async (index) => {
        const event =
          index % 2 === 0
            ? httpEvent('GET', path)
            : httpEvent('POST', '/orders', { item: 'mate', quantity: 2 });
        const response = await bed.invoke(event);
        expect(response).toMatchObject({ statusCode: index % 2 ? 201 : 200 });
      },
      WARM_INVOCATIONS,
    );
    const database = bed.get(DATABASE);
    await bed.shutdown();
    const shutdown = await afterShutdown(relay, connections, POSTGRES_GOODBYE);
    return { database, warm, shutdown, relay };
  }

  beforeAll(async () => {
    server = await PostgresServer.connect();
  });

  beforeEach(async () => {
    schema = uniqueName('orders_pool');
    await server.createSchema(schema);
  });

  afterEach(async () => {
    await Promise.all(beds.splice(0).map((bed) => bed.shutdown()));
    await Promise.all(relays.splice(0).map((relay) => relay.close()));
    await server.dropSchema(schema);
  });

  afterAll(async () => {
    await server.close();
    report.print();
  });

  it('serves 100 warm invocations on the connection INIT opened and closes it with Terminate at shutdown', async () => {
    const { database, warm, shutdown, relay } = await hundredWarmInvocations();
    const stats = database as PostgresDatabase;

    report.add('test bed', warm, WARM_INVOCATIONS, shutdown, POSTGRES_GOODBYE);
    expect(relay.accepted).toBe(1);
    expect(reuseProblems(warm)).toEqual([]);
    expect(shutdownProblems(shutdown, POSTGRES_GOODBYE)).toEqual([]);
    expect(stats.poolStats()).toMatchObject({ opened: 1, open: 0 });
  });

  it('reports a provider that opens a connection per query', async () => {
    const { warm, shutdown } = await hundredWarmInvocations(
      ConnectionPerQueryDatabase,
    );

    expect(warm.opened).toBe(WARM_INVOCATIONS);
    expect(reuseProblems(warm)).toEqual([
      '0 connections open after the cold invocation, not 1',
      `${WARM_INVOCATIONS} connections opened over the warm invocations`,
    ]);
    expect(shutdownProblems(shutdown, POSTGRES_GOODBYE)).toEqual([]);
  });

  it('reports a provider that leaves its pool open at shutdown', async () => {
    const { database, shutdown } =
      await hundredWarmInvocations(NeverEndedDatabase);

    const problems = shutdownProblems(shutdown, POSTGRES_GOODBYE);
    await (database as NeverEndedDatabase).close();

    expect(problems).toEqual([
      '1 connections left on the server after shutdown',
      '1 connections still open through the relay',
      '1 of 1 connections closed without Terminate',
    ]);
  });

  it('counts each query as a connection checked out of the pool', async () => {
    const bed = await start(uniqueName('orders'));
    const database = bed.get(DATABASE) as PostgresDatabase;
    const atInit = database.poolStats().acquired ?? 0;

    await bed.invoke(httpEvent('GET', '/orders/1'));
    await bed.invoke(httpEvent('GET', '/orders/2'));

    // INIT checked the server and created the table: two queries.
    expect(atInit).toBe(2);
    expect(database.poolStats()).toEqual({
      opened: 1,
      open: 1,
      acquired: atInit + 2,
    });
  });

  it('opens and closes its pool in dependency order around the repository', async () => {
    const bed = await start(uniqueName('orders'));

    await bed.shutdown();

    expect(bed.ran('onInit')).toEqual([
      'PostgresDatabase.open',
      'OrderRepository.createTable',
    ]);
    expect(bed.ran('onShutdown')).toEqual(['PostgresDatabase.close']);
    expect(await server.tables(schema)).toEqual(['orders']);
  });

  it('opens a new connection when the server ends an idle one', async () => {
    const name = uniqueName('orders');
    const bed = await start(name);
    const database = bed.get(DATABASE) as PostgresDatabase;
    await bed.invoke(httpEvent('GET', '/orders/1'));

    await server.terminate(name);
    await settledConnections(async () =>
      database.poolStats().open > 0 ? ['still open'] : [],
    );
    const response = await bed.invoke(httpEvent('GET', '/orders/1'));

    expect(response).toMatchObject({ statusCode: 404 });
    expect(database.poolStats()).toMatchObject({ opened: 2, open: 1 });
    expect(bed.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'idle database connection lost',
      }),
    );
  });

  it('fails INIT naming the hook and the server when it cannot connect', async () => {
    const name = uniqueName('orders');

    const started = start(name, 'postgres://postgres@127.0.0.1:1/postgres');

    await expect(started).rejects.toThrow(LifecycleError);
    await expect(started).rejects.toThrow(
      /@OnInit on PostgresDatabase\.open: .*cannot connect to PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/postgres \(DATABASE_URL\)/,
    );
  });

  it('logs the server without the password', async () => {
    const url = new URL(urlWithSchema(schema));
    url.password = 'not-a-secret-but-hidden';
    const bed = await start(uniqueName('orders'), url.toString());

    const opened = bed.logs.find(
      (log) => log.message === 'database pool opened',
    );

    expect(opened?.fields).toEqual({
      server: `postgres://${url.host}${url.pathname}`,
    });
    expect(JSON.stringify(bed.logs)).not.toContain('not-a-secret');
  });
});
