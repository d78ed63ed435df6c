import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  Handler,
  Lazy,
  createHandler,
  powertoolsMetrics,
  silentLogger,
} from '../../src';
import { createFakeContext } from '../../src/testing';
import { emfProblems } from './emf-spec';

@Handler()
class Orders {
  @Lazy()
  settings(): { region: string } {
    return { region: 'eu-west-1' };
  }

  handle(): string {
    return this.settings().region;
  }
}

/** Runs `fn` with stdout captured, line by line. */
async function stdoutOf(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe(powertoolsMetrics.name, () => {
  it('publishes each lifecycle document through Powertools Metrics', async () => {
    const lines = await stdoutOf(async () => {
      const metrics = new Metrics({
        namespace: 'Shop',
        serviceName: 'orders',
      });
      const handler = createHandler(Orders, {
        env: {},
        logger: silentLogger,
        shutdownSignal: false,
        metrics: powertoolsMetrics(metrics),
      });
      await handler.ready;
      await handler({}, createFakeContext());
      await handler.shutdown();
    });

    const documents = lines.map((line) => JSON.parse(line));
    expect(documents).toHaveLength(3);
    for (const document of documents) {
      expect(emfProblems(document)).toEqual([]);
      expect(document._aws.CloudWatchMetrics[0]).toMatchObject({
        Namespace: 'Shop',
        Dimensions: [['service']],
      });
      expect(document.service).toBe('orders');
    }
    expect(documents[1]).toMatchObject({
      ColdStart: 1,
      InvocationsInEnvironment: 1,
      LazyMisses: 1,
      BilledDurationEstimate: expect.any(Number),
    });
    expect(documents[1]._aws.CloudWatchMetrics[0].Metrics).toContainEqual({
      Name: 'InvocationDuration',
      Unit: 'Milliseconds',
    });
  });
});
