import type { InjectionToken } from 'tsyringe';

/** One row as a query returns it: column name to value. */
export type Row = Record<string, unknown>;

/**
 * What the orders sample needs from a SQL database: parameterised queries
 * that resolve with their rows. Two providers implement it, a PostgreSQL
 * server through a `pg` pool ({@link PostgresDatabase}) and an embedded
 * PostgreSQL ({@link EmbeddedDatabase}); see `database-providers.ts` for
 * which one an environment gets.
 */
export interface Database {
  /**
   * Runs one statement with `$1`-style parameters.
   *
   * Phase: each invoke (or init, for schema set-up). Rejects with the
   * driver's error, which carries the SQLSTATE as `code`.
   *
   * @example
   * ```ts
   * const rows = await db.query<{ id: string }>('SELECT $1::text AS id', ['7']);
   * ```
   */
  query<R extends object = Row>(
    text: string,
    params?: readonly unknown[],
  ): Promise<R[]>;
}

/**
 * Token of the environment's {@link Database}.
 *
 * @example
 * ```ts
 * constructor(@inject(DATABASE) private readonly db: Database) {}
 * ```
 */
export const DATABASE: InjectionToken<Database> = Symbol.for(
  'lambda-lifecycle/samples/database',
);

/** How {@link PostgresDatabase} connects, read once from the environment. */
export interface DatabaseSettings {
  /** A `postgres://` URL; its query parameters win over the fields below. */
  readonly url: string;
  /** `application_name` the server shows for each connection. */
  readonly applicationName: string;
  /** The most connections the pool opens. */
  readonly maxConnections: number;
}

/**
 * Token of the {@link DatabaseSettings}.
 *
 * @example
 * ```ts
 * providers: [{ token: DATABASE_SETTINGS, useValue: { url, applicationName: 'orders', maxConnections: 1 } }]
 * ```
 */
export const DATABASE_SETTINGS: InjectionToken<DatabaseSettings> = Symbol.for(
  'lambda-lifecycle/samples/database-settings',
);
