import path from 'node:path';
import { LifecycleError } from '../../src';
import {
  parseHandlerSpecs,
  resolveConfig,
} from '../../src/cli/generate-config';

const SOURCE = 'lambda-lifecycle.config.json';
const BASE = path.resolve('/project');

function orders(fields: Record<string, unknown> = {}) {
  return {
    module: './dist/orders.handler.js',
    export: 'OrdersHandler',
    ...fields,
  };
}

function refusal(config: unknown): LifecycleError {
  try {
    resolveConfig(config, SOURCE, BASE);
  } catch (error) {
    if (LifecycleError.is(error)) return error;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe(resolveConfig.name, () => {
  it('resolves paths against the config directory and sorts handlers', () => {
    const config = resolveConfig(
      {
        outDir: 'out/entries',
        formats: ['cjs', 'esm'],
        handlers: {
          payments: orders({ export: 'PaymentsHandler' }),
          orders: orders({ options: { shutdownBudgetMs: 300 } }),
        },
      },
      SOURCE,
      BASE,
    );

    expect(config.outDir).toBe(path.join(BASE, 'out/entries'));
    expect(config.formats).toEqual(['esm', 'cjs']);
    expect(config.handlers.map((h) => h.name)).toEqual(['orders', 'payments']);
    expect(config.handlers[0]).toMatchObject({
      modulePath: path.join(BASE, 'dist/orders.handler.js'),
      exportName: 'OrdersHandler',
      options: { shutdownBudgetMs: 300 },
    });
  });

  it('defaults to the entries directory and ES module entries', () => {
    const config = resolveConfig(
      { handlers: { orders: orders() } },
      SOURCE,
      BASE,
    );

    expect(config.outDir).toBe(path.join(BASE, 'entries'));
    expect(config.formats).toEqual(['esm']);
  });

  it.each([
    ['../orders', 'handler "../orders"', 'safe file name'],
    ['orders/v2', 'handler "orders/v2"', 'safe file name'],
    ['.hidden', 'handler ".hidden"', 'safe file name'],
  ])('refuses the handler name %j', (name, where, what) => {
    const error = refusal({ handlers: { [name]: orders() } });

    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(`${SOURCE}, ${where}`);
    expect(error.message).toContain(what);
  });

  it.each([
    ['Orders-Handler'],
    ['1Orders'],
    ['default'],
    ['handler'],
    ['createHandler'],
    ['Orders; process.exit(1)'],
  ])('refuses the export %j', (exportName) => {
    const error = refusal({
      handlers: { orders: orders({ export: exportName }) },
    });

    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(`${SOURCE}, handler "orders": "export"`);
    expect(error.message).toContain(JSON.stringify(exportName));
  });

  it.each([
    ["./dist/orders'; process.exit(1); '.js"],
    ['./dist/orders".js'],
    ['./dist/`orders`.js'],
    ['./dist/orders\n.js'],
    ['./dist/${x}.js'],
    ['dist/orders.handler.js'],
    ['/abs/orders.handler.js'],
    ['./dist/orders.handler.ts'],
    ['./dist/orders.handler'],
  ])('refuses the module path %j', (module) => {
    const error = refusal({ handlers: { orders: orders({ module }) } });

    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(`${SOURCE}, handler "orders": "module"`);
  });

  it('refuses two handlers whose names differ only in case', () => {
    const error = refusal({ handlers: { orders: orders(), Orders: orders() } });

    expect(error.message).toContain('handler "orders"');
    expect(error.message).toContain('duplicate of handler "Orders"');
  });

  it('refuses an unknown field, naming it', () => {
    const error = refusal({ handlers: { orders: orders({ exports: 'X' }) } });

    expect(error.message).toContain(
      'handler "orders": unknown field "exports"',
    );
  });

  it('refuses options that are not plain JSON settings', () => {
    const logger = refusal({
      handlers: { orders: orders({ options: { logger: 'console' } }) },
    });
    const budget = refusal({
      handlers: { orders: orders({ options: { shutdownBudgetMs: -1 } }) },
    });

    expect(logger.message).toContain('options: unknown field "logger"');
    expect(budget.message).toContain('"shutdownBudgetMs" must be a positive');
  });

  it('reads memory, timeout and environment, with the variables sorted', () => {
    const config = resolveConfig(
      {
        handlers: {
          orders: orders({
            memory: 512,
            timeout: 30,
            environment: { TABLE: 'orders', LOG_LEVEL: 'info' },
          }),
          payments: orders({ export: 'PaymentsHandler' }),
        },
      },
      SOURCE,
      BASE,
    );

    expect(config.handlers[0].function).toEqual({
      memory: 512,
      timeout: 30,
      environment: { LOG_LEVEL: 'info', TABLE: 'orders' },
    });
    expect(Object.keys(config.handlers[0].function.environment)).toEqual([
      'LOG_LEVEL',
      'TABLE',
    ]);
    expect(config.handlers[1].function).toEqual({ environment: {} });
  });

  it.each([
    [
      { memory: 127 },
      '"memory" must be a whole number of MB from 128 to 10240',
    ],
    [{ memory: 10_241 }, '"memory" must be a whole number of MB'],
    [{ memory: 256.5 }, '"memory" must be a whole number of MB'],
    [{ memory: '512' }, '"memory" must be a whole number of MB'],
    [
      { timeout: 0 },
      '"timeout" must be a whole number of seconds from 1 to 900',
    ],
    [{ timeout: 901 }, '"timeout" must be a whole number of seconds'],
    [{ environment: ['A=1'] }, '"environment" must be an object'],
    [{ environment: { '1ST': 'x' } }, 'environment variable "1ST": a name'],
    [{ environment: { A: 'x' } }, 'environment variable "A": a name'],
    [{ environment: { 'MY-VAR': 'x' } }, 'environment variable "MY-VAR"'],
    [{ environment: { AWS_REGION: 'eu-west-1' } }, '"AWS_REGION" is reserved'],
    [{ environment: { PORT: 5432 } }, '"PORT" must be a string, got 5432'],
    [{ environment: { BIG: 'x'.repeat(4094) } }, 'take 4097 bytes'],
  ])('refuses the function settings %j', (fields, problem) => {
    const error = refusal({ handlers: { orders: orders(fields) } });

    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(`${SOURCE}, handler "orders": `);
    expect(error.message).toContain(problem);
  });

  it('reads the packages build leaves out, none by default', () => {
    const listed = resolveConfig(
      { external: ['@electric-sql/pglite'], handlers: { orders: orders() } },
      SOURCE,
      BASE,
    );
    const unlisted = resolveConfig(
      { handlers: { orders: orders() } },
      SOURCE,
      BASE,
    );

    expect(listed.external).toEqual(['@electric-sql/pglite']);
    expect(unlisted.external).toEqual([]);
  });

  it.each([['pg'], [['']], [[42]]])(
    'refuses "external": %j, which is not a list of package names',
    (external) => {
      const error = refusal({ external, handlers: { orders: orders() } });

      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toContain('"external" must be a list');
    },
  );

  it('refuses unknown formats and an empty handler list', () => {
    const formats = refusal({
      formats: ['umd'],
      handlers: { orders: orders() },
    });
    const empty = refusal({ handlers: {} });

    expect(formats.message).toContain('"formats" must be');
    expect(empty.message).toContain('"handlers" must name at least one');
  });
});

describe(parseHandlerSpecs.name, () => {
  it('reads name=module#Export specs', () => {
    const handlers = parseHandlerSpecs([
      'orders=./dist/orders.handler.js#OrdersHandler',
    ]);

    expect(handlers).toEqual({
      orders: { module: './dist/orders.handler.js', export: 'OrdersHandler' },
    });
  });

  it('refuses a spec without module or export, naming it', () => {
    expect(() => parseHandlerSpecs(['orders=./dist/orders.js'])).toThrow(
      '--handlers: "orders=./dist/orders.js" is not name=module#Export',
    );
  });

  it('refuses a handler given twice', () => {
    expect(() =>
      parseHandlerSpecs(['orders=./a.js#A', 'orders=./b.js#B']),
    ).toThrow('--handlers, handler "orders": given twice');
  });
});
