import { container } from 'tsyringe';
import { DATABASE, DATABASE_SETTINGS } from '../../../samples/orders/database';
import {
  databaseProviders,
  registerDatabase,
} from '../../../samples/orders/database-providers';
import { EmbeddedDatabase } from '../../../samples/orders/embedded-database';
import { PostgresDatabase } from '../../../samples/orders/postgres-database';

const URL = 'postgres://orders@db.internal:5432/orders';

describe(databaseProviders.name, () => {
  it('chooses the embedded database when DATABASE_URL is not set', () => {
    const providers = databaseProviders({});

    expect(providers).toEqual([
      { token: DATABASE, useClass: EmbeddedDatabase },
    ]);
  });

  it('chooses a pool on the server, named after the function, when DATABASE_URL is set', () => {
    const providers = databaseProviders({
      DATABASE_URL: URL,
      AWS_LAMBDA_FUNCTION_NAME: 'orders-prod',
    });

    expect(providers).toEqual([
      {
        token: DATABASE_SETTINGS,
        useValue: {
          url: URL,
          applicationName: 'orders-prod',
          maxConnections: 1,
        },
      },
      { token: DATABASE, useClass: PostgresDatabase },
    ]);
  });

  it.each([
    [undefined, 1],
    ['4', 4],
    ['64', 10],
    ['not a number', 1],
  ])(
    'sizes the pool for AWS_LAMBDA_MAX_CONCURRENCY=%s at %i',
    (concurrency, size) => {
      const [settings] = databaseProviders({
        DATABASE_URL: URL,
        AWS_LAMBDA_MAX_CONCURRENCY: concurrency,
      });

      expect(settings).toMatchObject({
        useValue: { maxConnections: size },
      });
    },
  );
});

describe(registerDatabase.name, () => {
  it('registers the choice on the container it is given', () => {
    const target = container.createChildContainer();

    registerDatabase({ DATABASE_URL: URL }, target);

    expect(target.isRegistered(DATABASE)).toBe(true);
    expect(target.resolve(DATABASE_SETTINGS)).toMatchObject({ url: URL });
  });
});
