import 'reflect-metadata';
import { deepStrictEqual } from 'node:assert';
import type { Context } from 'aws-lambda';
import {
  AfterInvoke,
  BeforeInvoke,
  Handler,
  createHandler,
  silentLogger,
} from '../src';
import { createFakeContext } from '../src/testing';
import type { Invocation } from './harness';

/** The event every case handles. */
export interface BenchEvent {
  readonly n: number;
}

/** What every case answers. */
export interface BenchResult {
  readonly statusCode: number;
  readonly body: number;
}

/** Both sides of one case, ready to be called. */
export interface PreparedCase {
  readonly baseline: Invocation<BenchEvent>;
  readonly framework: Invocation<BenchEvent>;
  readonly event: BenchEvent;
  readonly context: Context;
}

/** One row of the benchmark. */
export interface BenchCase {
  readonly id: string;
  readonly title: string;
  /** The most ns per invocation the adapter may add, when there is a goal. */
  readonly targetAddedNs: number | undefined;
  /** Builds the environment (INIT) and the hand-written twin. */
  prepare(): Promise<PreparedCase>;
}

// The work is the same in every case and on both sides, and small on
// purpose: the less a handler does, the more visible the adapter's share.
function respond(event: BenchEvent): BenchResult {
  return { statusCode: 200, body: event.n };
}

function assertEvent(event: BenchEvent): void {
  if (typeof event.n !== 'number') {
    throw new TypeError('The event needs a numeric "n".');
  }
}

@Handler()
class NoHooksHandler {
  async handle(event: BenchEvent): Promise<BenchResult> {
    return respond(event);
  }
}

@Handler()
class SyncHooksHandler {
  total = 0;

  @BeforeInvoke()
  check(event: BenchEvent): void {
    assertEvent(event);
  }

  async handle(event: BenchEvent): Promise<BenchResult> {
    return respond(event);
  }

  @AfterInvoke()
  tally(result: BenchResult): void {
    this.total += result.body;
  }
}

@Handler()
class AsyncHooksHandler {
  total = 0;

  @BeforeInvoke()
  async check(event: BenchEvent): Promise<void> {
    assertEvent(event);
  }

  async handle(event: BenchEvent): Promise<BenchResult> {
    return respond(event);
  }

  @AfterInvoke()
  async tally(result: BenchResult): Promise<void> {
    this.total += result.body;
  }
}

/**
 * INIT for one handler class, with nothing from the shell's environment:
 * a stray `AWS_LAMBDA_MAX_CONCURRENCY` would switch the invocation scope on
 * and measure something else.
 */
async function initialise<C extends new () => object>(handlerClass: C) {
  const handler = createHandler<C, BenchEvent, BenchResult>(handlerClass, {
    logger: silentLogger,
    env: {},
  });

  await handler.ready;
  return handler;
}

/** Fails the run when the two sides do not answer alike. */
async function prepared(
  baseline: Invocation<BenchEvent>,
  framework: Invocation<BenchEvent>,
): Promise<PreparedCase> {
  const event: BenchEvent = { n: 1 };
  const context = createFakeContext({ functionName: 'bench' });

  deepStrictEqual(
    await framework(event, context),
    await baseline(event, context),
  );
  return { baseline, framework, event, context };
}

/**
 * The three rows. Each hand-written baseline is what a person would write
 * without the framework: the same methods of the same class, called in the
 * same order by one plain function, the handler's promise awaited before
 * the after hook sees its result. Whatever is left is the adapter's cost.
 */
export const BENCH_CASES: readonly BenchCase[] = [
  {
    id: 'no-hooks',
    title: 'no hooks',
    targetAddedNs: 10,
    async prepare() {
      const own = new NoHooksHandler();

      return prepared(
        (event) => own.handle(event),
        await initialise(NoHooksHandler),
      );
    },
  },
  {
    id: 'sync-hooks',
    title: 'sync before + after hook',
    targetAddedNs: 50,
    async prepare() {
      const own = new SyncHooksHandler();

      return prepared(
        async (event) => {
          own.check(event);
          const result = await own.handle(event);
          own.tally(result);
          return result;
        },
        await initialise(SyncHooksHandler),
      );
    },
  },
  {
    id: 'async-hooks',
    title: 'async before + after hook',
    targetAddedNs: undefined,
    async prepare() {
      const own = new AsyncHooksHandler();

      return prepared(
        async (event) => {
          await own.check(event);
          const result = await own.handle(event);
          await own.tally(result);
          return result;
        },
        await initialise(AsyncHooksHandler),
      );
    },
  },
];
