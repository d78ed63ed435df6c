import type { Context } from 'aws-lambda';
import { singleton } from 'tsyringe';
import {
  AfterInvoke,
  AfterInvokeError,
  BeforeInvoke,
  Handler,
  OnError,
} from '../../src';
import { createTestBed } from '../../src/testing';

class NotFound extends Error {
  override name = 'NotFound';
}

describe('the invocation pipeline', () => {
  describe('when every hook is synchronous', () => {
    @Handler()
    class Sync {
      readonly seen: string[] = [];

      @BeforeInvoke()
      before(event: { id: number }, context: Context): void {
        this.seen.push(`before ${event.id} ${context.functionName}`);
      }

      handle(event: { id: number }): number {
        this.seen.push(`handle ${event.id}`);
        return event.id * 2;
      }

      @AfterInvoke()
      after(result: number, event: { id: number }): void {
        this.seen.push(`after ${result} ${event.id}`);
      }
    }

    it('runs before hook, handler and after hook within the call itself', async () => {
      const bed = await createTestBed(Sync, {
        context: { functionName: 'orders' },
      });
      const handler = bed.get(Sync);

      const pending = bed.invoke({ id: 21 });
      const seenSynchronously = [...handler.seen];

      expect(seenSynchronously).toEqual([
        'before 21 orders',
        'handle 21',
        'after 42 21',
      ]);
      await expect(pending).resolves.toBe(42);
    });
  });

  describe('when hooks return promises', () => {
    @Handler()
    class Async {
      readonly seen: string[] = [];

      @BeforeInvoke()
      async first(): Promise<void> {
        await Promise.resolve();
        this.seen.push('first');
      }

      @BeforeInvoke()
      second(): void {
        this.seen.push('second');
      }

      async handle(): Promise<string> {
        this.seen.push('handle');
        return 'done';
      }

      @AfterInvoke()
      async audit(result: string): Promise<void> {
        await Promise.resolve();
        this.seen.push(`audit ${result}`);
      }
    }

    it('awaits each one before the next step', async () => {
      const bed = await createTestBed(Async);

      const result = await bed.invoke(undefined);

      expect(result).toBe('done');
      expect(bed.get(Async).seen).toEqual([
        'first',
        'second',
        'handle',
        'audit done',
      ]);
    });
  });

  describe('when the handler throws', () => {
    @Handler()
    class Failing {
      async handle(event: { missing: boolean }): Promise<string> {
        if (event.missing) throw new NotFound('order 7 does not exist');
        throw new TypeError('cannot read properties of undefined');
      }

      @OnError()
      logOnly(): undefined {
        return undefined;
      }

      @OnError()
      toResponse(error: unknown): { statusCode: number } | undefined {
        return error instanceof NotFound ? { statusCode: 404 } : undefined;
      }

      @AfterInvoke()
      audit(): void {
        throw new Error('after hooks must not run on failure');
      }
    }

    it('lets an @OnError hook recover with a response', async () => {
      const bed = await createTestBed(Failing);

      const result = await bed.invoke({ missing: true });

      expect(result).toEqual({ statusCode: 404 });
      expect(bed.ran('onError')).toEqual([
        'Failing.logOnly',
        'Failing.toResponse',
      ]);
      expect(bed.ran('afterInvoke')).toEqual([]);
    });

    it('passes the original error through unchanged when no hook recovers', async () => {
      const bed = await createTestBed(Failing);

      const error = await bed.invoke({ missing: false }).catch((e) => e);

      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe('cannot read properties of undefined');
      expect(error.stack).toContain('invoke-pipeline.test.ts');
    });
  });

  describe('when a before hook throws', () => {
    @Handler()
    class Guarded {
      handled = false;

      @BeforeInvoke()
      authorize(): void {
        throw new Error('no token');
      }

      handle(): void {
        this.handled = true;
      }

      @OnError()
      deny(error: Error): { statusCode: number; body: string } {
        return { statusCode: 401, body: error.message };
      }
    }

    it('skips the handler and gives the error to @OnError', async () => {
      const bed = await createTestBed(Guarded);

      const result = await bed.invoke(undefined);

      expect(result).toEqual({ statusCode: 401, body: 'no token' });
      expect(bed.get(Guarded).handled).toBe(false);
    });
  });

  describe('when an @OnError hook itself throws', () => {
    @Handler()
    class Clumsy {
      handle(): void {
        throw new RangeError('original');
      }

      @OnError()
      broken(): void {
        throw new Error('secondary');
      }
    }

    it('logs it and still rejects with the original error', async () => {
      const bed = await createTestBed(Clumsy);

      const error = await bed.invoke(undefined).catch((e) => e);

      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe('original');
      expect(bed.logs).toEqual([
        expect.objectContaining({
          level: 'error',
          message: expect.stringContaining('@OnError on Clumsy.broken'),
        }),
      ]);
    });
  });

  describe('when an @AfterInvoke hook throws after success', () => {
    @Handler()
    class Logged {
      @AfterInvoke()
      audit(): void {
        throw new Error('audit table missing');
      }

      @AfterInvoke()
      metrics(): void {
        Logged.metricsRan++;
      }

      static metricsRan = 0;

      handle(): { statusCode: number } {
        return { statusCode: 201 };
      }
    }

    @Handler({ afterInvokeErrors: 'throw' })
    class Strict {
      @AfterInvoke()
      async audit(): Promise<void> {
        throw new Error('audit table missing');
      }

      handle(): { statusCode: number } {
        return { statusCode: 201 };
      }
    }

    it('returns the result and logs the failure by default', async () => {
      Logged.metricsRan = 0;
      const bed = await createTestBed(Logged);

      const result = await bed.invoke(undefined);

      expect(result).toEqual({ statusCode: 201 });
      expect(Logged.metricsRan).toBe(1);
      expect(bed.logs[0]).toMatchObject({
        level: 'error',
        message: expect.stringContaining('@AfterInvoke on Logged.audit'),
      });
    });

    it('fails with the result attached under the throw policy', async () => {
      const bed = await createTestBed(Strict);

      const error = await bed.invoke(undefined).catch((e) => e);

      expect(error).toBeInstanceOf(AfterInvokeError);
      expect(error.code).toBe('AFTER_INVOKE_FAILED');
      expect(error.message).toContain('Strict.audit');
      expect(error.result).toEqual({ statusCode: 201 });
      expect(error.cause.message).toBe('audit table missing');
    });
  });

  describe('when a before hook is async and an after hook throws', () => {
    @Handler({ afterInvokeErrors: 'throw' })
    class AsyncStrict {
      @BeforeInvoke()
      async load(): Promise<void> {
        await Promise.resolve();
      }

      async handle(): Promise<string> {
        return 'saved';
      }

      @AfterInvoke()
      audit(): void {
        throw new Error('audit down');
      }

      @AfterInvoke()
      async notify(): Promise<void> {
        AsyncStrict.notified++;
      }

      static notified = 0;
    }

    it('runs the remaining after hooks and keeps the result on the error', async () => {
      AsyncStrict.notified = 0;
      const bed = await createTestBed(AsyncStrict);

      const error = await bed.invoke(undefined).catch((e) => e);

      expect(error).toBeInstanceOf(AfterInvokeError);
      expect(error.result).toBe('saved');
      expect(AsyncStrict.notified).toBe(1);
    });
  });

  describe('when services have @OnError hooks too', () => {
    const seen: string[] = [];

    @singleton()
    class Store {
      @OnError()
      note(error: Error): undefined {
        seen.push(`Store.note ${error.message}`);
        return undefined;
      }
    }

    @singleton()
    class Repository {
      constructor(readonly store: Store) {}

      @BeforeInvoke()
      connect(event: { reject?: boolean }): void {
        if (event.reject) throw new Error('pool exhausted');
      }

      @OnError()
      async retryLater(
        error: Error,
      ): Promise<{ statusCode: number } | undefined> {
        await Promise.resolve();
        seen.push(`Repository.retryLater ${error.message}`);
        return error.message === 'pool exhausted'
          ? { statusCode: 503 }
          : undefined;
      }
    }

    @Handler()
    class Api {
      handled = 0;

      constructor(readonly repository: Repository) {}

      handle(): { statusCode: number } {
        this.handled++;
        throw new Error('timeout');
      }

      @OnError()
      inspect(error: Error): undefined {
        seen.push(`Api.inspect ${error.message}`);
        return undefined;
      }
    }

    beforeEach(() => {
      seen.length = 0;
    });

    it('runs the handler’s first, then the services’ from dependant to dependency', async () => {
      const bed = await createTestBed(Api);

      const error = await bed.invoke({}).catch((e) => e);

      expect(error.message).toBe('timeout');
      expect(seen).toEqual([
        'Api.inspect timeout',
        'Repository.retryLater timeout',
        'Store.note timeout',
      ]);
    });

    it('gives an error thrown in a service’s @BeforeInvoke to @OnError, where an async hook recovers, without running handle', async () => {
      const bed = await createTestBed(Api);

      const result = await bed.invoke({ reject: true });

      expect(result).toEqual({ statusCode: 503 });
      expect(seen).toEqual([
        'Api.inspect pool exhausted',
        'Repository.retryLater pool exhausted',
      ]);
      expect(bed.get(Api).handled).toBe(0);
    });
  });

  describe('when an @AfterInvoke hook throws and @OnError hooks exist', () => {
    @Handler({ afterInvokeErrors: 'throw' })
    class Audited {
      recovered = 0;

      handle(): string {
        return 'stored';
      }

      @AfterInvoke()
      audit(): void {
        throw new Error('audit down');
      }

      @OnError()
      recover(): string {
        this.recovered++;
        return 'recovered';
      }
    }

    it('never hands the after hook’s error to @OnError', async () => {
      const bed = await createTestBed(Audited);

      const error = await bed.invoke(undefined).catch((e) => e);

      expect(error).toBeInstanceOf(AfterInvokeError);
      expect(error.result).toBe('stored');
      expect(bed.get(Audited).recovered).toBe(0);
      expect(bed.ran('onError')).toEqual([]);
    });
  });

  describe('with hooks inherited from a base class', () => {
    class Base {
      readonly seen: string[] = [];

      @BeforeInvoke()
      authenticate(): void {
        this.seen.push('Base.authenticate');
      }

      @BeforeInvoke()
      parse(): void {
        this.seen.push('Base.parse');
      }
    }

    @Handler()
    class Child extends Base {
      @BeforeInvoke()
      validate(): void {
        this.seen.push('Child.validate');
      }

      override parse(): void {
        this.seen.push('Child.parse');
      }

      handle(): void {}
    }

    it('runs base hooks first and an overridden one once', async () => {
      const bed = await createTestBed(Child);

      await bed.invoke(undefined);

      expect(bed.get(Child).seen).toEqual([
        'Base.authenticate',
        'Child.parse',
        'Child.validate',
      ]);
    });
  });
});
