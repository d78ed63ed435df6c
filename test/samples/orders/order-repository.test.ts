import { createTestBed, type TestBed } from 'lambda-lifecycle/testing';
import { databaseProviders } from '../../../samples/orders/database-providers';
import { OrderRepository } from '../../../samples/orders/order-repository';
import { OrdersHandler } from '../../../samples/orders/orders.handler';
import { PostgresServer, uniqueName, urlWithSchema } from '../postgres-server';

const ENVIRONMENTS = 6;

describe(OrderRepository.name, () => {
  let server: PostgresServer;
  let schema: string;
  const beds: TestBed[] = [];

  async function start() {
    const bed = await createTestBed(OrdersHandler, {
      providers: databaseProviders({
        DATABASE_URL: urlWithSchema(schema),
        AWS_LAMBDA_FUNCTION_NAME: schema,
      }),
    });
    beds.push(bed);
    return bed;
  }

  beforeAll(async () => {
    server = await PostgresServer.connect();
  });

  beforeEach(async () => {
    schema = uniqueName('orders_repository');
    await server.createSchema(schema);
  });

  afterEach(async () => {
    await Promise.all(beds.splice(0).map((bed) => bed.shutdown()));
    await server.dropSchema(schema);
  });

  afterAll(async () => {
    await server.close();
  });

  it('creates its table once when many environments start at once', async () => {
    const started = await Promise.allSettled(
      Array.from({ length: ENVIRONMENTS }, () => start()),
    );

    expect(started.filter(({ status }) => status === 'rejected')).toEqual([]);
    expect(await server.tables(schema)).toEqual(['orders']);
  });

  describe('when another environment creates the table at the same moment', () => {
    const raced = (codes: string[]) => {
      const statements: string[] = [];
      const db = {
        query: async (sql: string) => {
          statements.push(sql);
          const code = codes.shift();
          if (code !== undefined) {
            throw Object.assign(new Error(`SQLSTATE ${code}`), { code });
          }
          return [];
        },
      };
      return { repository: new OrderRepository(db as never), statements };
    };

    it.each(['42P07', '42710', '23505'])(
      'runs the statement again after %s and succeeds when the table is there',
      async (code) => {
        const { repository, statements } = raced([code]);

        await repository.createTable();

        expect(statements).toHaveLength(2);
      },
    );

    it('rejects with the second error when the name is taken by something else', async () => {
      const { repository } = raced(['42710', '42710']);

      await expect(repository.createTable()).rejects.toMatchObject({
        code: '42710',
      });
    });

    it('rejects at once with any other error', async () => {
      const { repository, statements } = raced(['42501']);

      await expect(repository.createTable()).rejects.toMatchObject({
        code: '42501',
      });
      expect(statements).toHaveLength(1);
    });
  });

  it('keeps the orders when the table already exists', async () => {
    const first = await start();
    const order = await first.get(OrderRepository).add('tea', 2);
    await first.shutdown();

    const second = await start();

    await expect(second.get(OrderRepository).find(order.id)).resolves.toEqual(
      order,
    );
  });

  it('finds nothing for an id it never gave', async () => {
    const bed = await start();

    await expect(bed.get(OrderRepository).find('42')).resolves.toBeUndefined();
  });
});
