import Redis from 'ioredis';
import { inject, singleton, type InjectionToken } from 'tsyringe';
import {
  LOGGER,
  type Logger,
  OnInit,
  OnShutdown,
  type PoolStats,
  type Pooled,
} from 'lambda-lifecycle';

/** How the {@link Cache} connects, read once from the environment. */
export interface CacheSettings {
  /** A `redis://` or `rediss://` URL. */
  readonly url: string;
  /** The name the server shows for the connection (`CLIENT LIST`). */
  readonly connectionName: string;
  /** Put in front of every key, so functions can share a server. */
  readonly keyPrefix: string;
  /**
   * How long a command may wait for its reply, queued while reconnecting
   * included, before it fails: what a batch waits for a dead cache.
   */
  readonly commandTimeoutMs: number;
}

/**
 * Token of the {@link CacheSettings}.
 *
 * @example
 * ```ts
 * providers: [{ token: CACHE_SETTINGS, useValue: cacheSettings(process.env) }]
 * ```
 */
export const CACHE_SETTINGS: InjectionToken<CacheSettings> = Symbol.for(
  'lambda-lifecycle/samples/cache-settings',
);

/** How long a command waits for its reply without CACHE_COMMAND_TIMEOUT_MS. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;

function commandTimeoutMs(value: string | undefined): number {
  if (value === undefined || value.trim() === '') {
    return DEFAULT_COMMAND_TIMEOUT_MS;
  }
  const ms = Number(value);
  if (!/^\s*[0-9]+\s*$/.test(value) || !Number.isSafeInteger(ms) || ms < 1) {
    throw new Error(
      'CACHE_COMMAND_TIMEOUT_MS must be a positive integer (milliseconds), ' +
        `not ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

/**
 * The cache settings from environment variables: `REDIS_URL` (default
 * `redis://127.0.0.1:6379`), `CACHE_KEY_PREFIX` (default `order-events:`),
 * `CACHE_COMMAND_TIMEOUT_MS` (default 1000), and the function's name as the
 * connection's name.
 *
 * Phase: init (reads `env` once). Throws, naming the variable, when
 * `CACHE_COMMAND_TIMEOUT_MS` is not a positive integer.
 *
 * @example
 * ```ts
 * cacheSettings({ REDIS_URL: 'redis://cache.internal:6379' });
 * ```
 */
export function cacheSettings(env: NodeJS.ProcessEnv): CacheSettings {
  return {
    url: env.REDIS_URL || 'redis://127.0.0.1:6379',
    connectionName: env.AWS_LAMBDA_FUNCTION_NAME || 'order-events',
    keyPrefix: env.CACHE_KEY_PREFIX ?? 'order-events:',
    commandTimeoutMs: commandTimeoutMs(env.CACHE_COMMAND_TIMEOUT_MS),
  };
}

// INIT has 10 s in all; a server that does not answer must not use them up.
const CONNECT_TIMEOUT_MS = 3_000;

/** The URL without credentials, safe to log. */
function redactedAddress(url: string): string {
  try {
    const { protocol, host, pathname } = new URL(url);
    return `${protocol}//${host}${pathname === '/' ? '' : pathname}`;
  } catch {
    return 'a REDIS_URL that is not a URL';
  }
}

/**
 * A Redis cache over one ioredis connection per execution environment,
 * opened at INIT and closed with `QUIT` at SHUTDOWN, so that warm
 * invocations reuse it. `get` and `set` reject with ioredis's error.
 *
 * @example
 * ```ts
 * await cache.set('order:A-1:status', 'paid', 3600);
 * ```
 */
@singleton()
export class Cache implements Pooled {
  #redis: Redis | undefined;
  #opened = 0;
  #commands = 0;

  constructor(
    @inject(CACHE_SETTINGS) private readonly settings: CacheSettings,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Connects to the server.
   *
   * Phase: init. Rejects, naming the server, when it cannot connect; the
   * client is stopped first, so it does not go on retrying.
   */
  @OnInit()
  async connect(): Promise<void> {
    const server = redactedAddress(this.settings.url);
    const redis = new Redis(this.settings.url, {
      connectionName: this.settings.connectionName,
      keyPrefix: this.settings.keyPrefix,
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // A command fails after one reconnect attempt instead of twenty, so
      // one message fails, not the whole batch's time budget.
      maxRetriesPerRequest: 1,
      // A server that went away without closing the connection answers
      // nothing, and no reconnect attempt fails; only this timer, which
      // runs from when the command is sent or queued, ends the wait.
      commandTimeout: this.settings.commandTimeoutMs,
    });
    redis.on('connect', () => this.#opened++);
    // ioredis reconnects by itself; without a listener it would print
    // every failed attempt to stderr.
    redis.on('error', (error: Error) =>
      this.logger.warn('cache connection error', {
        server,
        errorMessage: error.message,
      }),
    );

    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(
        `cannot connect to Redis at ${server} (REDIS_URL): ` +
          (error instanceof Error ? error.message : String(error)),
        { cause: error },
      );
    }
    this.#redis = redis;
    this.logger.info('cache connected', { server });
  }

  /** The value under `key`, or undefined. */
  async get(key: string): Promise<string | undefined> {
    const redis = this.#client();
    this.#commands++;
    return (await redis.get(key)) ?? undefined;
  }

  /** Stores `value` under `key` for `ttlSeconds`. */
  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    const redis = this.#client();
    this.#commands++;
    await redis.set(key, value, 'EX', ttlSeconds);
  }

  /**
   * Connections opened since INIT, open now, and the commands this cache
   * sent over its one connection (as `acquired`); see {@link Pooled}.
   */
  poolStats(): PoolStats {
    return {
      opened: this.#opened,
      open: this.#redis?.status === 'ready' ? 1 : 0,
      acquired: this.#commands,
    };
  }

  /**
   * Sends `QUIT`: pending replies arrive, then the server closes the
   * connection.
   *
   * Phase: shutdown. Rejects with ioredis's error; the framework logs it.
   */
  @OnShutdown()
  async close(): Promise<void> {
    const redis = this.#redis;
    if (redis === undefined) return;

    this.#redis = undefined;
    await redis.quit();
    this.logger.info('cache closed', { opened: this.#opened });
  }

  #client(): Redis {
    if (this.#redis === undefined) {
      throw new Error(
        'Cache: the connection is not open (before @OnInit or after ' +
          '@OnShutdown)',
      );
    }
    return this.#redis;
  }
}
