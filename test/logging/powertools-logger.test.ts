import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { inject } from 'tsyringe';
import {
  AfterInvoke,
  Handler,
  LOGGER,
  REDACTED,
  createHandler,
  type Logger,
} from '../../src';
import { createFakeContext } from '../../src/testing';
import { outputOf } from './capture-output';

@Handler()
class Checkout {
  constructor(@inject(LOGGER) private readonly logger: Logger) {}

  handle(event: { headers: Record<string, string> }): string {
    this.logger.info('checkout', { headers: event.headers, basket: 3 });
    return 'ok';
  }

  @AfterInvoke()
  audit(): void {
    throw new Error('audit table missing');
  }
}

describe('Powertools Logger as the logger', () => {
  it('writes what the handler and the framework log, with the request id and no secrets', async () => {
    const output = await outputOf(async () => {
      const powertools = new PowertoolsLogger({ serviceName: 'shop' });
      const handler = createHandler(Checkout, {
        env: {},
        logger: powertools,
        shutdownSignal: false,
      });
      await handler.ready;
      await handler(
        { headers: { Authorization: 'Bearer abc', 'content-type': 'json' } },
        createFakeContext({ awsRequestId: 'req-42' }),
      );
    });

    const lines = [...output.stdout, ...output.stderr].map((line) =>
      JSON.parse(line),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'INFO',
          message: 'checkout',
          service: 'shop',
          requestId: 'req-42',
          basket: 3,
          headers: { Authorization: REDACTED, 'content-type': 'json' },
        }),
        expect.objectContaining({
          level: 'ERROR',
          message: '@AfterInvoke on Checkout.audit: hook failed',
          requestId: 'req-42',
          errorMessage: 'audit table missing',
        }),
      ]),
    );
    expect(JSON.stringify(lines)).not.toContain('Bearer abc');
  });
});
