import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { ProviderSpec } from 'lambda-lifecycle';
import { DATABASE, DATABASE_SETTINGS, type DatabaseSettings } from './database';
import { EmbeddedDatabase } from './embedded-database';
import { PostgresDatabase } from './postgres-database';

// Lambda sends an environment one event at a time, so one connection serves
// it. Managed Instances send up to AWS_LAMBDA_MAX_CONCURRENCY at once; the
// pool grows with it, within a cap that keeps many environments from
// exhausting the server's max_connections.
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-nodejs-runtime.html
const MAX_CONNECTIONS = 10;

function maxConnections(env: NodeJS.ProcessEnv): number {
  const concurrency = Number(env.AWS_LAMBDA_MAX_CONCURRENCY);
  return Number.isInteger(concurrency) && concurrency > 0
    ? Math.min(concurrency, MAX_CONNECTIONS)
    : 1;
}

/**
 * The providers of the orders' {@link DATABASE}, chosen from environment
 * variables: with `DATABASE_URL`, a pool on that PostgreSQL server (named
 * after the function on the server); without it, an embedded PostgreSQL,
 * so that the sample runs with nothing installed.
 *
 * Phase: init (reads `env` once). Does not throw.
 *
 * @example
 * ```ts
 * const bed = await createTestBed(OrdersHandler, {
 *   providers: databaseProviders({ DATABASE_URL: 'postgres://127.0.0.1/test' }),
 * });
 * ```
 */
export function databaseProviders(env: NodeJS.ProcessEnv): ProviderSpec[] {
  const url = env.DATABASE_URL;
  if (!url) return [{ token: DATABASE, useClass: EmbeddedDatabase }];

  const settings: DatabaseSettings = {
    url,
    applicationName: env.AWS_LAMBDA_FUNCTION_NAME || 'orders',
    maxConnections: maxConnections(env),
  };
  return [
    { token: DATABASE_SETTINGS, useValue: settings },
    { token: DATABASE, useClass: PostgresDatabase },
  ];
}

/**
 * Registers {@link databaseProviders} on tsyringe's root container, where
 * every environment of the process finds them; providers given to
 * `createHandler` or `createTestBed` still take precedence.
 *
 * Phase: init (module load). Does not throw.
 *
 * @example
 * ```ts
 * registerDatabase(process.env);
 * ```
 */
export function registerDatabase(
  env: NodeJS.ProcessEnv,
  target: DependencyContainer = rootContainer,
): void {
  for (const spec of databaseProviders(env)) {
    if ('useValue' in spec) {
      target.register(spec.token, { useValue: spec.useValue });
    } else if ('useClass' in spec) {
      target.register(spec.token, { useClass: spec.useClass as never });
    }
  }
}
