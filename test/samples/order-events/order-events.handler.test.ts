import { createTestBed, type TestBed } from 'lambda-lifecycle/testing';
import {
  CACHE_SETTINGS,
  Cache,
  cacheSettings,
} from '../../../samples/order-events/cache';
import {
  OrderEventsHandler,
  STATUS_TTL_SECONDS,
  statusKey,
} from '../../../samples/order-events/order-events.handler';
import { uniqueName } from '../postgres-server';
import { REDIS_URL, RedisServer } from '../redis-server';
import { sqsEvent } from './sqs-event';

describe(OrderEventsHandler.name, () => {
  let server: RedisServer;
  let prefix: string;
  const beds: TestBed[] = [];

  async function start() {
    const settings = cacheSettings({
      REDIS_URL,
      AWS_LAMBDA_FUNCTION_NAME: uniqueName('order-events'),
      CACHE_KEY_PREFIX: prefix,
    });
    const bed = await createTestBed(OrderEventsHandler, {
      providers: [{ token: CACHE_SETTINGS, useValue: settings }],
    });
    beds.push(bed);
    return bed;
  }

  function cached(orderId: string): Promise<string | null> {
    return server.get(prefix + statusKey(orderId));
  }

  beforeAll(async () => {
    server = await RedisServer.connect();
  });

  beforeEach(() => {
    prefix = `${uniqueName('order-events')}:`;
  });

  afterEach(async () => {
    await Promise.all(beds.splice(0).map((bed) => bed.shutdown()));
    await server.deleteKeys(prefix);
  });

  afterAll(async () => {
    await server.close();
  });

  it('keeps the latest status of each order for a day', async () => {
    const bed = await start();

    const response = await bed.invoke(
      sqsEvent([
        { orderId: 'A-1', status: 'placed' },
        { orderId: 'A-2', status: 'paid' },
      ]),
    );
    await bed.invoke(sqsEvent([{ orderId: 'A-1', status: 'shipped' }]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await cached('A-1')).toBe('shipped');
    expect(await cached('A-2')).toBe('paid');
    expect(await server.ttl(prefix + statusKey('A-1'))).toBeGreaterThan(
      STATUS_TTL_SECONDS - 60,
    );
  });

  it('reports only the messages it could not process, and stores the rest', async () => {
    const bed = await start();

    const response = await bed.invoke(
      sqsEvent([
        { orderId: 'B-1', status: 'paid' },
        '{not json',
        { orderId: 'B-3', status: 'lost' },
        { orderId: 'no spaces allowed', status: 'paid' },
        { orderId: 'B-5', status: 'delivered' },
      ]),
    );

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: 'm2' },
        { itemIdentifier: 'm3' },
        { itemIdentifier: 'm4' },
      ],
    });
    expect(await cached('B-1')).toBe('paid');
    expect(await cached('B-5')).toBe('delivered');
  });

  it('logs why each message was not processed', async () => {
    const bed = await start();

    await bed.invoke(sqsEvent([{ orderId: 'C-1', status: 'lost' }]));

    expect(bed.logs).toContainEqual({
      level: 'warn',
      message: 'order event not processed',
      fields: expect.objectContaining({
        messageId: 'm1',
        reason: expect.stringContaining('"status" must be one of placed'),
        retryable: false,
      }),
    });
  });

  it('returns the rest of a FIFO batch after the first failure, to keep the order', async () => {
    const bed = await start();

    const response = await bed.invoke(
      sqsEvent(
        [
          { orderId: 'D-1', status: 'placed' },
          { orderId: 'D-1', status: 'lost' },
          { orderId: 'D-1', status: 'paid' },
        ],
        { fifo: true },
      ),
    );

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }],
    });
    expect(await cached('D-1')).toBe('placed');
  });

  it('takes a record without eventSourceARN as from a standard queue', async () => {
    const bed = await start();
    const event = sqsEvent([
      { orderId: 'F-1', status: 'placed' },
      'not json',
      { orderId: 'F-3', status: 'paid' },
    ]);
    const records = event.Records.map((record) => {
      const { eventSourceARN: _arn, ...withoutArn } = record;
      return withoutArn as typeof record;
    });

    const response = await bed.invoke({ Records: records });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(await cached('F-1')).toBe('placed');
    expect(await cached('F-3')).toBe('paid');
  });

  it('answers an empty batch with no failures', async () => {
    const bed = await start();

    await expect(bed.invoke(sqsEvent([]))).resolves.toEqual({
      batchItemFailures: [],
    });
  });

  describe('when the cache fails', () => {
    it('reports every message as retryable instead of failing the batch', async () => {
      const failing = {
        set: async () => {
          throw new Error('READONLY You cannot write against a replica.');
        },
      };
      const bed = await createTestBed(OrderEventsHandler, {
        providers: [{ token: Cache, useValue: failing }],
      });

      const response = await bed.invoke(
        sqsEvent([
          { orderId: 'E-1', status: 'paid' },
          { orderId: 'E-2', status: 'paid' },
        ]),
      );

      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }],
      });
      expect(bed.logs.map((log) => log.fields?.retryable)).toEqual([
        true,
        true,
      ]);
    });
  });
});
