import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  Context,
  SQSEvent,
} from 'aws-lambda';
import { inject, injectable } from 'tsyringe';
import {
  Handler,
  InvocationScope,
  LOGGER,
  LifecycleError,
  OnInit,
  createHandler,
  silentLogger,
  type LambdaHandler,
  type Logger,
} from '../../src';
import { CHECK_ONLY } from '../../src/adapter/create-handler';
import { createFakeContext } from '../../src/testing';

@Handler()
class Http {
  static inits = 0;

  @OnInit()
  init(): void {
    Http.inits++;
  }

  async handle(
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyResultV2> {
    return {
      statusCode: 200,
      body: `${event.rawPath} ${context.functionName}`,
    };
  }
}

describe(createHandler.name, () => {
  it('starts INIT when called, before any invocation', async () => {
    Http.inits = 0;

    const handler = createHandler(Http, { logger: silentLogger });
    await handler.ready;

    expect(Http.inits).toBe(1);
    expect(handler.environment.phase).toBe('READY');
    expect(handler.stats.initDurationMs).toBeGreaterThan(0);
  });

  it('passes event and context through and returns the result', async () => {
    const handler = createHandler(Http, { logger: silentLogger });
    await handler.ready;

    const result = await handler(
      { rawPath: '/orders' } as APIGatewayProxyEventV2,
      createFakeContext({ functionName: 'orders' }),
    );

    expect(result).toEqual({ statusCode: 200, body: '/orders orders' });
  });

  it('returns a rejected promise, not a throw, when handle throws synchronously', async () => {
    @Handler()
    class Throws {
      handle(): void {
        throw new Error('sync failure');
      }
    }
    const handler = createHandler(Throws, { logger: silentLogger });
    await handler.ready;

    const pending = handler(undefined, createFakeContext());

    await expect(pending).rejects.toThrow('sync failure');
  });

  it('refuses a class that is not marked with @Handler, as NOT_A_HANDLER', () => {
    class Plain {
      handle(): void {}
    }

    const refusal = (() => {
      try {
        createHandler(Plain);
      } catch (error) {
        return error;
      }
    })();

    expect(refusal).toMatchObject({
      code: 'NOT_A_HANDLER',
      message: expect.stringContaining(
        'createHandler(Plain): the class is not marked with @Handler(). ' +
          'Add @Handler() to it.',
      ),
    });
    expect(LifecycleError.is(refusal)).toBe(true);
  });

  it('types the handler from the handle method', () => {
    const handler = createHandler(Http, { logger: silentLogger });
    const typed: LambdaHandler<
      APIGatewayProxyEventV2,
      APIGatewayProxyResultV2
    > = handler;

    const wrong = () =>
      handler(
        // @ts-expect-error an SQS event is not what Http.handle takes
        { Records: [] } as SQSEvent,
        createFakeContext(),
      );

    expect(typed).toBe(handler);
    expect(typeof wrong).toBe('function');
  });
});

// Not decorated, so tsc records no constructor types for it: what a bundle
// that lost decorator metadata looks like to the container.
class Untyped {
  constructor(readonly url: string) {}
}

@Handler()
class NeedsUntyped {
  static inits = 0;

  constructor(readonly untyped: Untyped) {}

  @OnInit()
  init(): void {
    NeedsUntyped.inits++;
  }

  handle(): string {
    return 'handled';
  }
}

@injectable()
class UsesFrameworkValues {
  constructor(
    @inject(LOGGER) readonly logger: Logger,
    readonly scope: InvocationScope,
  ) {}
}

@Handler()
class CheckedHandler {
  constructor(readonly values: UsesFrameworkValues) {}

  handle(): string {
    return 'handled';
  }
}

describe(`${createHandler.name} in a process with CHECK_ONLY set`, () => {
  const flags = globalThis as Record<symbol, unknown>;

  beforeEach(() => {
    flags[CHECK_ONLY] = true;
  });

  afterEach(() => {
    delete flags[CHECK_ONLY];
  });

  it('resolves ready for a complete graph, framework values included, and builds nothing', async () => {
    const handler = createHandler(CheckedHandler, { logger: silentLogger });

    await handler.ready;

    expect(handler.environment.phase).toBe('INIT');
    expect(handler.stats.initDurationMs).toBeUndefined();
  });

  it('rejects ready naming the class whose constructor types are missing, without running a hook', async () => {
    NeedsUntyped.inits = 0;

    const handler = createHandler(NeedsUntyped, { logger: silentLogger });

    await expect(handler.ready).rejects.toMatchObject({
      code: 'MISSING_TYPE_INFO',
      message: expect.stringContaining(
        'NeedsUntyped parameter #0 -> Untyped has 1 constructor parameter(s) ' +
          'but no type metadata',
      ),
    });
    expect(NeedsUntyped.inits).toBe(0);
  });

  it('uses the providers option in the check', async () => {
    const handler = createHandler(NeedsUntyped, {
      logger: silentLogger,
      providers: [{ token: Untyped, useValue: new Untyped('db://') }],
    });

    await expect(handler.ready).resolves.toBeUndefined();
  });

  it('refuses to handle events', async () => {
    const handler = createHandler(CheckedHandler, { logger: silentLogger });

    const result = handler({}, createFakeContext());

    await expect(result).rejects.toThrow(
      'createHandler(CheckedHandler): this process only checks dependency graphs',
    );
  });
});
