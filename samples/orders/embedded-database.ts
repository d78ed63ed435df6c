import { PGlite } from '@electric-sql/pglite';
import { inject, singleton } from 'tsyringe';
import { LOGGER, type Logger, OnInit, OnShutdown } from 'lambda-lifecycle';
import type { Database, Row } from './database';

/**
 * The orders' database when no server is configured: PostgreSQL compiled
 * to WebAssembly (`@electric-sql/pglite`), in memory, inside the process.
 * Same SQL as the server, nothing to install; its data lives as long as
 * the execution environment.
 *
 * @example
 * ```ts
 * container.register(DATABASE, { useClass: EmbeddedDatabase });
 * ```
 */
// Limitation: pglite takes about 730 MB of memory and 2-5 s of INIT; inside Lambda give the function 1024 MB or more, or set DATABASE_URL.
// Limitation: pglite imports Node.js built-ins dynamically, which jest's module sandbox refuses without --experimental-vm-modules; test it through a generated entry in a child process, as the samples do.
@singleton()
export class EmbeddedDatabase implements Database {
  #db: PGlite | undefined;

  constructor(@inject(LOGGER) private readonly logger: Logger) {}

  /**
   * Starts the embedded database (2-5 s: it runs initdb).
   *
   * Phase: init. Rejects with pglite's error when it cannot start.
   */
  @OnInit()
  async open(): Promise<void> {
    try {
      this.#db = await PGlite.create();
    } catch (error) {
      // pglite reads its WebAssembly and data files from beside its module,
      // and a bundle carries JavaScript only.
      throw new Error(
        'EmbeddedDatabase.open: pglite could not start ' +
          `(${(error as Error).message}). In a bundle, or inside Lambda, ` +
          'set DATABASE_URL to use a PostgreSQL server instead.',
        { cause: error },
      );
    }
    this.logger.info('embedded database opened', {
      engine: 'pglite, in memory',
      hint: 'set DATABASE_URL to use a PostgreSQL server',
    });
  }

  async query<R extends object = Row>(
    text: string,
    params: readonly unknown[] = [],
  ): Promise<R[]> {
    const { rows } = await this.#open().query<R>(text, [...params]);
    return rows;
  }

  /**
   * Stops the embedded database; its data goes with it.
   *
   * Phase: shutdown. Rejects with pglite's error; the framework logs it.
   */
  @OnShutdown()
  async close(): Promise<void> {
    const db = this.#db;
    if (db === undefined) return;

    this.#db = undefined;
    await db.close();
    this.logger.info('embedded database closed');
  }

  #open(): PGlite {
    if (this.#db === undefined) {
      throw new Error(
        'EmbeddedDatabase.query: the database is not open (before @OnInit ' +
          'or after @OnShutdown)',
      );
    }
    return this.#db;
  }
}
