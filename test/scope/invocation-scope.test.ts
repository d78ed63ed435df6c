import { singleton } from 'tsyringe';
import {
  Handler,
  InvocationScope,
  InvocationScoped,
  LifecycleError,
  currentRequestId,
} from '../../src';
import { createTestBed } from '../../src/testing';

const OVERLAPPING = 64;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

@InvocationScoped()
class RequestState {
  static built = 0;
  readonly serial = ++RequestState.built;
  readonly notes: string[] = [];
}

@singleton()
class Audit {
  constructor(readonly scope: InvocationScope) {}

  note(text: string): void {
    this.scope.get(RequestState).notes.push(text);
  }
}

@Handler()
class Concurrent {
  constructor(
    readonly scope: InvocationScope,
    readonly audit: Audit,
  ) {}

  async handle(event: { n: number; delay: number }) {
    const state = this.scope.get(RequestState);
    this.audit.note(`start ${event.n}`);
    await pause(event.delay);
    this.audit.note(`end ${event.n}`);

    return {
      n: event.n,
      eventSeen: (this.scope.event as { n: number }).n,
      requestId: this.scope.requestId,
      ambientRequestId: currentRequestId(),
      contextRequestId: this.scope.context.awsRequestId,
      sameState: this.scope.get(RequestState) === state,
      serial: state.serial,
      notes: state.notes,
    };
  }
}

describe(InvocationScope.name, () => {
  it(`keeps ${OVERLAPPING} overlapping invocations apart`, async () => {
    const bed = await createTestBed(Concurrent);

    const results = await Promise.all(
      Array.from({ length: OVERLAPPING }, (_, n) =>
        bed.invoke(
          { n, delay: (n * 7) % 13 },
          { awsRequestId: `request-${n}` },
        ),
      ),
    );

    const serials = new Set(results.map((result) => result.serial));
    expect(serials.size).toBe(OVERLAPPING);
    results.forEach((result, n) => {
      expect(result).toMatchObject({
        n,
        eventSeen: n,
        requestId: `request-${n}`,
        ambientRequestId: `request-${n}`,
        contextRequestId: `request-${n}`,
        sameState: true,
        notes: [`start ${n}`, `end ${n}`],
      });
    });
  });

  it('builds an invocation-scoped class given as a provider anew for each invocation', async () => {
    @Handler()
    class Serials {
      constructor(readonly scope: InvocationScope) {}
      handle(): number {
        return this.scope.get(RequestState).serial;
      }
    }
    const bed = await createTestBed(Serials, {
      providers: [{ token: RequestState, useClass: RequestState }],
    });

    const first = await bed.invoke({});
    const second = await bed.invoke({});

    expect(second).toBe(first + 1);
  });

  it('refuses to be read outside an invocation', async () => {
    const bed = await createTestBed(Concurrent);

    const read = () => bed.get(InvocationScope).requestId;

    expect(read).toThrow(LifecycleError);
    expect(read).toThrow('InvocationScope.requestId');
  });

  it('refuses an invocation-scoped class in a constructor', async () => {
    @Handler()
    class Captive {
      constructor(readonly state: RequestState) {}
      handle(): void {}
    }

    const error = await createTestBed(Captive).catch((e) => e);

    expect(error.message).toContain('RequestState is @InvocationScoped');
    expect(error.message).toContain('Captive parameter #0');
  });

  describe('when nothing needs ambient access', () => {
    @Handler()
    class Plain {
      handle(): string | undefined {
        return currentRequestId();
      }
    }

    it('runs without a scope', async () => {
      const bed = await createTestBed(Plain);

      await expect(bed.invoke(undefined)).resolves.toBeUndefined();
    });

    it('switches the scope on when invocations may overlap', async () => {
      const bed = await createTestBed(Plain, {
        env: { AWS_LAMBDA_MAX_CONCURRENCY: '64' },
      });

      await expect(
        bed.invoke(undefined, { awsRequestId: 'overlap-1' }),
      ).resolves.toBe('overlap-1');
    });
  });
});
