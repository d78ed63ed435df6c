import { singleton } from 'tsyringe';
import {
  Handler,
  Lazy,
  OnInit,
  OnShutdown,
  createHandler,
  type CreateHandlerOptions,
  type EmfDocument,
  type LogFields,
  type PoolStats,
  type Pooled,
} from '../../src';
import { MetricsRecorder } from '../../src/metrics/metrics-recorder';
import { createFakeContext } from '../../src/testing';
import { emfProblems } from './emf-spec';

const MEMORY_MB = 256;

@singleton()
class Connections implements Pooled {
  opened = 0;
  open = 0;
  failing = false;

  @OnInit()
  connect(): void {
    this.opened++;
    this.open++;
  }

  reconnect(): void {
    this.opened++;
  }

  poolStats(): PoolStats {
    if (this.failing) throw new Error('pool gone');
    return { opened: this.opened, open: this.open };
  }
}

interface Event {
  readonly fail?: boolean;
  readonly reconnect?: boolean;
}

@Handler()
class Orders {
  constructor(readonly connections: Connections) {}

  @Lazy({ eager: true })
  limits(): { max: number } {
    return { max: 10 };
  }

  @Lazy()
  prices(): { tea: number } {
    return { tea: 3 };
  }

  handle(event: Event): number {
    if (event.fail) throw new Error('refused');
    if (event.reconnect) this.connections.reconnect();
    return this.prices().tea * this.limits().max;
  }

  @OnShutdown()
  close(): void {
    if (Orders.failShutdown) throw new Error('flush failed');
  }

  static failShutdown = false;
}

interface Run {
  readonly documents: EmfDocument[];
  readonly errors: { message: string; fields?: LogFields }[];
  readonly handler: ReturnType<typeof createHandler<typeof Orders, Event>>;
  invoke(event?: Event, requestId?: string): Promise<unknown>;
}

async function start(options: CreateHandlerOptions = {}): Promise<Run> {
  const documents: EmfDocument[] = [];
  const errors: Run['errors'] = [];
  const handler = createHandler<typeof Orders, Event>(Orders, {
    env: {
      AWS_LAMBDA_FUNCTION_NAME: 'orders',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MEMORY_MB),
    },
    shutdownSignal: false,
    metrics: { sink: (document) => documents.push(document) },
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (message, fields) => errors.push({ message, fields }),
    },
    ...options,
  });
  await handler.ready;
  return {
    documents,
    errors,
    handler,
    invoke: (event = {}, requestId?: string) =>
      handler(event, createFakeContext({ awsRequestId: requestId })).catch(
        (error: unknown) => error,
      ),
  };
}

const invocations = (run: Run) =>
  run.documents.filter((doc) => doc.LifecyclePhase === 'INVOKE');

describe(MetricsRecorder.name, () => {
  beforeEach(() => {
    Orders.failShutdown = false;
  });

  describe('at INIT', () => {
    it('records the INIT duration and each init step by name', async () => {
      const run = await start();

      const [init] = run.documents;

      expect(init).toMatchObject({
        LifecyclePhase: 'INIT',
        Outcome: 'ok',
        InitializationType: 'on-demand',
        MemorySizeMb: MEMORY_MB,
        InitErrors: 0,
        InitDuration: expect.any(Number),
        'InitHookDuration.Connections.connect': expect.any(Number),
        'EagerLazyDuration.Orders.limits': expect.any(Number),
        LazyLoads: 1,
        ConnectionsOpened: 1,
      });
      expect(init.InitDuration).toBeGreaterThanOrEqual(
        init['InitHookDuration.Connections.connect'] as number,
      );
    });

    it('records a failed INIT with its duration', async () => {
      const documents: EmfDocument[] = [];
      @Handler()
      class Broken {
        @OnInit()
        connect(): void {
          throw new Error('no database');
        }

        handle(): void {}
      }

      const handler = createHandler(Broken, {
        env: { AWS_LAMBDA_FUNCTION_NAME: 'broken' },
        shutdownSignal: false,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        metrics: { sink: (document) => documents.push(document) },
      });
      await handler.ready.catch(() => undefined);

      expect(documents).toEqual([
        expect.objectContaining({
          LifecyclePhase: 'INIT',
          Outcome: 'failed',
          InitErrors: 1,
          InitDuration: expect.any(Number),
        }),
      ]);
    });
  });

  describe('per invocation', () => {
    it('counts a cold start on the first on-demand invocation only', async () => {
      const run = await start();

      await run.invoke();
      await run.invoke();

      expect(invocations(run).map((doc) => doc.ColdStart)).toEqual([1, 0]);
    });

    it('counts no cold start in a provisioned-concurrency environment', async () => {
      const run = await start({
        env: {
          AWS_LAMBDA_FUNCTION_NAME: 'orders',
          AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency',
        },
      });

      await run.invoke();

      expect(invocations(run)[0].ColdStart).toBe(0);
    });

    it('numbers invocations and flags the failed ones with their request ids', async () => {
      const run = await start();

      await run.invoke({}, 'req-1');
      await run.invoke({ fail: true }, 'req-2');

      expect(invocations(run)).toEqual([
        expect.objectContaining({
          RequestId: 'req-1',
          Outcome: 'ok',
          InvocationErrors: 0,
          InvocationsInEnvironment: 1,
        }),
        expect.objectContaining({
          RequestId: 'req-2',
          Outcome: 'failed',
          InvocationErrors: 1,
          InvocationsInEnvironment: 2,
        }),
      ]);
    });

    it('estimates the billed duration by rounding up to the millisecond', async () => {
      const run = await start();

      await run.invoke();
      await run.invoke();

      for (const doc of invocations(run)) {
        const duration = doc.InvocationDuration as number;
        expect(duration).toBeGreaterThanOrEqual(0);
        expect(doc.BilledDurationEstimate).toBe(
          Math.max(1, Math.ceil(duration)),
        );
      }
    });

    describe('on a controlled clock', () => {
      // Only the monotonic clock the engine reads (process.hrtime) is
      // faked: it stands still unless the test moves it.
      beforeEach(() => {
        jest.useFakeTimers({
          doNotFake: [
            'Date',
            'nextTick',
            'performance',
            'queueMicrotask',
            'setImmediate',
            'clearImmediate',
            'setInterval',
            'clearInterval',
            'setTimeout',
            'clearTimeout',
          ],
        });
      });

      afterEach(() => {
        jest.useRealTimers();
      });

      it('measures the idle time since INIT and since the previous invocation', async () => {
        const run = await start();

        jest.advanceTimersByTime(40);
        await run.invoke();
        jest.advanceTimersByTime(250);
        await run.invoke();
        await run.invoke();

        expect(invocations(run).map((doc) => doc.IdleTime)).toEqual([
          40, 250, 0,
        ]);
        expect(invocations(run).map((doc) => doc.InvocationDuration)).toEqual([
          0, 0, 0,
        ]);
      });
    });

    it('counts lazy hits, misses and loads since the previous document', async () => {
      const run = await start();

      await run.invoke();
      await run.invoke();

      expect(
        invocations(run).map(({ LazyHits, LazyMisses, LazyLoads }) => ({
          LazyHits,
          LazyMisses,
          LazyLoads,
        })),
      ).toEqual([
        { LazyHits: 1, LazyMisses: 1, LazyLoads: 1 },
        { LazyHits: 2, LazyMisses: 0, LazyLoads: 0 },
      ]);
    });

    it('tells reused connections from opened ones without acquisition counts', async () => {
      const run = await start();

      await run.invoke();
      await run.invoke({ reconnect: true });
      await run.invoke();

      expect(
        invocations(run).map((doc) => [
          doc.ConnectionsOpened,
          doc.ConnectionReused,
          doc.ConnectionsOpen,
        ]),
      ).toEqual([
        [0, 1, 1],
        [1, 0, 1],
        [0, 1, 1],
      ]);
    });

    describe('when the pooled provider counts acquisitions', () => {
      @singleton()
      class CountedPool implements Pooled {
        opened = 0;
        open = 0;
        acquired = 0;

        @OnInit()
        connect(): void {
          this.opened++;
          this.open++;
          this.acquired++; // a first query, at INIT
        }

        poolStats(): PoolStats {
          return {
            opened: this.opened,
            open: this.open,
            acquired: this.acquired,
          };
        }
      }

      interface PoolEvent {
        readonly queries?: number;
        readonly reconnect?: boolean;
      }

      @Handler()
      class Queries {
        constructor(readonly pool: CountedPool) {}

        handle(event: PoolEvent): number {
          if (event.reconnect) this.pool.opened++;
          this.pool.acquired += event.queries ?? 0;
          return event.queries ?? 0;
        }
      }

      async function queries(...events: PoolEvent[]) {
        const documents: EmfDocument[] = [];
        const handler = createHandler<typeof Queries, PoolEvent>(Queries, {
          env: { AWS_LAMBDA_FUNCTION_NAME: 'queries' },
          shutdownSignal: false,
          metrics: { sink: (document) => documents.push(document) },
        });
        await handler.ready;
        for (const event of events) await handler(event, createFakeContext());
        return documents.filter((doc) => doc.LifecyclePhase === 'INVOKE');
      }

      it('counts a reuse only when the invocation used a connection', async () => {
        const documents = await queries(
          { queries: 2 },
          {},
          { queries: 1, reconnect: true },
          { queries: 1 },
        );

        expect(
          documents.map((doc) => [
            doc.ConnectionReused,
            doc.ConnectionsOpened,
            doc.ConnectionsOpen,
          ]),
        ).toEqual([
          [1, 0, 1],
          [undefined, 0, 1],
          [0, 1, 1],
          [1, 0, 1],
        ]);
      });

      it('leaves ConnectionReused out of the directive of an invocation that used none', async () => {
        const [unused, used] = await queries({}, { queries: 1 });

        const named = (doc: EmfDocument) =>
          doc._aws.CloudWatchMetrics[0].Metrics.map((m) => m.Name);
        expect(named(unused)).not.toContain('ConnectionReused');
        expect(named(unused)).toContain('ConnectionsOpen');
        expect(named(used)).toContain('ConnectionReused');
        expect(emfProblems(unused)).toEqual([]);
        expect(emfProblems(used)).toEqual([]);
      });

      it('does not count what INIT acquired against the first invocation', async () => {
        const [first] = await queries({});

        expect(first).not.toHaveProperty('ConnectionReused');
      });
    });

    it('samples memory on the first invocation and then every N', async () => {
      const documents: EmfDocument[] = [];
      const run = await start({
        metrics: {
          memorySampleEvery: 2,
          sink: (document) => documents.push(document),
        },
      });

      for (let i = 0; i < 4; i++) await run.invoke();

      const invoked = documents.filter((d) => d.LifecyclePhase === 'INVOKE');
      expect(invoked.map((doc) => 'Rss' in doc)).toEqual([
        true,
        false,
        true,
        false,
      ]);
      const { Rss, HeapUsed, MemoryUtilization } = invoked[0];
      expect(HeapUsed).toBeGreaterThan(0);
      expect(MemoryUtilization).toBe(
        Math.round(((Rss as number) / (MEMORY_MB * 1024 * 1024)) * 1000) / 10,
      );
    });

    it('records the same documents when observers are registered too', async () => {
      const ended: string[] = [];
      const run = await start({
        observers: [{ invocationEnded: (e) => ended.push(e.requestId) }],
      });

      await run.invoke({}, 'req-1');

      expect(ended).toEqual(['req-1']);
      expect(invocations(run)).toEqual([
        expect.objectContaining({ RequestId: 'req-1', ColdStart: 1 }),
      ]);
    });
  });

  describe('at SHUTDOWN', () => {
    it('records the shutdown, its problems and the invocation count', async () => {
      Orders.failShutdown = true;
      const run = await start();
      await run.invoke();
      await run.invoke();

      await run.handler.shutdown();

      expect(run.documents.at(-1)).toMatchObject({
        LifecyclePhase: 'SHUTDOWN',
        ShutdownDuration: expect.any(Number),
        ShutdownProblems: 1,
        InvocationsInEnvironment: 2,
        EnvironmentLifetime: expect.any(Number),
        Rss: expect.any(Number),
      });
    });
  });

  describe('when something it reads or writes to fails', () => {
    it('logs a failing sink and leaves the invocation alone', async () => {
      const run = await start({
        metrics: {
          sink: () => {
            throw new Error('disk full');
          },
        },
      });

      const result = await run.invoke();

      expect(result).toBe(30);
      expect(run.errors).toContainEqual({
        message: 'Metrics sink failed; the EMF document was dropped',
        fields: expect.objectContaining({
          phase: 'INVOKE',
          errorMessage: 'disk full',
        }),
      });
    });

    it('logs a failing poolStats() once and keeps recording', async () => {
      const run = await start();
      run.handler.environment.resolve(Connections).failing = true;

      await run.invoke();
      await run.invoke();

      expect(invocations(run)).toHaveLength(2);
      expect(
        run.errors.filter((e) => e.message.includes('poolStats')),
      ).toHaveLength(1);
    });
  });
});
