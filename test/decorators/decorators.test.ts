import {
  AfterInvoke,
  BeforeInvoke,
  Handler,
  Lazy,
  LifecycleError,
  OnError,
  OnInit,
  OnShutdown,
} from '../../src';
import { readHooks } from '../../decorators/hook-metadata';

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
    it('rejects a static member and names the decorator, class and member', () => {
      const error = thrown(() => {
        class Pool {
          @OnInit()
          static connect(): void {}
        }
        return Pool;
      });

      expect(error.code).toBe('INVALID_DECORATOR_TARGET');
      expect(error.message).toContain('@OnInit on Pool.connect');
      expect(error.message).toContain('static');
    });

    it('rejects a property where a method is needed', () => {
      const error = thrown(() => {
        class Pool {
          @(OnShutdown() as PropertyDecorator)
          close = (): void => undefined;
        }
        return Pool;
      });

      expect(error.code).toBe('INVALID_DECORATOR_TARGET');
      expect(error.message).toContain('@OnShutdown on Pool.close');
      expect(error.message).toContain('property');
    });

    it('rejects an accessor as a hook', () => {
      const error = thrown(() => {
        class Orders {
          @BeforeInvoke()
          get ready(): boolean {
            return true;
          }
        }
        return Orders;
      });

      expect(error.code).toBe('INVALID_DECORATOR_TARGET');
      expect(error.message).toContain('@BeforeInvoke on Orders.ready');
      expect(error.message).toContain('accessor');
    });

    it('rejects the same hook twice on one member', () => {
      const error = thrown(() => {
        class Orders {
          @AfterInvoke()
          @AfterInvoke()
          audit(): void {}
        }
        return Orders;
      });

      expect(error.code).toBe('DUPLICATE_DECORATOR');
      expect(error.message).toContain('Orders.audit');
    });

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

    it('accepts another method named in the options', () => {
      @Handler({ method: 'process' })
      class Orders {
        process(): void {}
      }

      expect(Orders).toBeDefined();
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
