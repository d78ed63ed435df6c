import type { ProviderSpec } from 'lambda-lifecycle';
import { createTestBed, type TestBed } from 'lambda-lifecycle/testing';
import { databaseProviders } from '../../../samples/orders/database-providers';
import {
  OrderRepository,
  type Order,
} from '../../../samples/orders/order-repository';
import { OrdersHandler } from '../../../samples/orders/orders.handler';
import { PostgresServer, uniqueName, urlWithSchema } from '../postgres-server';
import { bodyOf, catchAllEvent, httpEvent } from './http-event';

/** The orders in a map: what the handler needs of the repository. */
class FakeOrderRepository {
  readonly #orders = new Map<string, Order>();
  failure: Error | undefined;

  async find(id: string): Promise<Order | undefined> {
    if (this.failure) throw this.failure;
    return this.#orders.get(id);
  }

  async add(item: string, quantity: number): Promise<Order> {
    if (this.failure) throw this.failure;
    const order = { id: String(this.#orders.size + 1), item, quantity };
    this.#orders.set(order.id, order);
    return order;
  }
}

interface Setup {
  readonly name: string;
  readonly providers: () => ProviderSpec[];
  readonly prepare?: () => Promise<void>;
  readonly cleanUp?: () => Promise<void>;
}

let server: PostgresServer | undefined;
const schema = uniqueName('orders_handler');

// One handler class, one set of expectations, two sets of providers: a fake
// repository given through the test bed, and the providers the handler's
// module picks in production from DATABASE_URL, on the PostgreSQL server.
const SETUPS: readonly Setup[] = [
  {
    name: 'when given a fake repository',
    providers: () => [
      { token: OrderRepository, useValue: new FakeOrderRepository() },
    ],
  },
  {
    name: 'when given the PostgreSQL server',
    providers: () =>
      databaseProviders({
        DATABASE_URL: urlWithSchema(schema),
        AWS_LAMBDA_FUNCTION_NAME: schema,
      }),
    prepare: async () => {
      server = await PostgresServer.connect();
      await server.createSchema(schema);
    },
    cleanUp: async () => {
      await server?.dropSchema(schema);
      await server?.close();
    },
  },
];

describe(OrdersHandler.name, () => {
  describe.each(SETUPS)('$name', (setup) => {
    const beds: TestBed[] = [];

    async function start() {
      const bed = await createTestBed(OrdersHandler, {
        providers: setup.providers(),
      });
      beds.push(bed);
      return bed;
    }

    beforeAll(async () => {
      await setup.prepare?.();
    });

    afterEach(async () => {
      await Promise.all(beds.splice(0).map((bed) => bed.shutdown()));
    });

    afterAll(async () => {
      await setup.cleanUp?.();
    });

    it('creates an order and reads it back', async () => {
      const bed = await start();

      const created = await bed.invoke(
        httpEvent('POST', '/orders', { item: 'tea', quantity: 2 }),
      );
      const { id } = bodyOf(created);
      const read = await bed.invoke(httpEvent('GET', `/orders/${id}`));

      expect(created).toMatchObject({ statusCode: 201 });
      expect(read).toMatchObject({ statusCode: 200 });
      expect(bodyOf(read)).toEqual({ id, item: 'tea', quantity: 2 });
    });

    it.each([
      ['a body that is not JSON', '{', 'body must be JSON'],
      ['no body', undefined, 'body must be JSON'],
      ['a JSON array', [1], 'body must be a JSON object'],
      ['JSON null', 'null', 'body must be a JSON object'],
      ['a missing item', { quantity: 1 }, '"item" must be a non-empty string'],
      ['a blank item', { item: ' ', quantity: 1 }, '"item" must be'],
      [
        'an item too long',
        { item: 'x'.repeat(201), quantity: 1 },
        '"item" must be at most 200 characters',
      ],
      ['a zero quantity', { item: 'tea', quantity: 0 }, '"quantity" must be'],
      ['a fractional quantity', { item: 'tea', quantity: 1.5 }, 'integer'],
      ['a quantity as text', { item: 'tea', quantity: '2' }, 'integer'],
      ['too many', { item: 'tea', quantity: 1000 }, 'at most 100'],
      [
        'an item with a NUL character',
        { item: 'green\u0000tea', quantity: 1 },
        '"item" must not contain the NUL character',
      ],
    ])('answers 400 with the reason for %s', async (_, body, reason) => {
      const bed = await start();

      const response = await bed.invoke(httpEvent('POST', '/orders', body));

      expect(response).toMatchObject({ statusCode: 400 });
      expect(bodyOf(response).message).toContain(reason);
    });

    it('reads a base64-encoded body', async () => {
      const bed = await start();
      const body = Buffer.from('{"item":"mate","quantity":3}').toString(
        'base64',
      );

      const response = await bed.invoke({
        ...httpEvent('POST', '/orders', body),
        isBase64Encoded: true,
      });

      expect(response).toMatchObject({ statusCode: 201 });
      expect(bodyOf(response)).toMatchObject({ item: 'mate', quantity: 3 });
    });

    it('answers 400 for a NUL character in a base64-encoded body', async () => {
      const bed = await start();
      const body = Buffer.from('{"item":"mate\\u0000","quantity":3}').toString(
        'base64',
      );

      const response = await bed.invoke({
        ...httpEvent('POST', '/orders', body),
        isBase64Encoded: true,
      });

      expect(response).toMatchObject({ statusCode: 400 });
      expect(bodyOf(response).message).toBe(
        '"item" must not contain the NUL character',
      );
    });

    it.each(['abc', '0', '-1', '1.5', '12345678901'])(
      'answers 400 for the order id %s',
      async (id) => {
        const bed = await start();

        const response = await bed.invoke(httpEvent('GET', `/orders/${id}`));

        expect(response).toMatchObject({ statusCode: 400 });
        expect(bodyOf(response).message).toBe(
          '"id" must be a positive integer',
        );
      },
    );

    it('answers 404 for a missing order', async () => {
      const bed = await start();

      const response = await bed.invoke(httpEvent('GET', '/orders/999999999'));

      expect(response).toMatchObject({ statusCode: 404 });
      expect(bodyOf(response).message).toBe('order 999999999 not found');
    });

    it.each([
      ['DELETE', '/orders/1', 'GET'],
      ['PUT', '/orders', 'POST'],
    ])(
      'answers 405 with Allow for %s %s, a method the path does not serve',
      async (method, path, allowed) => {
        const bed = await start();

        const response = await bed.invoke(httpEvent(method, path));

        expect(response).toMatchObject({
          statusCode: 405,
          headers: { allow: allowed },
        });
        expect(bodyOf(response).message).toBe(
          `${method} ${path} is not supported; use ${allowed}`,
        );
      },
    );

    it.each([
      ['$default', '$default'],
      ['ANY /{proxy+}', '$default'],
      ['ANY /{proxy+}', 'prod'],
    ])(
      'answers 404 for a path that is no resource, under route %s in stage %s',
      async (routeKey, stage) => {
        const bed = await start();

        const response = await bed.invoke(
          catchAllEvent('GET', '/foo/1', { routeKey, stage }),
        );

        expect(response).toMatchObject({ statusCode: 404 });
        expect(bodyOf(response).message).toMatch(
          /^no route for GET \/.*foo\/1$/,
        );
      },
    );

    it('serves the orders under a catch-all route, going by the path', async () => {
      const bed = await start();
      const body = { item: 'rooibos', quantity: 4 };

      const created = await bed.invoke(
        catchAllEvent('POST', '/orders', { stage: 'prod', body }),
      );
      const { id } = bodyOf(created);
      const read = await bed.invoke(
        catchAllEvent('GET', `/orders/${id}`, { routeKey: 'ANY /{proxy+}' }),
      );
      const wrongMethod = await bed.invoke(catchAllEvent('GET', '/orders'));

      expect(created).toMatchObject({ statusCode: 201 });
      expect(bodyOf(read)).toEqual({ id, ...body });
      expect(wrongMethod).toMatchObject({
        statusCode: 405,
        headers: { allow: 'POST' },
      });
    });

    describe('when ORDERS_MAX_QUANTITY is set', () => {
      afterEach(() => {
        delete process.env.ORDERS_MAX_QUANTITY;
      });

      it('caps the quantity at its value', async () => {
        process.env.ORDERS_MAX_QUANTITY = '5';
        const bed = await start();

        const response = await bed.invoke(
          httpEvent('POST', '/orders', { item: 'tea', quantity: 6 }),
        );

        expect(response).toMatchObject({ statusCode: 400 });
        expect(bodyOf(response).message).toBe('"quantity" must be at most 5');
      });

      it.each(['ten', '0', '-3', '1.5', '1e3', 'Infinity'])(
        'fails INIT naming the variable when it is %j',
        async (value) => {
          process.env.ORDERS_MAX_QUANTITY = value;

          const started = start();

          await expect(started).rejects.toThrow(
            `ORDERS_MAX_QUANTITY must be a positive integer, not "${value}"`,
          );
          await expect(started).rejects.toThrow(/OrdersHandler\.limits/);
        },
      );
    });

    it('answers 400 for an event that is not from an HTTP API', async () => {
      const bed = await start();

      const response = await bed.invoke({} as never);

      expect(response).toMatchObject({ statusCode: 400 });
      expect(bodyOf(response).message).toBe(
        'expected an API Gateway HTTP API event',
      );
    });

    it('logs each request it served, with its status', async () => {
      const bed = await start();

      await bed.invoke(
        httpEvent('POST', '/orders', { item: 'tea', quantity: 1 }),
        { awsRequestId: 'req-1' },
      );

      expect(bed.logs).toContainEqual({
        level: 'info',
        message: 'order request served',
        fields: expect.objectContaining({
          requestId: 'req-1',
          route: 'POST /orders',
          status: 201,
        }),
      });
    });
  });

  describe('when the repository fails', () => {
    it('lets the failure reach Lambda rather than answer with a 4xx', async () => {
      const repository = new FakeOrderRepository();
      repository.failure = new Error('connection terminated');
      const bed = await createTestBed(OrdersHandler, {
        providers: [{ token: OrderRepository, useValue: repository }],
      });

      const response = bed.invoke(httpEvent('GET', '/orders/1'));

      await expect(response).rejects.toThrow('connection terminated');
    });

    it('answers 400 when the database refuses a value of the request (SQLSTATE class 22)', async () => {
      const repository = new FakeOrderRepository();
      repository.failure = Object.assign(
        new Error('invalid byte sequence for encoding "UTF8": 0x00'),
        { code: '22021' },
      );
      const bed = await createTestBed(OrdersHandler, {
        providers: [{ token: OrderRepository, useValue: repository }],
      });

      const response = await bed.invoke(
        httpEvent('POST', '/orders', { item: 'tea', quantity: 1 }),
      );

      expect(response).toMatchObject({ statusCode: 400 });
      expect(bodyOf(response).message).toBe(
        'a value in the request is not valid (SQLSTATE 22021)',
      );
      expect(bed.logs).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message: 'database refused a value of the request',
          fields: expect.objectContaining({ sqlState: '22021' }),
        }),
      );
    });

    it('lets other SQLSTATE classes reach Lambda', async () => {
      const repository = new FakeOrderRepository();
      repository.failure = Object.assign(new Error('too many connections'), {
        code: '53300',
      });
      const bed = await createTestBed(OrdersHandler, {
        providers: [{ token: OrderRepository, useValue: repository }],
      });

      const response = bed.invoke(httpEvent('GET', '/orders/1'));

      await expect(response).rejects.toThrow('too many connections');
    });
  });
});
