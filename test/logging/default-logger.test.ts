import { inject } from 'tsyringe';
import {
  Handler,
  LOGGER,
  OnInit,
  createDefaultLogger,
  createHandler,
  type Logger,
} from '../../src';
import { createFakeContext } from '../../src/testing';
import { outputOf } from './capture-output';

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe(createDefaultLogger.name, () => {
  describe('with the JSON log format (the default)', () => {
    it('writes one JSON object per line with timestamp, level, message and fields', async () => {
      const logger = createDefaultLogger({});

      const { stdout } = await outputOf(() =>
        logger.info('order stored', { orderId: 'o-1', total: 12.5 }),
      );

      expect(stdout).toHaveLength(1);
      const line = JSON.parse(stdout[0]);
      expect(line).toEqual({
        timestamp: expect.stringMatching(ISO_TIME),
        level: 'INFO',
        message: 'order stored',
        orderId: 'o-1',
        total: 12.5,
      });
      expect(Object.keys(line).slice(0, 2)).toEqual(['timestamp', 'level']);
    });

    it('writes the request id given by its source', async () => {
      const logger = createDefaultLogger(
        { AWS_LAMBDA_LOG_FORMAT: 'JSON' },
        { requestId: () => 'req-7' },
      );

      const { stdout } = await outputOf(() => logger.info('hello'));

      expect(JSON.parse(stdout[0])).toMatchObject({ requestId: 'req-7' });
    });

    it('keeps its own members when a field has the same name', async () => {
      const logger = createDefaultLogger({}, { requestId: () => 'req-1' });

      const { stdout } = await outputOf(() =>
        logger.info('real', {
          message: 'fake',
          level: 'DEBUG',
          requestId: 'x',
        }),
      );

      expect(JSON.parse(stdout[0])).toMatchObject({
        message: 'real',
        level: 'INFO',
        requestId: 'req-1',
      });
    });

    it('writes a value JSON cannot hold as a string', async () => {
      const logger = createDefaultLogger({});

      const { stdout } = await outputOf(() =>
        logger.info('big', { count: 2n ** 70n }),
      );

      expect(JSON.parse(stdout[0]).count).toBe('1180591620717411303424');
    });

    it('writes warnings and errors to stderr, the rest to stdout', async () => {
      const logger = createDefaultLogger({ AWS_LAMBDA_LOG_LEVEL: 'DEBUG' });

      const output = await outputOf(() => {
        logger.debug('d');
        logger.info('i');
        logger.warn('w');
        logger.error('e');
      });

      const messages = (lines: string[]) =>
        lines.map((line) => JSON.parse(line).message);
      expect(messages(output.stdout)).toEqual(['d', 'i']);
      expect(messages(output.stderr)).toEqual(['w', 'e']);
    });
  });

  describe('with the Text log format', () => {
    it('writes a tab-separated line: timestamp, request id, level, message, fields', async () => {
      const logger = createDefaultLogger(
        { AWS_LAMBDA_LOG_FORMAT: 'Text' },
        { requestId: () => 'req-9' },
      );

      const { stdout } = await outputOf(() =>
        logger.info('order stored', { orderId: 'o-1' }),
      );

      const [timestamp, ...rest] = stdout[0].split('\t');
      expect(timestamp).toMatch(ISO_TIME);
      expect(rest).toEqual(['req-9', 'INFO', 'order stored {"orderId":"o-1"}']);
    });

    it('keeps a multi-line message on one line and marks a missing request id', async () => {
      const logger = createDefaultLogger({ AWS_LAMBDA_LOG_FORMAT: 'TEXT' });

      const { stdout } = await outputOf(() => logger.info('first\nsecond'));

      expect(stdout).toHaveLength(1);
      expect(stdout[0].split('\t').slice(1)).toEqual([
        '-',
        'INFO',
        'first\\nsecond',
      ]);
    });
  });

  describe('with AWS_LAMBDA_LOG_LEVEL', () => {
    it.each([
      ['WARN', ['warn', 'error']],
      ['ERROR', ['error']],
      ['FATAL', ['error']],
      ['DEBUG', ['debug', 'info', 'warn', 'error']],
      ['TRACE', ['debug', 'info', 'warn', 'error']],
      [undefined, ['info', 'warn', 'error']],
      ['LOUD', ['info', 'warn', 'error']],
    ])('at %s writes %j', async (level, written) => {
      const logger = createDefaultLogger({ AWS_LAMBDA_LOG_LEVEL: level });

      const output = await outputOf(() => {
        for (const method of ['debug', 'info', 'warn', 'error'] as const) {
          logger[method](method);
        }
      });

      const lines = [...output.stdout, ...output.stderr];
      expect(lines.map((line) => JSON.parse(line).message).sort()).toEqual(
        [...written].sort(),
      );
    });

    it('reads the level and format once, when it is created', async () => {
      const env: NodeJS.ProcessEnv = { AWS_LAMBDA_LOG_LEVEL: 'ERROR' };
      const logger = createDefaultLogger(env);
      env.AWS_LAMBDA_LOG_LEVEL = 'DEBUG';
      env.AWS_LAMBDA_LOG_FORMAT = 'Text';

      const output = await outputOf(() => {
        logger.info('dropped');
        logger.error('kept');
      });

      expect(output.stdout).toEqual([]);
      expect(JSON.parse(output.stderr[0]).message).toBe('kept');
    });
  });

  describe('as the environment logger', () => {
    @Handler()
    class Orders {
      constructor(@inject(LOGGER) private readonly logger: Logger) {}

      @OnInit()
      open(): void {
        this.logger.info('opened');
      }

      handle(): void {
        this.logger.info('handled');
      }
    }

    it('writes the request id on lines logged during an invocation only', async () => {
      const { stdout } = await outputOf(async () => {
        const handler = createHandler(Orders, {
          env: {},
          shutdownSignal: false,
        });
        await handler.ready;
        await handler({}, createFakeContext({ awsRequestId: 'req-1' }));
      });

      expect(stdout.map((line) => JSON.parse(line))).toEqual([
        expect.not.objectContaining({ requestId: expect.anything() }),
        expect.objectContaining({ message: 'handled', requestId: 'req-1' }),
      ]);
    });
  });
});
