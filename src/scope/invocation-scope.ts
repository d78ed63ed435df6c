import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { LifecycleError } from '../../decorators/lifecycle-error';
import { tokenName } from '../container/graph-check';

/** What one invocation carries through its asynchronous work. */
export interface InvocationStore {
  readonly requestId: string;
  readonly context: Context;
  readonly event: unknown;
  readonly instances: Map<unknown, unknown>;
  readonly container: DependencyContainer;
}

// Created on first use: an environment that never switches the scope on
// never pays for AsyncLocalStorage (about 85 ns per invocation on Node.js 20,
// 165 ns on 24, because every promise then carries the store).
let storage: AsyncLocalStorage<InvocationStore> | undefined;

/** Runs `fn` inside a fresh invocation scope for `context`. */
export function runInInvocationScope<R>(
  container: DependencyContainer,
  event: unknown,
  context: Context,
  fn: () => R,
): R {
  storage ??= new AsyncLocalStorage<InvocationStore>();
  const store: InvocationStore = {
    requestId: context.awsRequestId,
    context,
    event,
    instances: new Map(),
    container,
  };
  return storage.run(store, fn);
}

/** The scope of the invocation running now, or undefined outside one. */
export function currentInvocation(): InvocationStore | undefined {
  return storage?.getStore();
}

/**
 * The request id of the invocation running now, or undefined outside an
 * invocation or when the environment runs without an invocation scope.
 *
 * @example
 * ```ts
 * logger.info('charged', { requestId: currentRequestId() });
 * ```
 */
export function currentRequestId(): string | undefined {
  return storage?.getStore()?.requestId;
}

/**
 * Ambient access to the invocation running now. Inject it into a singleton
 * and call it while handling an event: each invocation sees its own event,
 * context and `@InvocationScoped` instances, even when several run at once
 * in one environment.
 *
 * Phase: each invoke. Injecting it switches the invocation scope on for the
 * environment. Reading it outside an invocation throws
 * `NO_INVOCATION_SCOPE`.
 *
 * @example
 * ```ts
 * @Handler()
 * class Orders {
 *   constructor(private readonly scope: InvocationScope) {}
 *   handle() {
 *     return this.scope.get(RequestState).startedAt;
 *   }
 * }
 * ```
 */
export class InvocationScope {
  /** The request id of the running invocation. */
  get requestId(): string {
    return this.#store('requestId').requestId;
  }

  /** The Lambda context of the running invocation. */
  get context(): Context {
    return this.#store('context').context;
  }

  /** The event of the running invocation. */
  get event(): unknown {
    return this.#store('event').event;
  }

  /**
   * The running invocation's instance of `token`, built on first use in the
   * invocation from the environment's container and dropped when it ends.
   */
  get<T>(token: InjectionToken<T>): T {
    const store = this.#store(`get(${tokenName(token)})`);
    if (store.instances.has(token)) return store.instances.get(token) as T;

    const instance = store.container.resolve(token);
    store.instances.set(token, instance);
    return instance;
  }

  #store(member: string): InvocationStore {
    const store = storage?.getStore();
    if (store === undefined) {
      throw new LifecycleError(
        'NO_INVOCATION_SCOPE',
        `InvocationScope.${member}: no invocation is running here. Call it ` +
          'while handling an event, not in a constructor, an @OnInit hook or ' +
          'a timer that outlives the invocation.',
      );
    }
    return store;
  }
}
