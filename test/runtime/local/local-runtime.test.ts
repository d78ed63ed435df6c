import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  startLocalRuntime,
  type LocalRuntime,
  type LocalRuntimeOptions,
} from '../../../src/runtime/local';

// Child processes on a 2-core CI machine: a few seconds per test at worst.
jest.setTimeout(20_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'local-runtime');

describe('startLocalRuntime', () => {
  const started: LocalRuntime[] = [];

  async function start(
    fixture: string,
    options: Partial<LocalRuntimeOptions> = {},
  ): Promise<LocalRuntime> {
    const runtime = await startLocalRuntime({
      entry: path.join(FIXTURES, fixture),
      ...options,
    });
    started.push(runtime);
    return runtime;
  }

  afterEach(async () => {
    await Promise.all(started.splice(0).map((runtime) => runtime.close()));
  });

  it('runs a cold then a warm invocation in the same process', async () => {
    const runtime = await start('echo.mjs');

    const first = await runtime.invoke({ orderId: 1 });
    const second = await runtime.invoke({ orderId: 2 });

    expect(first).toMatchObject({ outcome: 'ok', coldStart: true });
    expect(second).toMatchObject({ outcome: 'ok', coldStart: false });
    expect(second.pid).toBe(first.pid);
    expect(second.result).toMatchObject({ event: { orderId: 2 } });
  });

  it('gives the handler the Lambda environment and a real-shaped context', async () => {
    const runtime = await start('echo.mjs', {
      functionName: 'orders',
      memoryMb: 512,
      env: { ORDERS_TABLE: 'orders-test' },
    });

    const { requestId, result } = await runtime.invoke(
      {},
      { clientContext: { client: { appTitle: 'shop' } } },
    );

    expect(result).toMatchObject({
      context: {
        awsRequestId: requestId,
        functionName: 'orders',
        functionVersion: '$LATEST',
        memoryLimitInMB: '512',
        invokedFunctionArn: expect.stringMatching(
          /^arn:aws:lambda:us-east-1:\d{12}:function:orders$/,
        ),
        logGroupName: '/aws/lambda/orders',
        remainingMs: expect.any(Number),
        clientContext: { client: { appTitle: 'shop' } },
      },
      env: {
        handler: 'echo.handler',
        taskRoot: FIXTURES,
        tz: ':UTC',
        region: 'us-east-1',
        initializationType: 'on-demand',
        nodePath: null,
        traceId: expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};/),
        custom: 'orders-test',
      },
    });
  });

  it('records each phase in order with the lines written during it', async () => {
    const runtime = await start('echo.mjs');

    const { requestId } = await runtime.invoke({});
    await runtime.idle(20);
    await runtime.shutdown();

    expect(runtime.timeline.map((entry) => entry.phase)).toEqual([
      'INIT',
      'INVOKE',
      'IDLE',
      'SHUTDOWN',
    ]);
    expect(runtime.timeline[1].logs).toEqual([
      expect.objectContaining({
        source: 'runtime',
        stream: 'stdout',
        text: `handling ${requestId}`,
      }),
    ]);
    expect(runtime.logs.map((line) => line.text)).toContain(
      `handling ${requestId}`,
    );
  });

  it('runs a CommonJS handler that answers through its callback', async () => {
    const runtime = await start('callback.cjs');

    const answer = await runtime.invoke({ value: 21 });

    expect(answer).toMatchObject({ outcome: 'ok', result: { doubled: 42 } });
  });

  it('reports a handler error as {errorType, errorMessage, trace}', async () => {
    const runtime = await start('throws.cjs');

    const answer = await runtime.invoke({ orderId: 42 });

    expect(answer.outcome).toBe('error');
    expect(answer.error).toEqual({
      errorType: 'TypeError',
      errorMessage: 'order 42 has no items',
      trace: expect.arrayContaining([
        'TypeError: order 42 has no items',
        expect.stringContaining('throws.cjs:3'),
      ]),
    });
  });

  describe('when INIT fails', () => {
    let markerDir: string;

    beforeEach(() => {
      markerDir = mkdtempSync(path.join(tmpdir(), 'local-runtime-'));
    });

    afterEach(() => {
      rmSync(markerDir, { recursive: true, force: true });
    });

    it('records the init error and initialises again on the next invocation', async () => {
      const runtime = await start('flaky-init.mjs', {
        env: { FLAKY_MARKER: path.join(markerDir, 'attempted') },
      });

      const answer = await runtime.invoke({});

      const [failed, retried] = runtime.timeline;
      expect(failed).toMatchObject({
        phase: 'INIT',
        outcome: 'error',
        error: {
          errorType: 'RangeError',
          errorMessage: 'connection pool refused to start',
        },
      });
      expect(retried).toMatchObject({
        phase: 'INIT',
        outcome: 'ok',
        reinit: 'init-error',
      });
      expect(answer).toMatchObject({
        outcome: 'ok',
        coldStart: true,
        result: { initialised: true },
      });
    });

    it('fails the invocation with the init error when the retry fails too', async () => {
      const runtime = await start('init-error.cjs');

      const answer = await runtime.invoke({});

      expect(answer).toMatchObject({
        outcome: 'error',
        error: {
          errorType: 'Error',
          errorMessage: 'settings table is missing',
        },
      });
      expect(runtime.timeline.map((entry) => entry.phase)).toEqual([
        'INIT',
        'INIT',
        'INVOKE',
      ]);
    });

    it('ends an INIT that outlives its limit as a timeout', async () => {
      const runtime = await start('slow-init.mjs', {
        initTimeoutMs: 300,
        env: { INIT_DELAY_MS: '60000' },
      });

      expect(runtime.timeline).toEqual([
        expect.objectContaining({
          phase: 'INIT',
          outcome: 'timeout',
          error: expect.objectContaining({
            errorType: 'Sandbox.Timedout',
            errorMessage: 'INIT timed out after 0.30 seconds',
          }),
          logs: [expect.objectContaining({ text: 'loading slowly' })],
        }),
      ]);
    });

    it('reports a crash when the node binary cannot start', async () => {
      const runtime = await start('echo.mjs', {
        nodePath: path.join(FIXTURES, 'no-such-node'),
      });

      expect(runtime.timeline[0]).toMatchObject({
        phase: 'INIT',
        outcome: 'crash',
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: expect.stringContaining('no-such-node'),
        },
      });
    });
  });

  describe('when an invocation times out', () => {
    it('kills the process and initialises a new one for the next event', async () => {
      const runtime = await start('sleeps.mjs', { timeoutMs: 500 });

      const late = await runtime.invoke({ ms: 60_000 });
      const next = await runtime.invoke({ ms: 1 });

      expect(late).toMatchObject({
        outcome: 'timeout',
        error: {
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${late.requestId} Error: Task timed out after 0.50 seconds`,
        },
      });
      expect(runtime.timeline[2]).toMatchObject({
        phase: 'INIT',
        reinit: 'timeout',
        outcome: 'ok',
      });
      expect(next).toMatchObject({ outcome: 'ok', coldStart: true });
      expect(next.pid).not.toBe(late.pid);
    });
  });

  describe('when the process exits during an invocation', () => {
    it('reports a crash and initialises a new process for the next event', async () => {
      const runtime = await start('exits.mjs');

      const crashed = await runtime.invoke({ status: 3 });
      const next = await runtime.invoke({ status: 4 });

      expect(crashed).toMatchObject({
        outcome: 'crash',
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${crashed.requestId} Error: Runtime exited with error: exit status 3`,
        },
        logs: [
          expect.objectContaining({ stream: 'stderr', text: 'giving up' }),
        ],
      });
      expect(next).toMatchObject({ outcome: 'crash', coldStart: true });
      expect(runtime.timeline[2]).toMatchObject({
        phase: 'INIT',
        reinit: 'crash',
      });
    });
  });

  describe('extensions', () => {
    it('lists an internal extension registered during INIT', async () => {
      const runtime = await start('extension.mjs');

      expect(runtime.timeline[0]).toMatchObject({
        phase: 'INIT',
        outcome: 'ok',
        extensions: [{ name: 'cleanup', kind: 'internal', events: [] }],
      });
    });

    it('refuses a registration after INIT', async () => {
      const runtime = await start('extension.mjs');

      const answer = await runtime.invoke({ registerLate: true });

      expect(answer.result).toMatchObject({
        status: 403,
        body: { errorType: 'Extension.RegistrationClosed' },
      });
    });
  });

  describe('shutdown', () => {
    it('SIGKILLs the runtime when no extension registered', async () => {
      const runtime = await start('echo.mjs');
      await runtime.invoke({});

      const report = await runtime.shutdown();

      expect(report).toMatchObject({
        phase: 'SHUTDOWN',
        signal: 'SIGKILL',
        exitSignal: 'SIGKILL',
        extensions: [],
        logs: [],
      });
      expect(report.sigtermToExitMs).toBeUndefined();
    });

    it('SIGKILLs the processes the handler started too', async () => {
      const runtime = await start('spawns.mjs');
      await runtime.invoke({});

      const report = await runtime.shutdown();

      expect(report).toMatchObject({
        signal: 'SIGKILL',
        exitSignal: 'SIGKILL',
      });
    });

    it('sends SIGTERM when an extension registered and measures the exit', async () => {
      const runtime = await start('extension.mjs');
      await runtime.invoke({});

      const report = await runtime.shutdown();

      expect(report).toMatchObject({
        signal: 'SIGTERM',
        runtimeBudgetMs: 500,
        budgetMs: 500,
        killedAfterBudget: false,
        exitCode: 0,
        sigtermToExitMs: expect.any(Number),
      });
      expect(report.logs.map((line) => line.text)).toEqual([
        'SIGTERM: closing the pool',
        'pool closed',
      ]);
    });

    it('SIGKILLs a runtime that outlives its budget after SIGTERM', async () => {
      const runtime = await start('extension.mjs', {
        env: { IGNORE_SIGTERM: '1' },
      });

      const report = await runtime.shutdown();

      expect(report).toMatchObject({
        signal: 'SIGTERM',
        killedAfterBudget: true,
        exitSignal: 'SIGKILL',
      });
    });

    it('sends SHUTDOWN to an external extension within the 2000 ms budget', async () => {
      const runtime = await start('echo.mjs', {
        extensions: [path.join(FIXTURES, 'shutdown-listener.mjs')],
      });

      const report = await runtime.shutdown();

      expect(report).toMatchObject({
        signal: 'SIGTERM',
        runtimeBudgetMs: 300,
        budgetMs: 2000,
        exitSignal: 'SIGTERM',
        extensions: [
          {
            name: 'shutdown-listener.mjs',
            kind: 'external',
            events: ['SHUTDOWN'],
          },
        ],
        logs: [
          expect.objectContaining({
            source: 'shutdown-listener.mjs',
            text: 'SHUTDOWN spindown',
          }),
        ],
      });
    });

    it('records an exit/error an extension posts during SHUTDOWN', async () => {
      const runtime = await start('echo.mjs', {
        extensions: [path.join(FIXTURES, 'shutdown-listener.mjs')],
        env: { FAIL_AT_SHUTDOWN: '1' },
      });

      const report = await runtime.shutdown();

      expect(report).toMatchObject({
        signal: 'SIGTERM',
        error: {
          errorType: 'Extension.FlushFailed',
          errorMessage:
            'extension "shutdown-listener.mjs" posted exit/error: 3 spans ' +
            'were not sent',
        },
      });
    });

    it('records no error when the extensions shut down cleanly', async () => {
      const runtime = await start('echo.mjs', {
        extensions: [path.join(FIXTURES, 'shutdown-listener.mjs')],
      });

      const report = await runtime.shutdown();

      expect(report.error).toBeUndefined();
    });

    it.each(['JSON', 'Text'])(
      'lists the hooks lambda-lifecycle ran at SIGTERM, in reverse dependency order, from its %s log line',
      async (format) => {
        const runtime = await start('framework.mjs', {
          env: { AWS_LAMBDA_LOG_FORMAT: format },
        });
        await runtime.invoke({ orderId: 'A-1' });

        const report = await runtime.shutdown();

        expect(report).toMatchObject({
          signal: 'SIGTERM',
          killedAfterBudget: false,
          steps: [
            {
              kind: 'onShutdown',
              name: 'Orders.stop',
              outcome: 'ok',
              durationMs: expect.any(Number),
            },
            {
              kind: 'onShutdown',
              name: 'Pool.close',
              outcome: 'ok',
              durationMs: expect.any(Number),
            },
          ],
        });
      },
    );

    it('gives no steps for a runtime that logs none', async () => {
      const runtime = await start('extension.mjs');

      const report = await runtime.shutdown();

      expect(report.signal).toBe('SIGTERM');
      expect(report).not.toHaveProperty('steps');
    });

    it('initialises a new environment for an invocation after shutdown', async () => {
      const runtime = await start('echo.mjs');
      await runtime.shutdown();

      const answer = await runtime.invoke({});

      expect(answer).toMatchObject({ outcome: 'ok', coldStart: true });
      expect(runtime.timeline[2]).toMatchObject({ reinit: 'shutdown' });
    });
  });

  describe('options', () => {
    it('rejects an entry that does not exist with INVALID_CONFIG', async () => {
      const starting = start('missing.mjs');

      await expect(starting).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        message: expect.stringContaining('missing.mjs does not exist'),
      });
    });

    it('rejects an entry that is not JavaScript', async () => {
      const starting = start('../../local/local-runtime.test.ts');

      await expect(starting).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        message: expect.stringContaining('must be a .js, .mjs or .cjs file'),
      });
    });

    it('rejects env that sets a variable Lambda reserves', async () => {
      const starting = start('echo.mjs', {
        env: { AWS_REGION: 'eu-west-1', ORDERS_TABLE: 'orders' },
      });

      await expect(starting).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        message: expect.stringContaining('env sets AWS_REGION'),
      });
    });

    it('reports a missing export as Runtime.HandlerNotFound', async () => {
      const runtime = await start('echo.mjs', { handlerExport: 'nothing' });

      expect(runtime.timeline[0]).toMatchObject({
        outcome: 'error',
        error: { errorType: 'Runtime.HandlerNotFound' },
      });
    });

    it('runs aws-lambda-ric when asked, or names the package when it is missing', async () => {
      const ran = await start('echo.mjs', { runtime: 'ric' }).then(
        async (runtime) => {
          const answer = await runtime.invoke({ orderId: 1 });
          return answer.outcome === 'ok' ? 'ok' : JSON.stringify(answer);
        },
        (error: Error) => error.message,
      );

      expect(ran).toEqual(
        expect.stringMatching(/^ok$|the npm package "aws-lambda-ric" is not/),
      );
    });

    it('refuses calls after close', async () => {
      const runtime = await start('echo.mjs');
      await runtime.close();

      await expect(runtime.invoke({})).rejects.toMatchObject({
        code: 'CONTAINER_NOT_READY',
      });
    });
  });
});
