import { container, delay, inject, injectable, singleton } from 'tsyringe';
import { Handler, LifecycleError } from '../../src';
import { createTestBed } from '../../src/testing';

async function initError(handler: new (...args: never[]) => unknown) {
  const error = await createTestBed(handler).catch((e: unknown) => e);
  if (!LifecycleError.is(error))
    throw new Error(`expected a LifecycleError, got ${error}`);
  return error;
}

describe('the dependency graph check', () => {
  describe('when a token has no provider', () => {
    @injectable()
    class Repository {
      constructor(@inject('DATABASE_URL') readonly url: string) {}
    }

    @Handler()
    class Orders {
      constructor(readonly repository: Repository) {}
      handle(): void {}
    }

    it('fails INIT naming the class, parameter position and fix', async () => {
      const error = await initError(Orders);

      expect(error.code).toBe('MISSING_PROVIDER');
      expect(error.message).toContain('Cannot build Orders');
      expect(error.message).toContain('Repository parameter #0');
      expect(error.message).toContain('"DATABASE_URL" has no provider');
      expect(error.message).toContain('container.register');
    });

    it('passes once the token is provided', async () => {
      const bed = await createTestBed(Orders, {
        providers: [{ token: 'DATABASE_URL', useValue: 'postgres://x' }],
      });

      expect(bed.get(Orders).repository.url).toBe('postgres://x');
    });
  });

  describe('when constructors depend on each other', () => {
    @injectable()
    class Clock {}
    @injectable()
    class Left {
      constructor(@inject('Right') readonly right: unknown) {}
    }
    @injectable()
    class Right {
      constructor(
        readonly clock: Clock,
        readonly left: Left,
      ) {}
    }
    container.register('Right', { useClass: Right });

    @Handler()
    class Cyclic {
      constructor(readonly left: Left) {}
      handle(): void {}
    }

    it('names the whole cycle with the parameter position of each step', async () => {
      const error = await initError(Cyclic);

      expect(error.code).toBe('DEPENDENCY_CYCLE');
      expect(error.message).toContain(
        'Left parameter #0 -> Right parameter #1 -> Left: these constructors ' +
          'depend on each other',
      );
      expect(error.message).toContain('@inject(delay(() => Class))');
    });
  });

  describe('when a cycle is broken with delay()', () => {
    @injectable()
    class Ping {
      constructor(@inject(delay(() => Pong)) readonly pong: { name: string }) {}
    }
    @injectable()
    class Pong {
      name = 'pong';
      constructor(readonly ping: Ping) {}
    }

    @Handler()
    class Delayed {
      constructor(readonly pong: Pong) {}
      handle(): string {
        return this.pong.ping.pong.name;
      }
    }

    it('builds the graph', async () => {
      const bed = await createTestBed(Delayed);

      await expect(bed.invoke(undefined)).resolves.toBe('pong');
    });
  });

  describe('when constructor type metadata is missing', () => {
    // No decorator: the compiler emits no design:paramtypes, exactly what a
    // bundler that drops decorator metadata (esbuild) leaves behind.
    class Stripped {
      constructor(readonly url: string) {}
    }

    @Handler()
    class UsesStripped {
      constructor(readonly stripped: Stripped) {}
      handle(): void {}
    }

    it('fails INIT naming the class and explaining the bundler case', async () => {
      const error = await initError(UsesStripped);

      expect(error.code).toBe('MISSING_TYPE_INFO');
      expect(error.message).toContain(
        'UsesStripped parameter #0 -> Stripped has 1 constructor ' +
          'parameter(s) but no type metadata; parameter #0 has no ' +
          '@inject(Token) either',
      );
      expect(error.message).toContain('esbuild');
      expect(error.message).toContain('@injectable()');
    });
  });

  describe('when the handler itself has lost its constructor types', () => {
    @injectable()
    class Clock {}

    @Handler()
    class Bare {
      constructor(
        readonly clock: Clock,
        @inject('REGION') readonly region: string,
        readonly other: Clock,
      ) {}
      handle(): void {}
    }
    // What a bundler that drops decorator metadata leaves of the class.
    Reflect.deleteMetadata('design:paramtypes', Bare);

    it('names the positions that have neither a type nor a token', async () => {
      const error = await initError(Bare);

      expect(error.code).toBe('MISSING_TYPE_INFO');
      expect(error.message).toContain(
        'Bare has 3 constructor parameter(s) but no type metadata; ' +
          'parameters #0 and #2 have no @inject(Token) either',
      );
      expect(error.message).toContain('compile with tsc');
    });
  });

  describe('when a parameter is typed by an interface', () => {
    interface Clock {
      now(): number;
    }

    @Handler()
    class Timed {
      constructor(readonly clock: Clock) {}
      handle(): void {}
    }

    it('asks for an injection token', async () => {
      const error = await initError(Timed);

      expect(error.code).toBe('MISSING_TYPE_INFO');
      expect(error.message).toContain('Timed parameter #0');
      expect(error.message).toContain('@inject(');
    });
  });

  describe('when several things are wrong', () => {
    @Handler()
    class Broken {
      constructor(
        @inject('A') readonly a: unknown,
        @inject('B') readonly b: unknown,
      ) {}
      handle(): void {}
    }

    it('lists every problem at once', async () => {
      const error = await initError(Broken);

      expect(error.message).toContain('2 problems');
      expect(error.message).toContain('Broken parameter #0: "A"');
      expect(error.message).toContain('Broken parameter #1: "B"');
    });
  });

  describe('when a constructor throws', () => {
    @singleton()
    class Exploding {
      constructor() {
        throw new Error('missing REGION');
      }
    }

    @Handler()
    class Fragile {
      constructor(readonly exploding: Exploding) {}
      handle(): void {}
    }

    it('fails INIT with the constructor error as cause', async () => {
      const error = await initError(Fragile);

      expect(error.code).toBe('RESOLUTION_FAILED');
      expect(error.message).toContain('Cannot build Fragile');
      expect(error.message).toContain('missing REGION');
      expect(error.cause).toBeInstanceOf(Error);
    });
  });
});
