import { inject } from 'tsyringe';
import { Handler, LOGGER, REDACTED, type Logger } from '../../src';
import { errorFields } from '../../src/logging/logger';
import { createTestBed } from '../../src/testing';

describe(errorFields.name, () => {
  it('writes an error as its name, message and stack', () => {
    const error = new TypeError('no "n"');

    expect(errorFields(error)).toEqual({
      errorType: 'TypeError',
      errorMessage: 'no "n"',
      stack: error.stack,
    });
  });

  it('writes the cause chain the same way', () => {
    const root = new RangeError('port 1 refused');
    const middle = new Error('cannot connect', { cause: root });
    const error = new Error('order not stored', { cause: middle });

    expect(errorFields(error)).toEqual({
      errorType: 'Error',
      errorMessage: 'order not stored',
      stack: error.stack,
      cause: {
        errorType: 'Error',
        errorMessage: 'cannot connect',
        stack: middle.stack,
        cause: {
          errorType: 'RangeError',
          errorMessage: 'port 1 refused',
          stack: root.stack,
        },
      },
    });
  });

  it('keeps a cause that is not an error as it is', () => {
    const error = new Error('declined', { cause: { code: 'E42' } });

    expect(errorFields(error).cause).toEqual({ code: 'E42' });
  });

  it('cuts a cause chain after five causes, cycles included', () => {
    const error = new Error('loop');
    (error as { cause?: unknown }).cause = error;

    let depth = 0;
    let at = errorFields(error).cause;
    while (typeof at === 'object' && at !== null) {
      depth++;
      at = (at as { cause?: unknown }).cause;
    }

    expect(depth).toBe(5);
    expect(at).toBe('[Truncated]');
  });

  it('writes something that is not an error as its type and text', () => {
    expect(errorFields('gone')).toEqual({
      errorType: 'string',
      errorMessage: 'gone',
    });
  });
});

describe('error causes logged through an environment', () => {
  @Handler()
  class Checkout {
    constructor(@inject(LOGGER) private readonly logger: Logger) {}

    handle(): void {
      const reply = { status: 402, headers: { Authorization: 'Bearer abc' } };
      const cause = new Error('card service said no', { cause: reply });
      const error = new Error('payment failed', { cause });
      this.logger.error('checkout failed', { ...errorFields(error) });
    }
  }

  it('logs the cause chain with its secrets redacted', async () => {
    const bed = await createTestBed(Checkout);

    await bed.invoke({});

    expect(bed.logs[0].fields).toMatchObject({
      errorMessage: 'payment failed',
      cause: {
        errorMessage: 'card service said no',
        cause: { status: 402, headers: { Authorization: REDACTED } },
      },
    });
    expect(JSON.stringify(bed.logs)).not.toContain('Bearer abc');
  });
});
