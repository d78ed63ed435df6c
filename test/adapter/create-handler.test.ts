import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  Context,
  SQSEvent,
} from 'aws-lambda';
import {
  Handler,
  OnInit,
  createHandler,
  silentLogger,
  type LambdaHandler,
} from '../../src';
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

  it('refuses a class that is not marked with @Handler', () => {
    class Plain {
      handle(): void {}
    }

    expect(() => createHandler(Plain)).toThrow(
      'createHandler(Plain): the class is not marked with @Handler()',
    );
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
