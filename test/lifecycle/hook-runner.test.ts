import { singleton } from 'tsyringe';
import { Handler, OnShutdown, type ShutdownReport } from '../../src';
import { createTestBed, type TestBed } from '../../src/testing';

// Shutdown deadlines are timers; these tests run them on jest's fake clock
// (process.hrtime included, which the engine's clock reads), so every
// duration below is exact and no test waits for real time.
function settlesAfter(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function never(): Promise<void> {
  return new Promise(() => undefined);
}

/** Runs the bed's shutdown on the fake clock until it ends. */
async function shutdownOnFakeClock(bed: TestBed): Promise<ShutdownReport> {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  let report: ShutdownReport | undefined;
  void bed.shutdown().then((done) => (report = done));

  for (let elapsed = 0; report === undefined && elapsed < 10_000; elapsed++) {
    await jest.advanceTimersByTimeAsync(1);
  }
  if (report === undefined) throw new Error('shutdown did not end');
  return report;
}

function outcomes(report: ShutdownReport) {
  return Object.fromEntries(
    report.steps.map((step) => [
      step.name,
      { outcome: step.outcome, durationMs: Math.round(step.durationMs) },
    ]),
  );
}

afterEach(() => {
  jest.useRealTimers();
});

describe('the shutdown budget', () => {
  it('cuts a hanging hook at the default budget of 450 ms', async () => {
    @singleton()
    class Stuck {
      @OnShutdown()
      close(): Promise<void> {
        return never();
      }
    }
    @Handler()
    class App {
      constructor(readonly stuck: Stuck) {}
      handle(): void {}
    }
    const bed = await createTestBed(App);

    const report = await shutdownOnFakeClock(bed);

    expect(report.budgetMs).toBe(450);
    expect(outcomes(report)).toEqual({
      'Stuck.close': { outcome: 'timed-out', durationMs: 450 },
    });
  });

  it('caps a hook\u2019s own timeoutMs at what is left of the budget', async () => {
    @singleton()
    class Patient {
      @OnShutdown({ timeoutMs: 10_000 })
      close(): Promise<void> {
        return never();
      }
    }
    @Handler()
    class App {
      constructor(readonly patient: Patient) {}
      handle(): void {}
    }
    const bed = await createTestBed(App, { shutdownBudgetMs: 100 });

    const report = await shutdownOnFakeClock(bed);

    expect(outcomes(report)).toEqual({
      'Patient.close': { outcome: 'timed-out', durationMs: 100 },
    });
  });

  describe('across groups of dependants and dependencies', () => {
    @singleton()
    class Back {
      @OnShutdown()
      close(): Promise<void> {
        return never();
      }
    }
    @singleton()
    class Middle {
      constructor(readonly back: Back) {}
      @OnShutdown()
      close(): Promise<void> {
        return never();
      }
    }
    @singleton()
    class Front {
      constructor(readonly middle: Middle) {}
      @OnShutdown()
      close(): Promise<void> {
        return settlesAfter(10);
      }
    }
    @Handler()
    class App {
      constructor(readonly front: Front) {}
      handle(): void {}
    }

    it('gives each group a fair share of what is left, passing on unused time', async () => {
      const bed = await createTestBed(App, { shutdownBudgetMs: 300 });

      const report = await shutdownOnFakeClock(bed);

      // Front used 10 of its 100; Middle gets half of the 290 left, Back
      // the rest.
      expect(outcomes(report)).toEqual({
        'Front.close': { outcome: 'ok', durationMs: 10 },
        'Middle.close': { outcome: 'timed-out', durationMs: 145 },
        'Back.close': { outcome: 'timed-out', durationMs: 145 },
      });
      expect(Math.round(report.durationMs)).toBe(300);
    });
  });

  describe('when a dependant asks for more than its share', () => {
    @singleton()
    class Pool {
      @OnShutdown()
      end(): Promise<void> {
        return settlesAfter(40);
      }
    }
    @singleton()
    class Greedy {
      constructor(readonly pool: Pool) {}
      @OnShutdown({ timeoutMs: 10_000 })
      flush(): Promise<void> {
        return never();
      }
    }
    @Handler()
    class App {
      constructor(readonly greedy: Greedy) {}
      handle(): void {}
    }

    it('keeps the later group\u2019s guaranteed part for what it depends on', async () => {
      const bed = await createTestBed(App, { shutdownBudgetMs: 100 });

      const report = await shutdownOnFakeClock(bed);

      expect(outcomes(report)).toEqual({
        'Greedy.flush': { outcome: 'timed-out', durationMs: 50 },
        'Pool.end': { outcome: 'ok', durationMs: 40 },
      });
    });
  });

  describe('when an earlier group leaves time unused', () => {
    @singleton()
    class Store {
      @OnShutdown()
      close(): Promise<void> {
        return settlesAfter(90);
      }
    }
    @singleton()
    class Flusher {
      constructor(readonly store: Store) {}
      @OnShutdown({ timeoutMs: 250 })
      flush(): Promise<void> {
        return settlesAfter(180);
      }
    }
    @singleton()
    class Quick {
      constructor(readonly flusher: Flusher) {}
      @OnShutdown()
      close(): void {}
    }
    @Handler()
    class App {
      constructor(readonly quick: Quick) {}
      handle(): void {}
    }

    it('lets a hook\u2019s timeoutMs run past its share into time no later group is guaranteed', async () => {
      const bed = await createTestBed(App, { shutdownBudgetMs: 300 });

      const report = await shutdownOnFakeClock(bed);

      // Flusher's fair share is 150 ms; its timeoutMs takes it to 200, which
      // still leaves Store its guaranteed 100.
      expect(outcomes(report)).toEqual({
        'Quick.close': { outcome: 'ok', durationMs: 0 },
        'Flusher.flush': { outcome: 'ok', durationMs: 180 },
        'Store.close': { outcome: 'ok', durationMs: 90 },
      });
    });
  });
});
