import { inject } from 'tsyringe';
import {
  Handler,
  LOGGER,
  OnInit,
  createHandler,
  type LambdaHandler,
  type Logger,
} from '../../src';
import { createFakeContext } from '../../src/testing';
import { outputOf } from './capture-output';

const OVERLAPPING = 64;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface ChargeEvent {
  readonly n: number;
  readonly delays: readonly number[];
}

@Handler()
class Charges {
  constructor(@inject(LOGGER) private readonly logger: Logger) {}

  @OnInit()
  open(): void {
    this.logger.info('opened');
  }

  async handle(event: ChargeEvent): Promise<number> {
    this.logger.info('start', { n: event.n });
    for (const delay of event.delays) {
      await pause(delay);
      this.logger.info('step', { n: event.n });
    }
    return event.n;
  }
}

interface Line {
  readonly message: string;
  readonly n?: number;
  readonly requestId?: string;
}

async function run(
  env: NodeJS.ProcessEnv,
  invoke: (handler: LambdaHandler<ChargeEvent, number>) => Promise<unknown>,
): Promise<Line[]> {
  const { stdout } = await outputOf(async () => {
    const handler = createHandler(Charges, { env, shutdownSignal: false });
    await handler.ready;
    await invoke(handler);
  });
  return stdout.map((line) => JSON.parse(line) as Line);
}

const requestIdOf = (n: number) => `req-${n}`;

describe('request ids on log lines', () => {
  it(`stay right for ${OVERLAPPING} overlapping invocations under AWS_LAMBDA_MAX_CONCURRENCY`, async () => {
    const lines = await run(
      { AWS_LAMBDA_MAX_CONCURRENCY: String(OVERLAPPING) },
      (handler) =>
        Promise.all(
          Array.from({ length: OVERLAPPING }, (_, n) =>
            handler(
              { n, delays: [(n * 7) % 5, (n * 3) % 4, 1] },
              createFakeContext({ awsRequestId: requestIdOf(n) }),
            ),
          ),
        ),
    );

    const invoked = lines.filter((line) => line.n !== undefined);
    expect(invoked).toHaveLength(OVERLAPPING * 4);
    for (const line of invoked) {
      expect(line.requestId).toBe(requestIdOf(line.n!));
    }
  });

  it('stay right for one invocation after another without the scope', async () => {
    const lines = await run({}, async (handler) => {
      for (let n = 0; n < 3; n++) {
        await handler(
          { n, delays: [1] },
          createFakeContext({ awsRequestId: requestIdOf(n) }),
        );
      }
    });

    const invoked = lines.filter((line) => line.n !== undefined);
    expect(invoked.map((line) => [line.n, line.requestId])).toEqual([
      [0, 'req-0'],
      [0, 'req-0'],
      [1, 'req-1'],
      [1, 'req-1'],
      [2, 'req-2'],
      [2, 'req-2'],
    ]);
  });

  it('are absent from lines written during INIT', async () => {
    const lines = await run({}, async () => undefined);

    expect(lines).toEqual([
      expect.not.objectContaining({ requestId: expect.anything() }),
    ]);
    expect(lines[0].message).toBe('opened');
  });
});
