import type { PGlite } from '@electric-sql/pglite';
import { inject, singleton } from 'tsyringe';
import { LOGGER, type Logger, OnInit, OnShutdown } from 'lambda-lifecycle';
import type { Database, Row } from './database';

/** What to do when pglite cannot run here, for the INIT error. */
const USE_A_SERVER =
  'Set DATABASE_URL to use a PostgreSQL server instead: a bundle leaves ' +
  'pglite out (it reads WebAssembly and data files beside its modules), ' +
  'and inside Lambda it needs 1024 MB or more';

/** The first line of the error's message (Node.js adds a require stack). */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/**
 * The orders' database when no server is configured: PostgreSQL compiled
 * to WebAssembly (`@electric-sql/pglite`), in memory, inside the process.
 * Same SQL as the server, nothing to install; its data lives as long as
 * the execution environment. pglite is imported by `open`, so that only an
 * environment that uses it loads it, and bundles can leave it out.
 *
 * @example
 * ```ts
 * container.register(DATABASE, { useClass: EmbeddedDatabase });
 * ```
 */
// Limitation: pglite takes ~730 MB and 2-5 s of INIT; set DATABASE_URL.
// Limitation: jest refuses pglite's dynamic imports; test it in a child.
@singleton()
export class EmbeddedDatabase implements Database {
  #db: PGlite | undefined;

  constructor(@inject(LOGGER) private readonly logger: Logger) {}

  /**
   * Loads pglite and starts the embedded database (2-5 s: it runs initdb).
   *
   * Phase: init. Rejects, saying to set DATABASE_URL, when pglite is not
   * installed beside the code (as in a bundle) or cannot start.
   */
  @OnInit()
  async open(): Promise<void> {
    let pglite: typeof import('@electric-sql/pglite');
    try {
      pglite = await import('@electric-sql/pglite');
    } catch (error) {
      throw new Error(
        'EmbeddedDatabase.open: the embedded PostgreSQL ' +
          `(@electric-sql/pglite) is not installed here: ${reason(error)}. ` +
          USE_A_SERVER,
        { cause: error },
      );
    }
    try {
      this.#db = await pglite.PGlite.create();
    } catch (error) {
      throw new Error(
        `EmbeddedDatabase.open: pglite could not start: ${reason(error)}. ` +
          USE_A_SERVER,
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
