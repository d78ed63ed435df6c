import { LifecycleError } from 'lambda-lifecycle';
import { createTestBed, type TestBed } from 'lambda-lifecycle/testing';
import {
  CACHE_SETTINGS,
  Cache,
  cacheSettings,
} from '../../../samples/order-events/cache';
import { OrderEventsHandler } from '../../../samples/order-events/order-events.handler';
import { settledConnections, uniqueName } from '../postgres-server';
import { REDIS_URL, RedisServer } from '../redis-server';
import { ConnectionReport, watchWarmInvocations } from '../server-connections';
import { sqsEvent } from './sqs-event';

const WARM_INVOCATIONS = 100;

describe(Cache.name, () => {
  const report = new ConnectionReport('Redis, from the server (in-process):');
  let server: RedisServer;
  let prefix: string;
  const beds: TestBed[] = [];

  /** An order-events environment whose connection is called `name`. */
  async function start(name: string, url = REDIS_URL) {
    const settings = cacheSettings({
      REDIS_URL: url,
      AWS_LAMBDA_FUNCTION_NAME: name,
      CACHE_KEY_PREFIX: prefix,
    });
    const bed = await createTestBed(OrderEventsHandler, {
      providers: [{ token: CACHE_SETTINGS, useValue: settings }],
    });
    beds.push(bed);
    return bed;
  }

  beforeAll(async () => {
    server = await RedisServer.connect();
  });

  beforeEach(() => {
    prefix = `${uniqueName('cache')}:`;
  });

  afterEach(async () => {
    await Promise.all(beds.splice(0).map((bed) => bed.shutdown()));
    await server.deleteKeys(prefix);
  });

  afterAll(async () => {
    await server.close();
    report.print();
  });

  it('serves 100 warm invocations on the connection INIT opened and leaves none open after shutdown', async () => {
    const name = uniqueName('order-events');
    const bed = await start(name);
    await bed.invoke(sqsEvent([{ orderId: 'A-0', status: 'placed' }]));

    const warm = await watchWarmInvocations(
      () => server.connections(name),
      async (index) => {
        const response = await bed.invoke(
          sqsEvent([{ orderId: `A-${index}`, status: 'paid' }, 'bad']),
        );
        expect(response).toEqual({
          batchItemFailures: [{ itemIdentifier: 'm2' }],
        });
      },
      WARM_INVOCATIONS,
    );
    const cache = bed.get(Cache);
    const before = cache.poolStats();
    await bed.shutdown();
    const left = await settledConnections(() => server.connections(name));

    report.add('test bed', warm, WARM_INVOCATIONS, left.length);
    expect(warm).toEqual({ atStart: 1, opened: 0 });
    expect(before).toMatchObject({ opened: 1, open: 1 });
    expect(cache.poolStats()).toMatchObject({ opened: 1, open: 0 });
    expect(left).toEqual([]);
  });

  it('counts the commands it sends as connection uses', async () => {
    const bed = await start(uniqueName('order-events'));
    const cache = bed.get(Cache);

    await cache.set('order:C-1:status', 'paid', 60);
    const status = await cache.get('order:C-1:status');
    await bed.invoke(sqsEvent([]));

    expect(status).toBe('paid');
    expect(cache.poolStats()).toEqual({ opened: 1, open: 1, acquired: 2 });
  });

  it('connects at INIT and quits at shutdown', async () => {
    const bed = await start(uniqueName('order-events'));

    await bed.shutdown();

    expect(bed.ran('onInit')).toEqual(['Cache.connect']);
    expect(bed.ran('onShutdown')).toEqual(['Cache.close']);
    expect(bed.logs.filter((log) => log.message.startsWith('cache '))).toEqual([
      expect.objectContaining({ message: 'cache connected' }),
      expect.objectContaining({ message: 'cache closed' }),
    ]);
  });

  it('reconnects when the server drops the connection, and counts it', async () => {
    const name = uniqueName('order-events');
    const bed = await start(name);
    const cache = bed.get(Cache);

    await server.kill(name);
    await settledConnections(async () =>
      cache.poolStats().opened < 2 || cache.poolStats().open < 1
        ? ['reconnecting']
        : [],
    );
    const response = await bed.invoke(
      sqsEvent([{ orderId: 'B-1', status: 'paid' }]),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(cache.poolStats()).toMatchObject({ opened: 2, open: 1 });
    expect(await server.connections(name)).toHaveLength(1);
  });

  it('fails INIT naming the hook and the server when it cannot connect', async () => {
    const started = start(uniqueName('order-events'), 'redis://127.0.0.1:1');

    await expect(started).rejects.toThrow(LifecycleError);
    await expect(started).rejects.toThrow(
      /@OnInit on Cache\.connect: .*cannot connect to Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\)/,
    );
  });
});
