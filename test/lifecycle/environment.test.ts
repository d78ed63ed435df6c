import { inject, injectable, singleton } from 'tsyringe';
import {
  AfterInvoke,
  BeforeInvoke,
  Handler,
  LifecycleError,
  OnInit,
  OnShutdown,
  createHandler,
} from '../../src';
import { createFakeContext, createTestBed } from '../../src/testing';

const events: string[] = [];

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

@singleton()
class Config {
  @OnInit()
  async load(): Promise<void> {
    events.push('Config.load:start');
    await tick();
    events.push('Config.load:end');
  }

  @OnShutdown()
  close(): void {
    events.push('Config.close');
  }
}

@singleton()
class Database {
  constructor(readonly config: Config) {}

  @OnInit()
  async connect(): Promise<void> {
    events.push('Database.connect:start');
    await tick();
    events.push('Database.connect:end');
  }

  @OnShutdown()
  async end(): Promise<void> {
    await tick();
    events.push('Database.end');
  }
}

@injectable()
class Cache {
  constructor(readonly config: Config) {}

  @OnInit()
  warm(): void {
    events.push('Cache.warm');
  }

  @OnShutdown()
  quit(): void {
    events.push('Cache.quit');
  }
}

@Handler()
class Orders {
  constructor(
    readonly db: Database,
    readonly cache: Cache,
  ) {}

  @OnInit()
  prepare(): void {
    events.push('Orders.prepare');
  }

  @OnShutdown()
  flush(): void {
    events.push('Orders.flush');
  }

  handle(event: { id: string }): { id: string } {
    return { id: event.id };
  }
}

beforeEach(() => {
  events.length = 0;
});

describe('Environment', () => {
  describe('at INIT', () => {
    it('runs init hooks once, each dependency finished before its dependant starts', async () => {
      const bed = await createTestBed(Orders);

      expect(events).toEqual([
        'Config.load:start',
        'Config.load:end',
        'Database.connect:start',
        'Database.connect:end',
        'Cache.warm',
        'Orders.prepare',
      ]);
      expect(bed.environment.phase).toBe('READY');
      expect(bed.stats.initSteps.map((step) => step.name)).toEqual([
        'Config.load',
        'Database.connect',
        'Cache.warm',
        'Orders.prepare',
      ]);
      expect(bed.stats.initDurationMs).toBeGreaterThan(0);
    });

    it('builds a service shared by two dependants once', async () => {
      const bed = await createTestBed(Orders);

      expect(bed.get(Orders).db.config).toBe(bed.get(Orders).cache.config);
      expect(events.filter((e) => e === 'Config.load:end')).toHaveLength(1);
    });
  });

  describe('at SHUTDOWN', () => {
    it('runs shutdown hooks in reverse dependency order', async () => {
      const bed = await createTestBed(Orders);
      events.length = 0;

      const report = await bed.shutdown();

      expect(events.indexOf('Orders.flush')).toBe(0);
      expect(events.indexOf('Config.close')).toBe(events.length - 1);
      expect(events).toEqual(
        expect.arrayContaining(['Database.end', 'Cache.quit']),
      );
      expect(report.problems).toEqual([]);
      expect(bed.environment.phase).toBe('STOPPED');
    });

    it('logs one INFO line naming every step with its kind, outcome and duration, in the order they ran', async () => {
      const bed = await createTestBed(Orders);

      await bed.shutdown();

      const lines = bed.logs.filter((log) =>
        log.message.startsWith('Shutdown finished'),
      );
      expect(lines).toEqual([
        {
          level: 'info',
          message: expect.stringMatching(
            /^Shutdown finished for Orders: 4 steps in [\d.]+ ms of a 450 ms budget, all ok$/,
          ),
          fields: expect.objectContaining({
            handler: 'Orders',
            budgetMs: 450,
            durationMs: expect.any(Number),
          }),
        },
      ]);
      const steps = lines[0].fields?.shutdownSteps as {
        kind: string;
        name: string;
        outcome: string;
        durationMs: number;
      }[];
      expect(steps.map(({ name }) => name)).toEqual([
        'Orders.flush',
        expect.any(String),
        expect.any(String),
        'Config.close',
      ]);
      expect(steps[1]).toEqual({
        kind: 'onShutdown',
        name: expect.stringMatching(/^(Database\.end|Cache\.quit)$/),
        outcome: 'ok',
        durationMs: expect.any(Number),
      });
    });

    it('rejects invocations after shutdown', async () => {
      const bed = await createTestBed(Orders);
      await bed.shutdown();

      await expect(bed.invoke({ id: 'late' })).rejects.toMatchObject({
        code: 'CONTAINER_NOT_READY',
      });
    });

    it('runs only once when asked twice', async () => {
      const bed = await createTestBed(Orders);
      events.length = 0;

      await Promise.all([bed.shutdown(), bed.shutdown()]);

      expect(events.filter((e) => e === 'Orders.flush')).toHaveLength(1);
    });
  });

  describe('when a shutdown hook fails or hangs', () => {
    @singleton()
    class Broken {
      @OnShutdown()
      close(): void {
        throw new Error('socket already closed');
      }
    }

    @singleton()
    class Hanging {
      @OnShutdown({ timeoutMs: 20 })
      close(): Promise<void> {
        return new Promise(() => undefined);
      }
    }

    @singleton()
    class Healthy {
      closed = false;

      @OnShutdown()
      close(): void {
        this.closed = true;
      }
    }

    @Handler()
    class Fragile {
      constructor(
        readonly broken: Broken,
        readonly hanging: Hanging,
        readonly healthy: Healthy,
      ) {}
      handle(): void {}
    }

    it('still runs every other hook and reports each problem', async () => {
      const bed = await createTestBed(Fragile);
      const healthy = bed.get(Healthy);

      const report = await bed.shutdown();

      expect(healthy.closed).toBe(true);
      expect(
        report.problems.map(({ name, outcome }) => ({ name, outcome })),
      ).toEqual(
        expect.arrayContaining([
          { name: 'Broken.close', outcome: 'failed' },
          { name: 'Hanging.close', outcome: 'timed-out' },
        ]),
      );
      expect(bed.logs.filter((log) => log.level === 'error')).toHaveLength(2);
    });

    it('says in its shutdown line which steps failed or timed out', async () => {
      const bed = await createTestBed(Fragile);

      await bed.shutdown();

      const line = bed.logs.find((log) =>
        log.message.startsWith('Shutdown finished'),
      );
      expect(line?.message).toMatch(/3 steps in .*, 1 failed, 1 timed out$/);
      expect(line?.fields?.shutdownSteps).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'Broken.close', outcome: 'failed' }),
          expect.objectContaining({
            name: 'Hanging.close',
            outcome: 'timed-out',
          }),
          expect.objectContaining({ name: 'Healthy.close', outcome: 'ok' }),
        ]),
      );
    });

    it('cuts a hook that outlives the whole budget', async () => {
      @singleton()
      class Forever {
        @OnShutdown()
        close(): Promise<void> {
          return new Promise(() => undefined);
        }
      }
      @Handler()
      class Slow {
        constructor(readonly forever: Forever) {}
        handle(): void {}
      }
      const bed = await createTestBed(Slow, { shutdownBudgetMs: 30 });

      const report = await bed.shutdown();

      expect(report.steps).toEqual([
        expect.objectContaining({
          name: 'Forever.close',
          outcome: 'timed-out',
        }),
      ]);
    });
  });

  describe('with factory and value registrations', () => {
    const POOL = Symbol('POOL');
    const REDIS = 'REDIS';

    @Handler()
    class UsesClients {
      constructor(
        @inject(POOL) readonly pool: { end(): Promise<void> },
        @inject(REDIS) readonly redis: { quit(): void },
      ) {}
      handle(): void {}
    }

    it('disposes them at shutdown through their close-like member', async () => {
      const ended: string[] = [];
      const bed = await createTestBed(UsesClients, {
        providers: [
          {
            token: POOL,
            useFactory: () => ({
              end: async () => {
                ended.push('pool.end');
              },
            }),
          },
          { token: REDIS, useValue: { quit: () => ended.push('redis.quit') } },
        ],
      });

      const report = await bed.shutdown();

      expect(ended.sort()).toEqual(['pool.end', 'redis.quit']);
      expect(report.steps.map((step) => step.name).sort()).toEqual([
        '"REDIS".quit',
        '"Symbol(POOL)".end',
      ]);
    });

    it('lists the disposers in its shutdown line as dispose steps', async () => {
      const bed = await createTestBed(UsesClients, {
        providers: [
          { token: POOL, useValue: { end: async () => undefined } },
          { token: REDIS, useValue: { quit: () => undefined } },
        ],
      });

      await bed.shutdown();

      const line = bed.logs.find((log) =>
        log.message.startsWith('Shutdown finished'),
      );
      expect(line?.fields?.shutdownSteps).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'dispose', name: '"REDIS".quit' }),
          expect.objectContaining({
            kind: 'dispose',
            name: '"Symbol(POOL)".end',
          }),
        ]),
      );
    });

    it('calls a factory once per environment', async () => {
      let built = 0;
      @Handler()
      class TwoUsers {
        constructor(
          @inject(POOL) readonly a: object,
          @inject(POOL) readonly b: object,
        ) {}
        handle(): void {}
      }

      const bed = await createTestBed(TwoUsers, {
        providers: [{ token: POOL, useFactory: () => ({ id: ++built }) }],
      });

      expect(built).toBe(1);
      expect(bed.get(TwoUsers).a).toBe(bed.get(TwoUsers).b);
    });
  });

  describe('when a factory or value has another release member', () => {
    const CLIENT = Symbol('CLIENT');
    // ES2022 lib: the explicit-resource-management symbols, typed by hand.
    const { asyncDispose, dispose } = Symbol as unknown as {
      asyncDispose: symbol;
      dispose: symbol;
    };

    @Handler()
    class UsesClient {
      constructor(@inject(CLIENT) readonly client: object) {}
      handle(): void {}
    }

    it.each<string | symbol>([
      'close',
      'dispose',
      'destroy',
      asyncDispose,
      dispose,
    ])('releases one through %s', async (member) => {
      // As the report names a member: a symbol in brackets.
      const shown =
        typeof member === 'symbol' ? `[${member.toString()}]` : member;
      const released: string[] = [];
      const client = { [member]: () => released.push(shown) };
      const bed = await createTestBed(UsesClient, {
        providers: [{ token: CLIENT, useFactory: () => client }],
      });

      const report = await bed.shutdown();

      expect(released).toEqual([shown]);
      expect(report.steps).toEqual([
        expect.objectContaining({
          kind: 'dispose',
          name: `"Symbol(CLIENT)".${shown}`,
          outcome: 'ok',
        }),
      ]);
    });

    it('prefers Symbol.asyncDispose over the usual names, and calls one only', async () => {
      const released: string[] = [];
      const client = {
        end: () => released.push('end'),
        close: () => released.push('close'),
        [asyncDispose]: async () => {
          released.push('asyncDispose');
        },
      };
      const bed = await createTestBed(UsesClient, {
        providers: [{ token: CLIENT, useValue: client }],
      });

      await bed.shutdown();

      expect(released).toEqual(['asyncDispose']);
    });

    it('releases a class instance only through dispose(), not close()', async () => {
      const released: string[] = [];
      @singleton()
      class Disposable {
        dispose(): void {
          released.push('Disposable.dispose');
        }
      }
      @singleton()
      class Closable {
        close(): void {
          released.push('Closable.close');
        }
      }
      @Handler()
      class Both {
        constructor(
          readonly disposable: Disposable,
          readonly closable: Closable,
        ) {}
        handle(): void {}
      }
      const bed = await createTestBed(Both);

      await bed.shutdown();

      expect(released).toEqual(['Disposable.dispose']);
    });
  });

  describe('when disposers depend on each other', () => {
    const POOL = 'POOL';
    const REPOSITORY = 'REPOSITORY';
    const released: string[] = [];

    @singleton()
    class Sessions {
      constructor(@inject(REPOSITORY) readonly repository: object) {}

      @OnShutdown()
      async flush(): Promise<void> {
        await tick();
        released.push('Sessions.flush');
      }
    }

    @Handler()
    class Layered {
      constructor(readonly sessions: Sessions) {}
      handle(): void {}
    }

    it('releases each after everything that uses it, through factories too', async () => {
      released.length = 0;
      const bed = await createTestBed(Layered, {
        providers: [
          {
            token: POOL,
            useFactory: () => ({
              end: () => released.push('pool.end'),
            }),
          },
          {
            token: REPOSITORY,
            useFactory: (c) => ({
              pool: c.resolve(POOL),
              close: async () => {
                await tick();
                released.push('repository.close');
              },
            }),
          },
        ],
      });

      await bed.shutdown();

      expect(released).toEqual([
        'Sessions.flush',
        'repository.close',
        'pool.end',
      ]);
    });
  });

  describe('when an init hook does not settle within its timeoutMs', () => {
    @singleton()
    class Slow {
      @OnInit({ timeoutMs: 20 })
      connect(): Promise<void> {
        return new Promise(() => undefined);
      }
    }

    @Handler()
    class Waits {
      constructor(readonly slow: Slow) {}
      handle(): void {}
    }

    it('fails INIT with HOOK_TIMED_OUT naming the hook and what to do', async () => {
      const error = await createTestBed(Waits).catch((e: unknown) => e);

      expect(LifecycleError.is(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'HOOK_TIMED_OUT',
        message: expect.stringContaining(
          '@OnInit on Slow.connect: hook did not settle within its timeoutMs',
        ),
      });
      expect((error as Error).message).toContain(
        'raise timeoutMs or make the hook faster',
      );
    });
  });

  describe('when an init hook fails', () => {
    let attempts = 0;
    const closed: string[] = [];

    @singleton()
    class Pool {
      @OnInit()
      open(): void {}

      @OnShutdown()
      close(): void {
        closed.push('Pool.close');
      }
    }

    @singleton()
    class Flaky {
      constructor(readonly pool: Pool) {}

      @OnInit()
      async connect(): Promise<void> {
        attempts++;
        if (attempts === 1) throw new Error('ECONNREFUSED 127.0.0.1:5432');
      }
    }

    @singleton()
    class NeverStarted {
      @OnInit()
      open(): void {}

      @OnShutdown()
      close(): void {
        closed.push('NeverStarted.close');
      }
    }

    @Handler()
    class Needy {
      constructor(
        readonly flaky: Flaky,
        readonly later: NeverStarted,
      ) {}
      handle(): string {
        return 'served';
      }
    }

    beforeEach(() => {
      attempts = 0;
      closed.length = 0;
    });

    it('rejects ready with the class and member, and closes what was opened', async () => {
      const handler = createHandler(Needy, { logger: silent() });

      const error = await handler.ready.catch((e: unknown) => e);

      expect(LifecycleError.is(error)).toBe(true);
      expect(error).toMatchObject({ code: 'HOOK_FAILED' });
      expect((error as Error).message).toContain('@OnInit on Flaky.connect');
      expect((error as Error).message).toContain('ECONNREFUSED');
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(closed).toEqual(['Pool.close']);
      expect(handler.environment.phase).toBe('FAILED');
    });

    it('initialises again from scratch on the next invocation', async () => {
      const handler = createHandler(Needy, { logger: silent() });
      await handler.ready.catch(() => undefined);
      const context = createFakeContext();

      const result = await handler(undefined, context);

      expect(result).toBe('served');
      expect(attempts).toBe(2);
      expect(handler.environment.phase).toBe('READY');
    });
  });

  describe('when INIT fails and is retried by invocations', () => {
    let failures = 0;

    @singleton()
    class Unsteady {
      @OnInit()
      connect(): void {
        if (failures > 0) {
          failures--;
          throw new Error('ECONNREFUSED 127.0.0.1:5432');
        }
      }
    }

    @Handler()
    class Retrying {
      constructor(readonly unsteady: Unsteady) {}
      handle(): string {
        return 'served';
      }
    }

    it('counts the cold start on the invocation that retried INIT and succeeded first', async () => {
      failures = 1;
      const handler = createHandler(Retrying, { logger: silent(), env: {} });
      await handler.ready.catch(() => undefined);

      await handler(undefined, createFakeContext());

      expect(handler.stats.coldStart).toBe(true);
    });

    it('counts it on the first invocation the environment received, even when that one failed', async () => {
      failures = 2;
      const handler = createHandler(Retrying, { logger: silent(), env: {} });
      await handler.ready.catch(() => undefined);

      const first = await handler(undefined, createFakeContext()).catch(
        (error: unknown) => error,
      );
      const second = await handler(undefined, createFakeContext());

      expect(LifecycleError.is(first)).toBe(true);
      expect(second).toBe('served');
      expect(handler.stats.coldStart).toBe(false);
    });
  });

  describe('when INIT fails and the caller passed values', () => {
    const CLIENT = 'CLIENT';
    const POOL = 'POOL';

    class Closable {
      ended = false;
      end(): void {
        this.ended = true;
      }
    }

    let attempts = 0;
    let pools: Closable[] = [];
    const closed: string[] = [];

    @singleton()
    class Journal {
      @OnShutdown()
      close(): void {
        closed.push('Journal.close');
      }
    }

    @singleton()
    class Connection {
      constructor(
        @inject(CLIENT) readonly client: Closable,
        @inject(POOL) readonly pool: Closable,
        readonly journal: Journal,
      ) {}

      @OnInit()
      open(): void {
        attempts++;
        if (attempts === 1) throw new Error('ECONNREFUSED 127.0.0.1:6379');
      }
    }

    @Handler()
    class Retried {
      constructor(readonly connection: Connection) {}
      handle(): { clientEnded: boolean; poolEnded: boolean } {
        return {
          clientEnded: this.connection.client.ended,
          poolEnded: this.connection.pool.ended,
        };
      }
    }

    async function failOnce(client: Closable) {
      const handler = createHandler(Retried, {
        logger: silent(),
        providers: [
          { token: CLIENT, useValue: client },
          {
            token: POOL,
            useFactory: () => {
              const pool = new Closable();
              pools.push(pool);
              return pool;
            },
          },
        ],
      });
      await handler.ready.catch(() => undefined);
      return handler;
    }

    beforeEach(() => {
      attempts = 0;
      pools = [];
      closed.length = 0;
    });

    it('leaves a value it was given open, and the retry runs with it', async () => {
      const client = new Closable();
      const handler = await failOnce(client);

      const result = await handler(undefined, createFakeContext());

      expect(result).toEqual({ clientEnded: false, poolEnded: false });
      expect(handler.environment.resolve(Connection).client).toBe(client);
      expect(client.ended).toBe(false);
    });

    it('releases what it built itself, and the retry builds them anew', async () => {
      const handler = await failOnce(new Closable());

      expect(pools.map((pool) => pool.ended)).toEqual([true]);
      expect(closed).toEqual(['Journal.close']);

      await handler(undefined, createFakeContext());

      expect(pools.map((pool) => pool.ended)).toEqual([true, false]);
      expect(handler.environment.resolve(Connection).pool).toBe(pools[1]);
    });

    it('releases the value at the final shutdown', async () => {
      const client = new Closable();
      const handler = await failOnce(client);
      await handler(undefined, createFakeContext());

      const report = await handler.shutdown();

      expect(client.ended).toBe(true);
      expect(pools.map((pool) => pool.ended)).toEqual([true, true]);
      expect(report.steps.map((step) => step.name).sort()).toEqual([
        '"CLIENT".end',
        '"POOL".end',
        'Journal.close',
      ]);
    });
  });

  describe('when the handler is invoked before INIT has finished', () => {
    it('waits for INIT, as a CommonJS entry does on its first event', async () => {
      const handler = createHandler(Orders, { logger: silent() });

      const result = await handler({ id: 'early' }, createFakeContext());

      expect(result).toEqual({ id: 'early' });
      expect(events).toContain('Orders.prepare');
    });
  });

  describe('per invocation', () => {
    const order: string[] = [];

    @singleton()
    class Tracer {
      @BeforeInvoke()
      start(): void {
        order.push('Tracer.start');
      }

      @AfterInvoke()
      stop(): void {
        order.push('Tracer.stop');
      }
    }

    @Handler()
    class Traced {
      constructor(readonly tracer: Tracer) {}

      @BeforeInvoke()
      check(): void {
        order.push('Traced.check');
      }

      handle(): string {
        order.push('Traced.handle');
        return 'ok';
      }

      @AfterInvoke()
      audit(): void {
        order.push('Traced.audit');
      }
    }

    it('runs services\u2019 before hooks first and their after hooks last', async () => {
      const bed = await createTestBed(Traced);

      await bed.invoke(undefined);

      expect(order).toEqual([
        'Tracer.start',
        'Traced.check',
        'Traced.handle',
        'Traced.audit',
        'Tracer.stop',
      ]);
    });
  });
});

function silent() {
  return { debug() {}, info() {}, warn() {}, error() {} };
}
