import type { Context } from 'aws-lambda';
import { LifecycleError } from '../../decorators/lifecycle-error';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import { isThenable } from './thenable';

/** A method bound to the instance it runs on, named `Class.member`. */
export interface BoundHook {
  readonly name: string;
  readonly instance: object;
  readonly fn: (...args: unknown[]) => unknown;
}

/** What one invocation runs, resolved once at INIT. */
export interface PipelineParts {
  readonly handle: BoundHook;
  readonly before: readonly BoundHook[];
  readonly after: readonly BoundHook[];
  readonly onError: readonly BoundHook[];
  readonly afterInvokeErrors: 'log' | 'throw';
  readonly logger: Logger;
}

/** An `@AfterInvoke` hook that threw, with what it threw. */
type Failure = [BoundHook, unknown];

/** Runs one invocation: event and context in, the handler's result out. */
export type Invoke = (event: unknown, context: Context) => Promise<unknown>;

/** The error an `@AfterInvoke` failure raises under the `throw` policy. */
export class AfterInvokeError extends LifecycleError {
  /** The handler's result, which the failing hook did not replace. */
  readonly result: unknown;

  constructor(hook: string, result: unknown, cause: unknown) {
    super(
      'AFTER_INVOKE_FAILED',
      `@AfterInvoke on ${hook}: hook failed after the handler succeeded: ` +
        `${(cause as Error)?.message ?? String(cause)}. The result is kept ` +
        'on this error as "result"; see cause.',
      { cause },
    );
    this.result = result;
  }
}

/**
 * Builds the function that runs one invocation. Everything is decided here,
 * once: the hot path reads no environment, resolves nothing and starts no
 * timer. Hooks that return no promise run synchronously, without an `await`
 * each; the first one that returns a promise switches the rest of the
 * invocation to awaiting.
 */
export function compilePipeline(parts: PipelineParts): Invoke {
  const { handle, before, after, onError } = parts;
  const handleFn = handle.fn;
  const target = handle.instance;

  if (before.length === 0 && after.length === 0 && onError.length === 0) {
    // The plain path: one call, and a rejected promise for a synchronous
    // throw so callers always get a promise.
    return (event, context) => {
      try {
        const result = handleFn.call(target, event, context);
        return result instanceof Promise ? result : Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }

  const recover = recoverer(onError, parts.logger);
  const { finish, conclude } = finisher(
    after,
    parts.afterInvokeErrors,
    parts.logger,
  );
  const settle = (result: unknown, event: unknown, context: Context) =>
    isThenable(result)
      ? Promise.resolve(result).then(
          (value) => finish(value, event, context),
          (error: unknown) => recover(error, event, context),
        )
      : settleNow(result, event, context);
  const settleNow = (result: unknown, event: unknown, context: Context) => {
    try {
      return Promise.resolve(finish(result, event, context));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const resume = async (
    pending: PromiseLike<unknown>,
    next: number,
    event: unknown,
    context: Context,
  ): Promise<unknown> => {
    let result: unknown;
    try {
      await pending;
      for (let i = next; i < before.length; i++) {
        const out = before[i].fn.call(before[i].instance, event, context);
        if (isThenable(out)) await out;
      }
      result = await handleFn.call(target, event, context);
    } catch (error) {
      return recover(error, event, context);
    }

    // Already awaiting: run the after hooks here rather than in a second
    // async function, which costs about 60 ns more per invocation.
    let failures: Failure[] | undefined;
    for (const hook of after) {
      try {
        const out = hook.fn.call(hook.instance, result, event, context);
        if (isThenable(out)) await out;
      } catch (error) {
        (failures ??= []).push([hook, error]);
      }
    }
    return failures === undefined ? result : conclude(result, failures);
  };

  return (event, context) => {
    let result: unknown;
    try {
      for (let i = 0; i < before.length; i++) {
        const out = before[i].fn.call(before[i].instance, event, context);
        if (isThenable(out)) return resume(out, i + 1, event, context);
      }
      result = handleFn.call(target, event, context);
    } catch (error) {
      return recover(error, event, context);
    }
    return settle(result, event, context);
  };
}

/**
 * Runs the `@OnError` hooks: the first that returns something other than
 * undefined recovers; otherwise the original error is rethrown. A hook that
 * throws is logged and skipped, so it never hides the original error.
 */
function recoverer(hooks: readonly BoundHook[], logger: Logger) {
  const hookFailed = (hook: BoundHook, failure: unknown, error: unknown) => {
    logger.error(`@OnError on ${hook.name}: hook failed; skipped it`, {
      hook: hook.name,
      ...errorFields(failure),
      originalError: errorFields(error),
    });
  };

  const resume = async (
    pending: PromiseLike<unknown>,
    from: number,
    error: unknown,
    event: unknown,
    context: Context,
  ): Promise<unknown> => {
    for (let i = from; i < hooks.length; i++) {
      try {
        const out =
          i === from
            ? await pending
            : await hooks[i].fn.call(hooks[i].instance, error, event, context);
        if (out !== undefined) return out;
      } catch (failure) {
        hookFailed(hooks[i], failure, error);
      }
    }
    throw error;
  };

  return (
    error: unknown,
    event: unknown,
    context: Context,
  ): Promise<unknown> => {
    for (let i = 0; i < hooks.length; i++) {
      try {
        const out = hooks[i].fn.call(hooks[i].instance, error, event, context);
        if (isThenable(out)) return resume(out, i, error, event, context);
        if (out !== undefined) return Promise.resolve(out);
      } catch (failure) {
        hookFailed(hooks[i], failure, error);
      }
    }
    return Promise.reject(error);
  };
}

/**
 * Runs the `@AfterInvoke` hooks with the result. Every hook runs even when
 * one fails; a failure is logged (policy `log`, the result is returned) or
 * raised as {@link AfterInvokeError} carrying the result (policy `throw`).
 * Returns the result, or a promise of it when a hook returned a promise.
 */
function finisher(
  hooks: readonly BoundHook[],
  policy: 'log' | 'throw',
  logger: Logger,
) {
  const conclude = (result: unknown, failures: Failure[]) => {
    if (failures.length === 0) return result;
    for (const [hook, error] of failures) {
      logger.error(`@AfterInvoke on ${hook.name}: hook failed`, {
        hook: hook.name,
        policy,
        ...errorFields(error),
      });
    }
    if (policy === 'log') return result;
    const [hook, error] = failures[0];
    throw new AfterInvokeError(hook.name, result, error);
  };

  const resume = async (
    pending: PromiseLike<unknown>,
    from: number,
    result: unknown,
    event: unknown,
    context: Context,
    failures: Failure[],
  ): Promise<unknown> => {
    for (let i = from; i < hooks.length; i++) {
      try {
        if (i === from) await pending;
        else await hooks[i].fn.call(hooks[i].instance, result, event, context);
      } catch (error) {
        failures.push([hooks[i], error]);
      }
    }
    return conclude(result, failures);
  };

  const finish = (result: unknown, event: unknown, context: Context) => {
    let failures: Failure[] | undefined;
    for (let i = 0; i < hooks.length; i++) {
      try {
        const out = hooks[i].fn.call(hooks[i].instance, result, event, context);
        if (isThenable(out)) {
          return resume(out, i, result, event, context, failures ?? []);
        }
      } catch (error) {
        (failures ??= []).push([hooks[i], error]);
      }
    }
    return failures === undefined ? result : conclude(result, failures);
  };
  return { finish, conclude };
}
