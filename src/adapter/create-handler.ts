import type { Context } from 'aws-lambda';
import type { AnyClass } from '../../decorators/hook-metadata';
import { LifecycleError } from '../../decorators/lifecycle-error';
import { checkEnvironmentGraph } from '../container/environment-container';
import {
  Environment,
  type EnvironmentOptions,
  type EnvironmentStats,
} from '../lifecycle/environment';
import type { ShutdownReport } from '../lifecycle/hook-runner';
import { LOGGER } from '../logging/logger';
import {
  subscribeToShutdown,
  type BlockingRegistration,
} from '../runtime/extension-shutdown';
import { InvocationScope } from '../scope/invocation-scope';
import { CHECK_ONLY } from './check-only';

export { CHECK_ONLY };

/** Options of {@link createHandler}. */
export interface CreateHandlerOptions extends EnvironmentOptions {
  /**
   * Whether the handler's shutdown runs when Lambda ends the environment.
   * Default true: inside Lambda (`AWS_LAMBDA_RUNTIME_API` set) the
   * framework registers an internal extension during INIT, which is what
   * makes Lambda send SIGTERM at all, and on SIGTERM it runs `shutdown()`
   * of every such handler in the process, then ends the process. `false`
   * registers nothing and leaves SIGTERM alone. `registerExtensionBlocking`
   * (from `lambda-lifecycle/blocking-registration`) registers before
   * `createHandler` returns, holding the thread until the API answers
   * (25-31 ms): for CommonJS entries, which cannot await `ready` and whose
   * background registration usually arrives too late. Outside Lambda
   * nothing is registered either way.
   *
   * @example
   * ```ts
   * createHandler(OrdersHandler, { shutdownSignal: false });
   * ```
   */
  readonly shutdownSignal?: boolean | BlockingRegistration;
}

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
 * module loads. Inside Lambda it also registers the framework's internal
 * extension, so that Lambda sends SIGTERM before it ends the environment
 * and the `@OnShutdown` hooks run (see `shutdownSignal`); `ready` waits for
 * both. The environment variables are read here, once.
 *
 * Phase: init (when called) and each invoke. When INIT fails, `ready`
 * rejects with a `LifecycleError` naming the hook, and the next invocation
 * starts INIT again from scratch (Lambda retries a failed init within the
 * first invocation); if that fails too, the invocation rejects with it. A
 * failed registration is logged once and does not fail INIT.
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
  assertShutdownSignal(handlerClass, options.shutdownSignal);
  const environment = new Environment(handlerClass, options);
  if ((globalThis as Record<symbol, unknown>)[CHECK_ONLY] === true) {
    return checkOnly(environment, handlerClass, options);
  }
  const init = environment.start();
  // The failure is reported through `ready` and the next invocation; this
  // keeps a CommonJS entry that never awaits `ready` from crashing the
  // process with an unhandled rejection at load.
  init.catch(() => undefined);

  const runtimeApi = (options.env ?? process.env).AWS_LAMBDA_RUNTIME_API;
  const subscription =
    options.shutdownSignal !== false && runtimeApi
      ? subscribeToShutdown({
          runtimeApi,
          logger: environment.logger,
          shutdown: () => environment.shutdown(),
          blocking:
            typeof options.shutdownSignal === 'function'
              ? options.shutdownSignal
              : undefined,
        })
      : undefined;
  // Lambda refuses a registration after the runtime's first invocation/next
  // (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html),
  // so an ES module entry awaits `ready`, which waits for the registration,
  // and a CommonJS entry registers with registerExtensionBlocking.
  const ready = subscription ? subscription.registered.then(() => init) : init;
  ready.catch(() => undefined);

  return attach(
    (event: TEvent, context: Context) =>
      environment.dispatch(event, context) as Promise<TResult>,
    environment,
    ready,
    () => environment.shutdown().finally(() => subscription?.release()),
  );
}

function assertShutdownSignal(handlerClass: AnyClass, signal: unknown): void {
  if (
    signal === undefined ||
    typeof signal === 'boolean' ||
    typeof signal === 'function'
  ) {
    return;
  }
  // 'blocking' was the option's value before the registration moved out of
  // the default bundle.
  throw new LifecycleError(
    'INVALID_OPTION',
    `createHandler(${handlerClass.name}): option "shutdownSignal" must be ` +
      `true, false or registerExtensionBlocking, got ${JSON.stringify(signal)}. ` +
      'To register before createHandler returns, import ' +
      "{ registerExtensionBlocking } from 'lambda-lifecycle/blocking-registration' " +
      'and pass it as shutdownSignal.',
  );
}

function attach<TEvent, TResult>(
  call: (event: TEvent, context: Context) => Promise<TResult>,
  environment: Environment,
  ready: Promise<void>,
  shutdown: () => Promise<ShutdownReport>,
): LambdaHandler<TEvent, TResult> {
  return Object.defineProperties(call as LambdaHandler<TEvent, TResult>, {
    ready: { value: ready, enumerable: true },
    shutdown: { value: shutdown, enumerable: true },
    stats: { get: () => environment.stats, enumerable: true },
    environment: { value: environment, enumerable: true },
  });
}

/** The handler of a process that only checks graphs; see {@link CHECK_ONLY}. */
function checkOnly<TEvent, TResult>(
  environment: Environment,
  handlerClass: AnyClass,
  options: CreateHandlerOptions,
): LambdaHandler<TEvent, TResult> {
  const ready = Promise.resolve().then(() =>
    checkEnvironmentGraph(handlerClass, {
      parent: options.container,
      // The providers Environment registers for itself, then the caller's.
      providers: [
        { token: LOGGER, useValue: environment.logger },
        { token: InvocationScope, useValue: new InvocationScope() },
        ...(options.providers ?? []),
      ],
    }),
  );
  ready.catch(() => undefined);

  const refuse = () =>
    Promise.reject(
      new LifecycleError(
        'CONTAINER_NOT_READY',
        `createHandler(${handlerClass.name}): this process only checks ` +
          'dependency graphs (CHECK_ONLY is set); it handles no events.',
      ),
    );
  return attach<TEvent, TResult>(refuse, environment, ready, () =>
    environment.shutdown(),
  );
}
