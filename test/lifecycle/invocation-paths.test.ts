import type { LogFields, Logger } from '../../src';
import {
  meteredPath,
  type InvocationCounts,
} from '../../src/lifecycle/invocation-paths';
import type { InvocationEnd } from '../../src/lifecycle/observer';
import { RequestIdSource } from '../../src/logging/request-id-source';
import { createFakeContext } from '../../src/testing';

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
