import {
  AfterInvoke,
  BeforeInvoke,
  Handler,
  Lazy,
  LifecycleError,
  OnError,
  OnInit,
  OnShutdown,
  Sensitive,
} from '../../src';
import { readHooks } from '../../decorators/hook-metadata';
import { createTestBed } from '../../src/testing';

function thrown(define: () => unknown): LifecycleError {
  try {
    define();
  } catch (error) {
    if (LifecycleError.is(error)) return error;
    throw error;
  }
  throw new Error('expected the decorator to throw');
}

describe('lifecycle decorators', () => {
  describe('when misapplied', () => {
    it('rejects @Lazy on a member that is also a hook', () => {
      const error = thrown(() => {
        class Config {
          @Lazy()
          @OnInit()
          load(): number {
            return 1;
          }
        }
        return Config;
      });

      expect(error.code).toBe('DUPLICATE_DECORATOR');
      expect(error.message).toContain('@Lazy on Config.load');
    });

    it('rejects @Lazy on a method that takes parameters', () => {
      const error = thrown(() => {
        class Config {
          @Lazy()
          load(name: string): string {
            return name;
          }
        }
        return Config;
      });

      expect(error.code).toBe('INVALID_DECORATOR_TARGET');
      expect(error.message).toContain('@Lazy on Config.load');
    });

    it('rejects a timeout that is not a positive number', () => {
      const error = thrown(() => {
        class Pool {
          @OnShutdown({ timeoutMs: -5 })
          close(): void {}
        }
        return Pool;
      });

      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toContain('@OnShutdown on Pool.close');
      expect(error.message).toContain('timeoutMs');
    });

    it('rejects a second @Handler on one class', () => {
      const error = thrown(() => {
        @Handler()
        @Handler()
        class Orders {
          handle(): void {}
        }
        return Orders;
      });

      expect(error.code).toBe('DUPLICATE_DECORATOR');
      expect(error.message).toContain('@Handler on Orders');
    });

    it('rejects @Handler on a class without a handle method', () => {
      const error = thrown(() => {
        @Handler()
        class Orders {
          process(): void {}
        }
        return Orders;
      });

      expect(error.code).toBe('MISSING_HANDLE_METHOD');
      expect(error.message).toContain('@Handler on Orders');
      expect(error.message).toContain('"handle"');
    });

    it('accepts another method named in the options, which then receives the events', async () => {
      @Handler({ method: 'process' })
      class Orders {
        process(event: { id: string }): string {
          return `processed ${event.id}`;
        }
      }

      const bed = await createTestBed(Orders);

      await expect(bed.invoke({ id: 'o-1' })).resolves.toBe('processed o-1');
      expect(bed.ran('handle')).toEqual(['Orders.process']);
    });

    it('rejects an afterInvokeErrors policy it does not know, listing the ones it does', () => {
      const error = thrown(() => {
        @Handler({ afterInvokeErrors: 'ignore' as 'log' })
        class Orders {
          handle(): void {}
        }
        return Orders;
      });

      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toContain('@Handler on Orders');
      expect(error.message).toContain('must be "log" or "throw", got "ignore"');
    });

    it('says what to do when @Handler finds no handle method', () => {
      const error = thrown(() => {
        @Handler()
        class Orders {}
        return Orders;
      });

      expect(error.message).toContain(
        'Add handle(event, context) or name another method with ' +
          '@Handler({ method })',
      );
    });

    it('says to keep one of two @Handler decorators', () => {
      const error = thrown(() => {
        @Handler()
        @Handler()
        class Orders {
          handle(): void {}
        }
        return Orders;
      });

      expect(error.message).toContain(
        'already marked with @Handler. Keep one.',
      );
    });
  });

  describe.each<[string, () => MethodDecorator]>([
    ['@OnInit', () => OnInit()],
    ['@BeforeInvoke', () => BeforeInvoke()],
    ['@AfterInvoke', () => AfterInvoke()],
    ['@OnError', () => OnError()],
    ['@OnShutdown', () => OnShutdown()],
    ['@Lazy', () => Lazy()],
  ])('%s when misapplied', (name, decorate) => {
    it('rejects a static member and says to make it an instance method', () => {
      const error = thrown(() => {
        class Pool {
          @decorate()
          static member(): void {}
        }
        return Pool;
      });

      expect(error.code).toBe('INVALID_DECORATOR_TARGET');
      expect(error.message).toContain(
        `${name} on Pool.member: the member is static`,
      );
      expect(error.message).toContain('make it an instance method');
    });

    it('rejects a property and says to declare a method', () => {
      const error = thrown(() => {
        class Pool {
          @(decorate() as PropertyDecorator)
          member = (): void => undefined;
        }
        return Pool;
      });

      expect(error.code).toBe('INVALID_DECORATOR_TARGET');
      expect(error.message).toContain(
        `${name} on Pool.member: the member is a property`,
      );
      expect(error.message).toContain(
        'Declare it as a method (member() { ... })',
      );
    });

    it('rejects an accessor and says to declare a method', () => {
      const error = thrown(() => {
        class Pool {
          @decorate()
          get member(): number {
            return 1;
          }
        }
        return Pool;
      });

      expect(error.code).toBe('INVALID_DECORATOR_TARGET');
      expect(error.message).toContain(
        `${name} on Pool.member: the member is an accessor`,
      );
      expect(error.message).toContain('Declare it as a method');
    });

    it('rejects itself twice on one member and says to keep one', () => {
      const error = thrown(() => {
        class Pool {
          @decorate()
          @decorate()
          member(): void {}
        }
        return Pool;
      });

      expect(error.code).toBe('DUPLICATE_DECORATOR');
      expect(error.message).toContain(`${name} on Pool.member`);
      expect(error.message).toContain(`already marked with ${name}. Keep one`);
    });
  });

  describe.each<[string, () => MethodDecorator]>([
    ['@OnInit', () => OnInit()],
    ['@BeforeInvoke', () => BeforeInvoke()],
    ['@AfterInvoke', () => AfterInvoke()],
    ['@OnError', () => OnError()],
    ['@OnShutdown', () => OnShutdown()],
  ])('@Lazy together with %s on one member', (name, hook) => {
    it('is rejected whichever is applied first', () => {
      const lazyLast = thrown(() => {
        class Config {
          @Lazy()
          @hook()
          load(): number {
            return 1;
          }
        }
        return Config;
      });
      const hookLast = thrown(() => {
        class Config {
          @hook()
          @Lazy()
          load(): number {
            return 1;
          }
        }
        return Config;
      });

      expect(lazyLast).toMatchObject({ code: 'DUPLICATE_DECORATOR' });
      expect(lazyLast.message).toContain(
        `@Lazy on Config.load: the member is already marked with ${name}`,
      );
      expect(hookLast).toMatchObject({ code: 'DUPLICATE_DECORATOR' });
      expect(hookLast.message).toContain(
        `${name} on Config.load: the member is already marked with @Lazy`,
      );
    });
  });

  describe.each<[string, (value: number) => MethodDecorator]>([
    ['@OnInit timeoutMs', (timeoutMs) => OnInit({ timeoutMs })],
    ['@OnShutdown timeoutMs', (timeoutMs) => OnShutdown({ timeoutMs })],
    ['@Lazy ttlMs', (ttlMs) => Lazy({ ttlMs })],
  ])('%s', (option, decorate) => {
    it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, '100' as never])(
      'rejects %p, asking for a positive number of milliseconds',
      (value) => {
        const error = thrown(() => {
          class Pool {
            @decorate(value)
            member(): number {
              return 1;
            }
          }
          return Pool;
        });

        expect(error.code).toBe('INVALID_OPTION');
        expect(error.message).toContain(
          `${option.split(' ')[0]} on Pool.member`,
        );
        expect(error.message).toContain(
          `option "${option.split(' ')[1]}" must be a positive number of milliseconds`,
        );
      },
    );
  });

  describe('@Sensitive when misapplied', () => {
    it('rejects a static member and says to mark an instance property', () => {
      const error = thrown(() => {
        class Settings {
          @Sensitive()
          static password = 'x';
        }
        return Settings;
      });

      expect(error.code).toBe('INVALID_DECORATOR_TARGET');
      expect(error.message).toContain('@Sensitive on Settings.password');
      expect(error.message).toContain('mark an instance property');
    });
  });

  describe('when a class extends a hooked base class', () => {
    class Base {
      @OnInit()
      open(): void {}
      @OnInit()
      warm(): void {}
    }
    class Derived extends Base {
      @OnInit()
      prepare(): void {}
      override open(): void {}
    }

    it('lists base hooks first, then its own', () => {
      const members = readHooks(Derived, 'onInit').map((hook) => hook.member);

      expect(members).toEqual(['open', 'warm', 'prepare']);
    });

    it('lists an overridden hooked method once', () => {
      class Again extends Derived {
        @OnInit()
        override open(): void {}
      }

      const members = readHooks(Again, 'onInit').map((hook) => hook.member);

      expect(members).toEqual(['open', 'warm', 'prepare']);
    });

    it('leaves the base class hooks unchanged', () => {
      const members = readHooks(Base, 'onInit').map((hook) => hook.member);

      expect(members).toEqual(['open', 'warm']);
    });
  });

  it('records @OnError without changing the method', () => {
    class Orders {
      @OnError()
      recover(): string {
        return 'recovered';
      }
    }

    expect(new Orders().recover()).toBe('recovered');
    expect(readHooks(Orders, 'onError')).toHaveLength(1);
  });
});
