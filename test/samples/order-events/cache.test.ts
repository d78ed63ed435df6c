import Redis from 'ioredis';
import { inject, injectable } from 'tsyringe';
import { LifecycleError } from 'lambda-lifecycle';
import { createTestBed, type TestBed } from 'lambda-lifecycle/testing';
import {
  CACHE_SETTINGS,
  Cache,
  DEFAULT_COMMAND_TIMEOUT_MS,
  cacheSettings,
  type CacheSettings,
} from '../../../samples/order-events/cache';
import { OrderEventsHandler } from '../../../samples/order-events/order-events.handler';
import { settledConnections, uniqueName } from '../postgres-server';
import { REDIS_URL, RedisServer } from '../redis-server';
import {
  ConnectionReport,
  REDIS_GOODBYE,
  afterShutdown,
  reuseProblems,
  shutdownProblems,
  watchWarmInvocations,
} from '../server-connections';
import { TcpRelay } from '../tcp-relay';
import { sqsEvent } from './sqs-event';

const WARM_INVOCATIONS = 100;

/** The usual mistake: a new connection for every command, quit after it. */
@injectable()
class ConnectionPerCommandCache {
  constructor(
    @inject(CACHE_SETTINGS) private readonly settings: CacheSettings,
  ) {}

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    const redis = new Redis(this.settings.url, {
      connectionName: this.settings.connectionName,
      keyPrefix: this.settings.keyPrefix,
    });
    try {
      await redis.set(key, value, 'EX', ttlSeconds);
    } finally {
      await redis.quit();
    }
  }
}

describe(Cache.name, () => {
  const report = new ConnectionReport('Redis, from the server (in-process):');
  let server: RedisServer;
  let prefix: string;
  const beds: TestBed[] = [];
  const relays: TcpRelay[] = [];

  /** An order-events environment whose connection is called `name`. */
  async function start(
    name: string,
    url = REDIS_URL,
    cache?: typeof ConnectionPerCommandCache,
  ) {
    const settings = cacheSettings({
      REDIS_URL: url,
      AWS_LAMBDA_FUNCTION_NAME: name,
      CACHE_KEY_PREFIX: prefix,
    });
    const bed = await createTestBed(OrderEventsHandler, {
      providers: [
        { token: CACHE_SETTINGS, useValue: settings },
        ...(cache ? [{ token: Cache, useClass: cache }] : []),
      ],
    });
    beds.push(bed);
    return bed;
  }

  /**
   * An environment reaching the server through a relay, a cold and 100
   * warm invocations, then its shutdown: what the relay and server saw.
   */
  async function hundredWarmInvocations(
    cache?: typeof ConnectionPerCommandCache,
  ) {
    const name = uniqueName('order-events');
    const relay = await TcpRelay.start(REDIS_URL);
    relays.push(relay);
    const bed = await start(name, relay.url(REDIS_URL), cache);
    const connections = () => server.connections(name);
    await bed.invoke(sqsEvent([{ orderId: 'A-0', status: 'placed' }]));

    const warm = await watchWarmInvocations(
      relay,
      connections,
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
    const stats = cache ? undefined : bed.get(Cache);
    await bed.shutdown();
    const shutdown = await afterShutdown(relay, connections, REDIS_GOODBYE);
    return { stats, warm, shutdown, relay };
  }

  beforeAll(async () => {
    server = await RedisServer.connect();
  });

  beforeEach(() => {
    prefix = `${uniqueName('cache')}:`;
  });

  afterEach(async () => {
    await Promise.all(beds.splice(0).map((bed) => bed.shutdown()));
    await Promise.all(relays.splice(0).map((relay) => relay.close()));
    await server.deleteKeys(prefix);
  });

  afterAll(async () => {
    await server.close();
    report.print();
  });

  it('serves 100 warm invocations on the connection INIT opened and closes it with QUIT at shutdown', async () => {
    const { stats, warm, shutdown, relay } = await hundredWarmInvocations();

    report.add('test bed', warm, WARM_INVOCATIONS, shutdown, REDIS_GOODBYE);
    expect(relay.accepted).toBe(1);
    expect(reuseProblems(warm)).toEqual([]);
    expect(shutdownProblems(shutdown, REDIS_GOODBYE)).toEqual([]);
    expect(stats?.poolStats()).toMatchObject({ opened: 1, open: 0 });
  });

  it('reports a provider that opens a connection per command', async () => {
    const { warm } = await hundredWarmInvocations(ConnectionPerCommandCache);

    expect(warm.opened).toBe(WARM_INVOCATIONS);
    expect(reuseProblems(warm)).toEqual([
      '0 connections open after the cold invocation, not 1',
      `${WARM_INVOCATIONS} connections opened over the warm invocations`,
    ]);
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

describe(cacheSettings.name, () => {
  it('reads the settings from the environment, with defaults', () => {
    expect(cacheSettings({})).toEqual({
      url: 'redis://127.0.0.1:6379',
      connectionName: 'order-events',
      keyPrefix: 'order-events:',
      commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
    });
    expect(
      cacheSettings({ CACHE_COMMAND_TIMEOUT_MS: '250' }).commandTimeoutMs,
    ).toBe(250);
  });

  it.each(['soon', '0', '-5', '2.5', '1e3'])(
    'refuses CACHE_COMMAND_TIMEOUT_MS=%s, naming it',
    (value) => {
      expect(() => cacheSettings({ CACHE_COMMAND_TIMEOUT_MS: value })).toThrow(
        `CACHE_COMMAND_TIMEOUT_MS must be a positive integer (milliseconds), not "${value}"`,
      );
    },
  );
});
