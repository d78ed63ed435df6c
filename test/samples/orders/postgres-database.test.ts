import { LifecycleError } from 'lambda-lifecycle';
import { createTestBed, type TestBed } from 'lambda-lifecycle/testing';
import { DATABASE } from '../../../samples/orders/database';
import { databaseProviders } from '../../../samples/orders/database-providers';
import { PostgresDatabase } from '../../../samples/orders/postgres-database';
import { OrdersHandler } from '../../../samples/orders/orders.handler';
import {
  PostgresServer,
  settledConnections,
  uniqueName,
  urlWithSchema,
} from '../postgres-server';
import { ConnectionReport, watchWarmInvocations } from '../server-connections';
import { bodyOf, httpEvent } from './http-event';

const WARM_INVOCATIONS = 100;

describe(PostgresDatabase.name, () => {
  const report = new ConnectionReport(
    'PostgreSQL, from the server (in-process):',
  );
  let server: PostgresServer;
  let schema: string;
  const beds: TestBed[] = [];

  /** An orders environment on the server; its connections carry `name`. */
  async function start(name: string, url = urlWithSchema(schema)) {
    const bed = await createTestBed(OrdersHandler, {
      providers: databaseProviders({
        DATABASE_URL: url,
        AWS_LAMBDA_FUNCTION_NAME: name,
      }),
    });
    beds.push(bed);
    return bed;
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
    await server.dropSchema(schema);
  });

  afterAll(async () => {
    await server.close();
    report.print();
  });

  it('serves 100 warm invocations on the connection INIT opened and leaves none open after shutdown', async () => {
    const name = uniqueName('orders');
    const bed = await start(name);
    const created = await bed.invoke(
      httpEvent('POST', '/orders', { item: 'tea', quantity: 1 }),
    );
    const path = `/orders/${bodyOf(created).id}`;

    const warm = await watchWarmInvocations(
      () => server.connections(name),
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
    const stats = bed.get(DATABASE) as PostgresDatabase;
    const before = stats.poolStats();
    await bed.shutdown();
    const left = await settledConnections(() => server.connections(name));

    report.add('test bed', warm, WARM_INVOCATIONS, left.length);
    expect(warm).toEqual({ atStart: 1, opened: 0 });
    expect(before).toMatchObject({ opened: 1, open: 1 });
    expect(stats.poolStats()).toMatchObject({ opened: 1, open: 0 });
    expect(left).toEqual([]);
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
