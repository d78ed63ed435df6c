import { container, inject, singleton } from 'tsyringe';
import {
  Handler,
  InvocationScope,
  InvocationScoped,
  Lazy,
  LifecycleError,
  OnInit,
  OnShutdown,
} from '../../src';
import { createTestBed } from '../../src/testing';

const order: string[] = [];

beforeEach(() => {
  order.length = 0;
});

describe('the environment container', () => {
  describe('when only a factory resolves a singleton', () => {
    @singleton()
    class Config {
      loaded = false;

      @OnInit()
      load(): void {
        this.loaded = true;
        order.push('Config.load');
      }

      @OnShutdown()
      close(): void {
        order.push('Config.close');
      }
    }

    const SETTINGS = Symbol('SETTINGS');
    interface Settings {
      readonly config: Config;
      readonly loadedWhenBuilt: boolean;
    }

    @Handler()
    class Reader {
      constructor(@inject(SETTINGS) readonly settings: Settings) {}

      @OnInit()
      check(): void {
        order.push(
          `Reader.check (config loaded: ${this.settings.config.loaded})`,
        );
      }

      @OnShutdown()
      close(): void {
        order.push('Reader.close');
      }

      handle(): void {}
    }

    const providers = [
      {
        token: SETTINGS,
        useFactory: (c: typeof container): Settings => {
          const config = c.resolve(Config);
          return { config, loadedWhenBuilt: config.loaded };
        },
      },
    ];

    it('builds it once per environment, never shared with another bed or the root container', async () => {
      const first = await createTestBed(Reader, { providers });
      const second = await createTestBed(Reader, { providers });

      const configs = [first, second].map(
        (bed) => bed.get(Reader).settings.config,
      );

      expect(configs[0]).not.toBe(configs[1]);
      expect(configs).not.toContain(container.resolve(Config));
      expect(first.get(Config)).toBe(configs[0]);
      expect(second.get(Config)).toBe(configs[1]);
    });

    it('runs its init hooks before those of what depends on the factory, and shuts it down after', async () => {
      const bed = await createTestBed(Reader, { providers });
      await bed.shutdown();

      expect(order).toEqual([
        'Config.load',
        'Reader.check (config loaded: true)',
        'Reader.close',
        'Config.close',
      ]);
    });

    it('does the same for a factory registered on the root container', async () => {
      const ROOT_SETTINGS = Symbol('ROOT_SETTINGS');
      container.register(ROOT_SETTINGS, providers[0]);
      @Handler()
      class RootReader {
        constructor(@inject(ROOT_SETTINGS) readonly settings: Settings) {}
        handle(): void {}
      }

      const first = await createTestBed(RootReader);
      const second = await createTestBed(RootReader);

      expect(first.get(RootReader).settings.config).not.toBe(
        second.get(RootReader).settings.config,
      );
      expect(first.get(RootReader).settings.config.loaded).toBe(true);
    });
  });

  describe('when a factory resolves a token nobody provides', () => {
    const POOL = 'POOL';

    @Handler()
    class NeedsPool {
      constructor(@inject(POOL) readonly pool: unknown) {}
      handle(): void {}
    }

    it('fails INIT naming the factory\u2019s token and the missing one', async () => {
      const error = await createTestBed(NeedsPool, {
        providers: [
          { token: POOL, useFactory: (c) => c.resolve('DATABASE_URL') },
        ],
      }).catch((e: unknown) => e);

      expect(LifecycleError.is(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'MISSING_PROVIDER',
        message: expect.stringContaining(
          '"POOL" factory: "DATABASE_URL" has no provider',
        ),
      });
      expect((error as Error).message).toContain('Cannot build NeedsPool');
    });
  });

  describe('when a factory and a class need each other', () => {
    const POOL = 'POOL';

    @singleton()
    class Tracer {
      constructor(@inject(POOL) readonly pool: unknown) {}
    }

    @Handler()
    class NeedsTracedPool {
      constructor(@inject(POOL) readonly pool: unknown) {}
      handle(): void {}
    }

    it('fails INIT naming the cycle instead of overflowing the stack', async () => {
      const error = await createTestBed(NeedsTracedPool, {
        providers: [
          { token: POOL, useFactory: (c) => ({ tracer: c.resolve(Tracer) }) },
        ],
      }).catch((e: unknown) => e);

      expect(LifecycleError.is(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'DEPENDENCY_CYCLE',
        message: expect.stringContaining(
          'Cannot build NeedsTracedPool: "POOL" -> Tracer -> "POOL" need ' +
            'each other through a factory',
        ),
      });
    });
  });

  describe('when only an invocation-scoped class needs a service', () => {
    @singleton()
    class Clock {
      closed = false;

      @OnShutdown()
      close(): void {
        this.closed = true;
      }

      @Lazy()
      zone(): object {
        return {};
      }
    }

    @InvocationScoped()
    class RequestClock {
      constructor(readonly clock: Clock) {}
    }

    @Handler()
    class Timed {
      constructor(readonly scope: InvocationScope) {}
      handle(): Clock {
        return this.scope.get(RequestClock).clock;
      }
    }

    it('builds it once per environment, in that environment', async () => {
      const first = await createTestBed(Timed);
      const second = await createTestBed(Timed);

      const clocks = [
        await first.invoke(undefined),
        await first.invoke(undefined),
        await second.invoke(undefined),
      ];

      expect(clocks[0]).toBe(clocks[1]);
      expect(clocks[0]).not.toBe(clocks[2]);
      expect(clocks).not.toContain(container.resolve(Clock));
      expect(first.get(Clock)).toBe(clocks[0]);
    });

    it('installs its @Lazy members and shuts it down with the rest', async () => {
      const bed = await createTestBed(Timed);
      const clock = await bed.invoke(undefined);

      const report = await bed.shutdown();

      expect(clock.zone()).toBe(clock.zone());
      expect(clock.closed).toBe(true);
      expect(report.steps.map((step) => step.name)).toEqual(['Clock.close']);
    });

    it('refuses one with an init hook, which can no longer run, and says what to do', async () => {
      @singleton()
      class Connection {
        @OnInit()
        open(): void {}
      }
      @InvocationScoped()
      class RequestConnection {
        constructor(readonly connection: Connection) {}
      }
      @Handler()
      class Late {
        constructor(readonly scope: InvocationScope) {}
        handle(): void {
          this.scope.get(RequestConnection);
        }
      }
      const bed = await createTestBed(Late);

      const error = await bed.invoke(undefined).catch((e: unknown) => e);

      expect(LifecycleError.is(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'BUILT_AFTER_INIT',
        message: expect.stringContaining(
          'RequestConnection parameter #0 -> Connection: Connection is ' +
            'first needed after INIT',
        ),
      });
      expect((error as Error).message).toContain('@OnInit');
      expect((error as Error).message).toContain(
        'Inject Connection into the handler or one of its services',
      );
    });
  });
});
