import { Pool, type QueryResultRow } from 'pg';
import { inject, singleton } from 'tsyringe';
import {
  LOGGER,
  type Logger,
  OnInit,
  OnShutdown,
  type PoolStats,
  type Pooled,
} from 'lambda-lifecycle';
import {
  DATABASE_SETTINGS,
  type Database,
  type DatabaseSettings,
  type Row,
} from './database';

// INIT has 10 s in all; a server that does not answer must not use them up.
const CONNECT_TIMEOUT_MS = 3_000;

/** The URL without credentials or parameters, safe to log. */
function redactedAddress(url: string): string {
  try {
    const { protocol, host, pathname } = new URL(url);
    return `${protocol}//${host}${pathname}`;
  } catch {
    return 'a DATABASE_URL that is not a URL';
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The orders' database on a PostgreSQL server: one `pg` pool per execution
 * environment, opened at INIT and ended at SHUTDOWN, so that warm
 * invocations reuse the connections an earlier invocation opened.
 *
 * @example
 * ```ts
 * container.register(DATABASE, { useClass: PostgresDatabase });
 * ```
 */
@singleton()
export class PostgresDatabase implements Database, Pooled {
  #pool: Pool | undefined;
  #opened = 0;
  #acquired = 0;

  constructor(
    @inject(DATABASE_SETTINGS) private readonly settings: DatabaseSettings,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Creates the pool and checks that the server answers.
   *
   * Phase: init. Rejects, naming the server, when it cannot connect; the
   * pool is ended first, so nothing is left trying.
   */
  @OnInit()
  async open(): Promise<void> {
    const server = redactedAddress(this.settings.url);
    const pool = new Pool({
      connectionString: this.settings.url,
      application_name: this.settings.applicationName,
      max: this.settings.maxConnections,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // Lambda freezes the process between invocations. pg's idle timer
      // (10 s by default) would fire at the next thaw and close the
      // connection the invocation is about to use; 0 keeps it open.
      idleTimeoutMillis: 0,
    });
    pool.on('connect', () => this.#opened++);
    // A client checked out of the pool, for a query or by connect().
    pool.on('acquire', () => this.#acquired++);
    // A connection the server or the network dropped while idle: pg takes
    // it out of the pool and the next query opens another. Without a
    // listener the 'error' event would end the process.
    pool.on('error', (error) =>
      this.logger.warn('idle database connection lost', {
        server,
        errorMessage: error.message,
      }),
    );

    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end();
      throw new Error(
        `cannot connect to PostgreSQL at ${server} (DATABASE_URL): ` +
          reason(error),
        { cause: error },
      );
    }
    this.#pool = pool;
    this.logger.info('database pool opened', { server });
  }

  async query<R extends object = Row>(
    text: string,
    params: readonly unknown[] = [],
  ): Promise<R[]> {
    const { rows } = await this.#open().query<R & QueryResultRow>(text, [
      ...params,
    ]);
    return rows;
  }

  /**
   * Connections opened since INIT, open now, and checked out since INIT;
   * see {@link Pooled}.
   */
  poolStats(): PoolStats {
    return {
      opened: this.#opened,
      open: this.#pool?.totalCount ?? 0,
      acquired: this.#acquired,
    };
  }

  /**
   * Ends the pool: waits for checked-out connections, closes them all.
   *
   * Phase: shutdown. Rejects with pg's error; the framework logs it.
   */
  @OnShutdown()
  async close(): Promise<void> {
    const pool = this.#pool;
    if (pool === undefined) return;

    this.#pool = undefined;
    await pool.end();
    this.logger.info('database pool closed', {
      opened: this.#opened,
      open: pool.totalCount,
    });
  }

  #open(): Pool {
    if (this.#pool === undefined) {
      throw new Error(
        'PostgresDatabase.query: the pool is not open (before @OnInit or ' +
          'after @OnShutdown)',
      );
    }
    return this.#pool;
  }
}
