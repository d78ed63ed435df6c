import type { InjectionToken } from 'tsyringe';
import { singleton } from 'tsyringe';
import {
  AfterInvoke,
  AfterInvokeError,
  BeforeInvoke,
  Handler,
  OnError,
  createHandler,
  type CreateHandlerOptions,
  type EmfDocument,
  type Logger,
} from '../../src';
import type { AnyClass } from '../../decorators/hook-metadata';
import { createFakeContext } from '../../src/testing';

// The environment picks one of three invocation paths at INIT: plain (no
// observers, metrics off: what a function without metrics runs), metered
// (metrics on: what Lambda runs by default) and observed (observers, as the
// test bed registers). The pipeline must behave the same on all three.

interface Run {
  invoke(event?: unknown): Promise<unknown>;
  get<T>(token: InjectionToken<T>): T;
  readonly errors: string[];
  readonly documents: EmfDocument[];
  readonly observed: number;
}

interface Path {
  readonly name: string;
  readonly options: (
    documents: EmfDocument[],
    observe: () => void,
  ) => CreateHandlerOptions;
}

const PATHS: readonly Path[] = [
  { name: 'the plain path', options: () => ({ metrics: false }) },
  {
    name: 'the metered path',
    options: (documents) => ({
      metrics: { sink: (document) => documents.push(document) },
    }),
  },
  {
    name: 'the observed path',
    options: (_, observe) => ({
      metrics: false,
      observers: [{ invocationEnded: observe }],
    }),
  },
];

async function start(path: Path, handlerClass: AnyClass): Promise<Run> {
  const errors: string[] = [];
  const documents: EmfDocument[] = [];
  let observed = 0;
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (message) => errors.push(message),
  };
  const handler = createHandler(handlerClass, {
    env: {},
    logger,
    ...path.options(documents, () => observed++),
  });
  await handler.ready;

  return {
    invoke: (event) => handler(event, createFakeContext()),
    get: (token) => handler.environment.resolve(token),
    errors,
    documents,
    get observed() {
      return observed;
    },
  };
}

class NotFound extends Error {
  override name = 'NotFound';
}

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

  @OnError()
  note(): undefined {
    order.push('Tracer.note');
    return undefined;
  }
}

@Handler()
class Orders {
  constructor(readonly tracer: Tracer) {}

  @BeforeInvoke()
  check(event: { fail?: Error }): void {
    order.push(`Orders.check ${event.fail ? 'failing' : 'ok'}`);
  }

  handle(event: { fail?: Error }): { statusCode: number } {
    order.push('Orders.handle');
    if (event.fail) throw event.fail;
    return { statusCode: 200 };
  }

  @AfterInvoke()
  audit(): void {
    order.push('Orders.audit');
  }

  @OnError()
  toResponse(error: unknown): { statusCode: number } | undefined {
    order.push('Orders.toResponse');
    return error instanceof NotFound ? { statusCode: 404 } : undefined;
  }
}

@Handler()
class Logged {
  handle(): string {
    return 'saved';
  }

  @AfterInvoke()
  audit(): void {
    throw new Error('audit table missing');
  }

  @OnError()
  neverForAfterHooks(): string {
    return 'recovered';
  }
}

@Handler({ afterInvokeErrors: 'throw' })
class Strict {
  handle(): string {
    return 'saved';
  }

  @AfterInvoke()
  audit(): void {
    throw new Error('audit table missing');
  }
}

@Handler()
class Sync {
  readonly seen: string[] = [];

  @BeforeInvoke()
  before(): void {
    this.seen.push('before');
  }

  handle(): number {
    this.seen.push('handle');
    return 42;
  }

  @AfterInvoke()
  after(result: number): void {
    this.seen.push(`after ${result}`);
  }
}

/** What settles first: `pending`, or the next turn of the event loop. */
function beforeNextTick(pending: Promise<unknown>): Promise<unknown> {
  const tick = new Promise((resolve) => setImmediate(() => resolve('tick')));
  return Promise.race([pending.then((value) => ({ value })), tick]);
}

beforeEach(() => {
  order.length = 0;
});

describe.each(PATHS)('the invocation pipeline on $name', (path) => {
  it('runs before hooks services first, then handle, then after hooks handler first', async () => {
    const run = await start(path, Orders);

    const result = await run.invoke({});

    expect(result).toEqual({ statusCode: 200 });
    expect(order).toEqual([
      'Tracer.start',
      'Orders.check ok',
      'Orders.handle',
      'Orders.audit',
      'Tracer.stop',
    ]);
  });

  it('lets an @OnError hook recover, the handler\u2019s before the services\u2019', async () => {
    const run = await start(path, Orders);

    const result = await run.invoke({ fail: new NotFound('order 7') });

    expect(result).toEqual({ statusCode: 404 });
    expect(order).toEqual([
      'Tracer.start',
      'Orders.check failing',
      'Orders.handle',
      'Orders.toResponse',
    ]);
  });

  it('rejects with the very error object when no hook recovers', async () => {
    const run = await start(path, Orders);
    const failure = new TypeError('cannot read properties of undefined');

    const error = (await run
      .invoke({ fail: failure })
      .catch((e: unknown) => e)) as Error;

    expect(error).toBe(failure);
    expect(error.name).toBe('TypeError');
    expect(error.stack).toContain('invocation-paths.test.ts');
    expect(order.slice(-2)).toEqual(['Orders.toResponse', 'Tracer.note']);
  });

  it('returns the result and logs an @AfterInvoke failure under the log policy, without @OnError', async () => {
    const run = await start(path, Logged);

    const result = await run.invoke();

    expect(result).toBe('saved');
    expect(run.errors).toEqual([
      expect.stringContaining('@AfterInvoke on Logged.audit'),
    ]);
  });

  it('fails with the result attached under the throw policy', async () => {
    const run = await start(path, Strict);

    const error = (await run
      .invoke()
      .catch((e: unknown) => e)) as AfterInvokeError;

    expect(error).toBeInstanceOf(AfterInvokeError);
    expect(error).toMatchObject({ code: 'AFTER_INVOKE_FAILED' });
    expect(error.result).toBe('saved');
  });

  it('runs synchronous hooks within the call and settles before the next tick', async () => {
    const run = await start(path, Sync);
    const handler = run.get(Sync);

    const pending = run.invoke();
    const seenDuringCall = [...handler.seen];

    expect(seenDuringCall).toEqual(['before', 'handle', 'after 42']);
    await expect(beforeNextTick(pending)).resolves.toEqual({ value: 42 });
  });
});

describe('the invocation paths', () => {
  it('are the ones the options name', async () => {
    const [plain, metered, observed] = await Promise.all(
      PATHS.map((path) => start(path, Sync)),
    );

    await Promise.all([plain, metered, observed].map((run) => run.invoke()));

    expect([plain, metered, observed].map((run) => run.observed)).toEqual([
      0, 0, 1,
    ]);
    expect(plain.documents).toEqual([]);
    expect(metered.documents).toContainEqual(
      expect.objectContaining({ InvocationDuration: expect.any(Number) }),
    );
    expect(observed.documents).toEqual([]);
  });
});
