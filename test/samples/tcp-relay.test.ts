import { connect } from 'node:net';
import Redis from 'ioredis';
import { Client } from 'pg';
import { POSTGRES_URL } from './postgres-server';
import { REDIS_URL } from './redis-server';
import { POSTGRES_GOODBYE, REDIS_GOODBYE } from './server-connections';
import { TcpRelay } from './tcp-relay';
import { postgresMessageTypes, redisCommands } from './wire-protocols';

describe(TcpRelay.name, () => {
  const relays: TcpRelay[] = [];

  async function relayTo(url: string): Promise<TcpRelay> {
    const relay = await TcpRelay.start(url);
    relays.push(relay);
    return relay;
  }

  function redisThrough(relay: TcpRelay): Redis {
    const redis = new Redis(relay.url(REDIS_URL), {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    return redis;
  }

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.close()));
  });

  describe('with PostgreSQL', () => {
    it('counts each connection, even one closed at once, and reads the Terminate a client sends', async () => {
      const relay = await relayTo(POSTGRES_URL);

      for (let i = 0; i < 3; i++) {
        const client = new Client({
          connectionString: relay.url(POSTGRES_URL),
        });
        await client.connect();
        await client.query('SELECT $1::int AS n', [i]);
        await client.end();
      }
      await relay.settled();

      expect(relay.accepted).toBe(3);
      expect(relay.connections.map((c) => c.end)).toEqual([
        'client',
        'client',
        'client',
      ]);
      expect(postgresMessageTypes(relay.connections[0].fromClient)).toEqual(
        expect.arrayContaining(['P', 'B', 'E', 'S', 'X']),
      );
      expect(relay.connections.every(POSTGRES_GOODBYE.sent)).toBe(true);
    });

    it('tells a connection dropped without Terminate', async () => {
      const relay = await relayTo(POSTGRES_URL);
      const client = new Client({ connectionString: relay.url(POSTGRES_URL) });
      client.on('error', () => undefined);
      await client.connect();
      await client.query('SELECT 1');

      (
        client as unknown as { connection: { stream: { destroy(): void } } }
      ).connection.stream.destroy();
      await relay.settled();

      expect(POSTGRES_GOODBYE.sent(relay.connections[0])).toBe(false);
      expect(postgresMessageTypes(relay.connections[0].fromClient)).toEqual([
        'Q',
      ]);
    });
  });

  describe('with Redis', () => {
    it('reads the commands a client sent, QUIT last when it quits', async () => {
      const relay = await relayTo(REDIS_URL);
      const redis = redisThrough(relay);
      await redis.connect();

      await redis.ping();
      await redis.quit();
      await relay.settled();

      expect(redisCommands(relay.connections[0].fromClient)).toEqual(
        expect.arrayContaining(['PING', 'QUIT']),
      );
      expect(REDIS_GOODBYE.sent(relay.connections[0])).toBe(true);
    });

    it('tells a connection closed without QUIT', async () => {
      const relay = await relayTo(REDIS_URL);
      const redis = redisThrough(relay);
      await redis.connect();
      await redis.ping();

      redis.disconnect();
      await relay.settled();

      expect(relay.connections[0].end).toBe('client');
      expect(REDIS_GOODBYE.sent(relay.connections[0])).toBe(false);
    });
  });

  describe('when cut', () => {
    it('closes the open connections and then holds new ones without an answer', async () => {
      const relay = await relayTo(REDIS_URL);
      const redis = redisThrough(relay);
      await redis.connect();

      relay.cut();
      const held = connect({ host: '127.0.0.1', port: relay.port });
      await new Promise((connected) => held.once('connect', connected));
      held.write('*1\r\n$4\r\nPING\r\n');
      const answered = new Promise((answer) => held.once('data', answer));
      await relay.connections[0].closed;

      expect(relay.connections[0].end).toBe('cut');
      await expect(redis.ping()).rejects.toThrow();
      expect(relay.accepted).toBeGreaterThanOrEqual(2);
      expect(relay.connections[1].upstream).toBeUndefined();
      held.destroy();
      await relay.connections[1].closed;
      expect(relay.connections[1].fromClient.toString()).toContain('PING');
      await expect(
        Promise.race([answered, Promise.resolve('no answer')]),
      ).resolves.toBe('no answer');
    });

    it('cuts when a client sends what it watches for, before the server gets it', async () => {
      const relay = await relayTo(REDIS_URL);
      const redis = redisThrough(relay);
      await redis.connect();
      relay.cutWhen((data) => data.toString().includes('never-stored'));

      const set = redis.set('lambda-lifecycle-relay-test', 'never-stored');

      await expect(set).rejects.toThrow();
      expect(relay.connections[0].end).toBe('cut');
      expect(relay.connections[0].fromClient.toString()).not.toContain(
        'never-stored',
      );
    });
  });
});
