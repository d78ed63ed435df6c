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
  type LogFields,
  type Logger,
} from '../../src';
import type { AnyClass } from '../../decorators/hook-metadata';
import {
  meteredPath,
  type InvocationCounts,
} from '../../src/lifecycle/invocation-paths';
import type { InvocationEnd } from '../../src/lifecycle/observer';
import { RequestIdSource } from '../../src/logging/request-id-source';
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

function errorLog() {
  const errors: { message: string; fields?: LogFields }[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (message, fields) => errors.push({ message, fields }),
  };
  return { errors, logger };
}

const counts = (): InvocationCounts => ({
  invocations: 0,
  inFlight: 0,
  idleSince: 0,
  coldStart: false,
});

const failingRecorder = {
  invocationEnded(): void {
    throw new Error('recorder broken');
  },
};

describe(meteredPath.name, () => {
  it('returns the result when the recorder throws, and logs it once', async () => {
    const { errors, logger } = errorLog();
    const invoke = meteredPath(
      async () => 'stored',
      counts(),
      new RequestIdSource(),
      failingRecorder,
      logger,
    );

    const results = [
      await invoke({}, createFakeContext({ awsRequestId: 'req-1' })),
      await invoke({}, createFakeContext({ awsRequestId: 'req-2' })),
    ];

    expect(results).toEqual(['stored', 'stored']);
    expect(errors).toEqual([
      {
        message: expect.stringContaining('Metrics recorder failed'),
        fields: expect.objectContaining({
          requestId: 'req-1',
          errorMessage: 'recorder broken',
        }),
      },
    ]);
  });

  it("keeps the handler's error when the recorder throws too", async () => {
    const { errors, logger } = errorLog();
    const refused = new Error('refused');
    const invoke = meteredPath(
      () => Promise.reject(refused),
      counts(),
      new RequestIdSource(),
      failingRecorder,
      logger,
    );

    const outcome = invoke({}, createFakeContext());

    await expect(outcome).rejects.toBe(refused);
    expect(errors).toHaveLength(1);
  });

  it('tells the recorder how each invocation ended', async () => {
    const ended: InvocationEnd[] = [];
    const refused = new Error('refused');
    let fail = false;
    const invoke = meteredPath(
      async () => {
        if (fail) throw refused;
        return 'stored';
      },
      { ...counts(), coldStart: true },
      new RequestIdSource(),
      { invocationEnded: (end) => ended.push(end) },
      errorLog().logger,
    );

    await invoke({}, createFakeContext({ awsRequestId: 'req-1' }));
    fail = true;
    await invoke({}, createFakeContext({ awsRequestId: 'req-2' })).catch(
      () => undefined,
    );

    expect(ended).toEqual([
      expect.objectContaining({
        requestId: 'req-1',
        coldStart: true,
        outcome: 'ok',
      }),
      expect.objectContaining({
        requestId: 'req-2',
        coldStart: false,
        outcome: 'failed',
        error: refused,
      }),
    ]);
  });
});
