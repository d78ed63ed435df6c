import { LifecycleError } from '../../src';
import { writeEmfLine } from '../../src/metrics/emf-stdout-sink';
import { resolveMetrics } from '../../src/metrics/metrics-options';

const IN_LAMBDA = {
  AWS_LAMBDA_FUNCTION_NAME: 'orders',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
};

function refusal(options: Parameters<typeof resolveMetrics>[0]): unknown {
  try {
    resolveMetrics(options, IN_LAMBDA, 'Orders');
  } catch (error) {
    return error;
  }
  return undefined;
}

describe(resolveMetrics.name, () => {
  it('turns metrics on inside Lambda with the defaults', () => {
    const config = resolveMetrics(undefined, IN_LAMBDA, 'Orders');

    expect(config).toEqual({
      namespace: 'LambdaLifecycle',
      dimensions: { FunctionName: 'orders' },
      sink: writeEmfLine,
      memorySampleEvery: 100,
      memorySizeMb: 512,
      level: undefined,
    });
  });

  it.each([
    ['JSON', 'WARN', 'WARN'],
    ['json', 'error', 'ERROR'],
    ['JSON', 'FATAL', 'FATAL'],
    ['JSON', 'INFO', undefined],
    ['JSON', 'TRACE', undefined],
    ['JSON', undefined, undefined],
    ['Text', 'WARN', undefined],
    [undefined, 'ERROR', undefined],
  ])(
    'stamps documents for the log-level filter: format %s, level %s -> %s',
    (format, level, stamped) => {
      const env = {
        ...IN_LAMBDA,
        AWS_LAMBDA_LOG_FORMAT: format,
        AWS_LAMBDA_LOG_LEVEL: level,
      };

      expect(resolveMetrics(undefined, env, 'Orders')?.level).toBe(stamped);
    },
  );

  it('leaves metrics off outside Lambda unless asked for', () => {
    expect(resolveMetrics(undefined, {}, 'Orders')).toBeUndefined();
    expect(resolveMetrics({}, {}, 'Orders')).toMatchObject({
      dimensions: { FunctionName: 'Orders' },
      memorySizeMb: undefined,
    });
  });

  it('turns metrics off with false, even inside Lambda', () => {
    expect(resolveMetrics(false, IN_LAMBDA, 'Orders')).toBeUndefined();
  });

  it.each([
    [{ namespace: '' }, 'metrics.namespace'],
    [{ namespace: 'AWS/Lambda' }, 'metrics.namespace'],
    [{ namespace: 'orders!' }, 'metrics.namespace'],
    [{ dimensions: { ':stage': 'prod' } }, 'metrics.dimensions'],
    [{ dimensions: { Stage: '' } }, 'metrics.dimensions.Stage'],
    [{ dimensions: { ColdStart: 'yes' } }, 'metrics.dimensions'],
    [{ dimensions: { level: 'high' } }, 'metrics.dimensions'],
    [{ memorySampleEvery: 0 }, 'metrics.memorySampleEvery'],
  ])('refuses %j naming %s', (options, option) => {
    const error = refusal(options);

    expect(LifecycleError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect((error as Error).message).toContain(`"${option}"`);
  });

  it('refuses more than 30 dimensions', () => {
    const dimensions = Object.fromEntries(
      Array.from({ length: 31 }, (_, i) => [`D${i}`, 'x']),
    );

    expect(refusal({ dimensions })).toMatchObject({
      message: expect.stringContaining('at most 30'),
    });
  });
});
