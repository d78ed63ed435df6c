import Redis from 'ioredis';

/** The server the sample tests talk to; `.ci/run` starts it when down. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The test's own connection to the Redis server, to read what a handler
 * wrote and to see, from the server's side, which connections a client
 * holds.
 */
export class RedisServer {
  private constructor(private readonly redis: Redis) {}

  /** Connects, or fails with what to start and how. */
  static async connect(): Promise<RedisServer> {
    const redis = new Redis(REDIS_URL, {
      connectionName: 'lambda-lifecycle-tests',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
    } catch (error) {
      throw new Error(
        `The sample tests need Redis at ${REDIS_URL} (TEST_REDIS_URL), ` +
          `which refused: ${(error as Error).message}. Start it as .ci/run ` +
          'does: redis-server --daemonize yes --bind 127.0.0.1 -::1 ...',
        { cause: error },
      );
    }
    return new RedisServer(redis);
  }

  /** The server's client id for each connection named `name`. */
  async connections(name: string): Promise<string[]> {
    const list = (await this.redis.client('LIST')) as string;
    return list
      .split('\n')
      .map((line) => Object.fromEntries(line.split(' ').map(field)))
      .filter((client) => client.name === name)
      .map((client) => client.id);
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  ttl(key: string): Promise<number> {
    return this.redis.ttl(key);
  }

  /** Ends the connections named `name` from the server's side. */
  async kill(name: string): Promise<void> {
    for (const id of await this.connections(name)) {
      await this.redis.client('KILL', 'ID', id);
    }
  }

  /** Deletes every key that starts with `prefix`. */
  async deleteKeys(prefix: string): Promise<void> {
    const keys = await this.redis.keys(`${prefix}*`);
    if (keys.length > 0) await this.redis.del(...keys);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

function field(pair: string): [string, string] {
  const at = pair.indexOf('=');
  return [pair.slice(0, at), pair.slice(at + 1)];
}
