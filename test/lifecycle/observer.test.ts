import { singleton } from 'tsyringe';
import {
  Handler,
  Lazy,
  OnInit,
  OnShutdown,
  createHandler,
  silentLogger,
  type InitSummary,
  type LifecycleObserver,
  type PoolStats,
  type ShutdownSummary,
} from '../../src';
import { createFakeContext } from '../../src/testing';

@singleton()
class Pool {
  @OnInit()
  connect(): void {}

  @OnShutdown()
  end(): void {}

  poolStats(): PoolStats {
    return { opened: 1, open: 1 };
  }
}

@Handler()
class Orders {
  constructor(readonly pool: Pool) {}

  @Lazy({ eager: true })
  settings(): string {
    return 'eu-west-1';
  }

  handle(): string {
    return 'ok';
  }
}

function recorder() {
  const events: string[] = [];
  const inits: InitSummary[] = [];
  const shutdowns: ShutdownSummary[] = [];
  const observer: LifecycleObserver = {
    phaseChanged: ({ from, to }) => events.push(`phase ${from}->${to}`),
    hookStarted: ({ kind, name }) => events.push(`start ${kind} ${name}`),
    hookEnded: ({ kind, name }) => events.push(`end ${kind} ${name}`),
    invocationStarted: ({ requestId }) => events.push(`invoke ${requestId}`),
    invocationEnded: ({ requestId }) => events.push(`done ${requestId}`),
    initEnded: (summary) => {
      inits.push(summary);
      events.push(`init ${summary.outcome}`);
    },
    shutdownEnded: (summary) => {
      shutdowns.push(summary);
      events.push('shutdown');
    },
  };
  return { events, inits, shutdowns, observer };
}

describe('LifecycleObserver', () => {
  it('sees every phase, hook and invocation, and both summaries, in order', async () => {
    const { events, observer } = recorder();
    const handler = createHandler(Orders, {
      env: {},
      logger: silentLogger,
      shutdownSignal: false,
      observers: [observer],
    });

    await handler.ready;
    await handler({}, createFakeContext({ awsRequestId: 'req-1' }));
    await handler.shutdown();

    expect(events).toEqual([
      'start onInit Pool.connect',
      'end onInit Pool.connect',
      'start lazy Orders.settings',
      'end lazy Orders.settings',
      'init ok',
      'phase INIT->READY',
      'phase READY->INVOKING',
      'invoke req-1',
      'start handle Orders.handle',
      'end handle Orders.handle',
      'phase INVOKING->READY',
      'done req-1',
      'phase READY->SHUTTING_DOWN',
      'start onShutdown Pool.end',
      'end onShutdown Pool.end',
      'shutdown',
      'phase SHUTTING_DOWN->STOPPED',
    ]);
  });

  it('summarises INIT with its steps, lazy values and pooled providers', async () => {
    const { inits, observer } = recorder();
    const handler = createHandler(Orders, {
      env: { AWS_LAMBDA_INITIALIZATION_TYPE: 'snap-start' },
      logger: silentLogger,
      shutdownSignal: false,
      observers: [observer],
    });

    await handler.ready;

    expect(inits).toEqual([
      {
        outcome: 'ok',
        initializationType: 'snap-start',
        durationMs: handler.stats.initDurationMs,
        steps: handler.stats.initSteps,
        lazies: handler.stats.lazies,
        pooled: [{ name: 'Pool', pool: handler.environment.resolve(Pool) }],
      },
    ]);
  });

  it('summarises a failed INIT with its error', async () => {
    @Handler()
    class Broken {
      @OnInit()
      connect(): void {
        throw new Error('no database');
      }

      handle(): void {}
    }
    const { inits, observer } = recorder();

    const handler = createHandler(Broken, {
      env: {},
      logger: silentLogger,
      shutdownSignal: false,
      observers: [observer],
    });
    await handler.ready.catch(() => undefined);

    expect(inits).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        steps: [expect.objectContaining({ name: 'Broken.connect' })],
        error: expect.objectContaining({ code: 'HOOK_FAILED' }),
      }),
    ]);
  });

  it('summarises SHUTDOWN with its report and the invocation count', async () => {
    const { shutdowns, observer } = recorder();
    const handler = createHandler(Orders, {
      env: {},
      logger: silentLogger,
      shutdownSignal: false,
      observers: [observer],
    });
    await handler.ready;
    await handler({}, createFakeContext());

    const report = await handler.shutdown();

    expect(shutdowns).toEqual([{ ...report, invocations: 1 }]);
  });

  describe('when an observer throws', () => {
    const throwing: LifecycleObserver = {
      invocationStarted: () => {
        throw new Error('tracer down');
      },
      hookEnded: () => {
        throw new Error('tracer down');
      },
      invocationEnded: () => {
        throw new Error('tracer down');
      },
    };

    @Handler()
    class Refusing {
      handle(event: { refuse?: boolean }): string {
        if (event.refuse) throw new Error('refused');
        return 'stored';
      }
    }

    async function start() {
      const errors: string[] = [];
      const { events, observer } = recorder();
      const handler = createHandler(Refusing, {
        env: {},
        logger: { ...silentLogger, error: (message) => errors.push(message) },
        shutdownSignal: false,
        observers: [throwing, observer],
      });
      await handler.ready;
      return { errors, events, handler };
    }

    it('returns the result and tells the other observers', async () => {
      const { errors, events, handler } = await start();

      const result = await handler(
        {},
        createFakeContext({ awsRequestId: 'r' }),
      );

      expect(result).toBe('stored');
      expect(events).toContain('done r');
      expect(errors).toEqual([
        'Lifecycle observer failed in invocationStarted',
        'Lifecycle observer failed in hookEnded',
        'Lifecycle observer failed in invocationEnded',
      ]);
    });

    it("rejects with the handler's error, not the observer's", async () => {
      const { handler } = await start();

      const outcome = handler({ refuse: true }, createFakeContext());

      await expect(outcome).rejects.toThrow('refused');
    });
  });
});
