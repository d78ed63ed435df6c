import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

/** The server the sample tests talk to; `.ci/run` starts it when down. */
export const POSTGRES_URL =
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

/** A name no other test or run uses: `<prefix>_<pid>_<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** `url` with every connection's tables going to `schema`. */
export function urlWithSchema(schema: string, url = POSTGRES_URL): string {
  const withSchema = new URL(url);
  withSchema.searchParams.set('options', `-c search_path=${schema}`);
  return withSchema.toString();
}

/**
 * The test's own connection to the PostgreSQL server, to prepare schemas
 * and to see, from the server's side, which connections a client holds.
 */
export class PostgresServer {
  private constructor(private readonly client: Client) {}

  /** Connects, or fails with what to start and how. */
  static async connect(): Promise<PostgresServer> {
    const client = new Client({
      connectionString: POSTGRES_URL,
      application_name: 'lambda-lifecycle-tests',
    });
    try {
      await client.connect();
    } catch (error) {
      throw new Error(
        `The sample tests need PostgreSQL at ${POSTGRES_URL} ` +
          `(TEST_DATABASE_URL), which refused: ${(error as Error).message}. ` +
          'Start it as .ci/run does: pg_lsclusters shows its version and ' +
          'name, then pg_ctlcluster <version> <name> start',
        { cause: error },
      );
    }
    return new PostgresServer(client);
  }

  async createSchema(schema: string): Promise<void> {
    await this.client.query(`CREATE SCHEMA "${schema}"`);
  }

  async dropSchema(schema: string): Promise<void> {
    await this.client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }

  /** The tables in `schema`. */
  async tables(schema: string): Promise<string[]> {
    const { rows } = await this.client.query<{ name: string }>(
      'SELECT tablename AS name FROM pg_tables WHERE schemaname = $1',
      [schema],
    );
    return rows.map((row) => row.name);
  }

  /** The server's process id for each connection named `applicationName`. */
  async connections(applicationName: string): Promise<string[]> {
    const { rows } = await this.client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    return rows.map((row) => String(row.pid));
  }

  /** Ends the connections named `applicationName` from the server's side. */
  async terminate(applicationName: string): Promise<void> {
    await this.client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity ' +
        'WHERE application_name = $1',
      [applicationName],
    );
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/**
 * The connections `list` reports once they have settled at none, or what
 * is left after a generous number of tries: a server notices a closed
 * connection shortly after the client has closed it, not at once.
 */
export async function settledConnections(
  list: () => Promise<string[]>,
  tries = 250,
): Promise<string[]> {
  let left = await list();
  for (let attempt = 1; attempt < tries && left.length > 0; attempt++) {
    await sleep(20);
    left = await list();
  }
  return left;
}
