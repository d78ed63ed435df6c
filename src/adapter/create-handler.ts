import type { Context } from 'aws-lambda';
import type { AnyClass } from '../../decorators/hook-metadata';
import {
  Environment,
  type EnvironmentOptions,
  type EnvironmentStats,
} from '../lifecycle/environment';
import type { ShutdownReport } from '../lifecycle/hook-runner';

/** Options of {@link createHandler}. */
export type CreateHandlerOptions = EnvironmentOptions;

type HandleOf<C extends AnyClass> =
  InstanceType<C> extends {
    handle(event: infer E, context: Context): infer R;
  }
    ? { event: E; result: Awaited<R> }
    : { event: unknown; result: unknown };

/** The event type a handler class's `handle` method takes. */
export type HandlerEvent<C extends AnyClass> = HandleOf<C>['event'];
/** The result type a handler class's `handle` method resolves to. */
export type HandlerResult<C extends AnyClass> = HandleOf<C>['result'];

/** The function Lambda calls, with the environment's controls attached. */
export interface LambdaHandler<TEvent, TResult> {
  (event: TEvent, context: Context): Promise<TResult>;
  /**
   * Settles when INIT has finished. An ES module entry awaits it at top
   * level so INIT, not the first invocation, pays for it.
   */
  readonly ready: Promise<void>;
  /** Runs the environment's shutdown hooks; see {@link Environment.shutdown}. */
  shutdown(): Promise<ShutdownReport>;
  /** What the environment measured: init duration, cold start, counts. */
  readonly stats: EnvironmentStats;
  /** The environment behind the handler, for the runtime and tests. */
  readonly environment: Environment;
}

/**
 * Turns a `@Handler()` class into the function Lambda calls, and starts INIT
 * at once: the container is built and the `@OnInit` hooks run while the
 * module loads.
 *
 * Phase: init (when called) and each invoke. When INIT fails, `ready`
 * rejects with a `LifecycleError` naming the hook, and the next invocation
 * starts INIT again from scratch (Lambda retries a failed init within the
 * first invocation); if that fails too, the invocation rejects with it.
 *
 * @example
 * ```ts
 * export const handler = createHandler(OrdersHandler);
 * await handler.ready; // ES module entry: INIT pays for initialisation
 * ```
 */
export function createHandler<
  C extends AnyClass,
  TEvent = HandlerEvent<C>,
  TResult = HandlerResult<C>,
>(
  handlerClass: C,
  options: CreateHandlerOptions = {},
): LambdaHandler<TEvent, TResult> {
  const environment = new Environment(handlerClass, options);
  const ready = environment.start();
  // The failure is reported through `ready` and the next invocation; this
  // keeps a CommonJS entry that never awaits `ready` from crashing the
  // process with an unhandled rejection at load.
  ready.catch(() => undefined);

  const handler = ((event: TEvent, context: Context) =>
    environment.dispatch(event, context)) as LambdaHandler<TEvent, TResult>;

  return Object.defineProperties(handler, {
    ready: { value: ready, enumerable: true },
    shutdown: { value: () => environment.shutdown(), enumerable: true },
    stats: { get: () => environment.stats, enumerable: true },
    environment: { value: environment, enumerable: true },
  });
}
