import { now } from './clock';
import type { Context } from 'aws-lambda';
import type { HookKind } from '../../decorators/hook-metadata';
import type { BoundHook } from './invoke-pipeline';
import type { HookEnd, LifecycleObserver } from './observer';
import { isThenable } from './thenable';

/**
 * Wraps the handler method and every per-invocation hook so observers see
 * each one start and end, with its request id, outcome and duration. What a
 * hook returns or throws passes through unchanged.
 */
export function instrumentHooks<
  P extends {
    handle: BoundHook;
    before: BoundHook[];
    after: BoundHook[];
    onError: BoundHook[];
  },
>(parts: P, observer: Required<LifecycleObserver>): P {
  const wrap =
    (kind: HookKind | 'handle', contextAt: number) =>
    (hook: BoundHook): BoundHook => ({
      ...hook,
      fn(this: unknown, ...args: unknown[]) {
        const requestId = (args[contextAt] as Context | undefined)
          ?.awsRequestId;
        const event = { kind, name: hook.name, requestId };
        const started = now();
        // Built member by member: spreading `event` and a conditional
        // `{ error }` cost about 1 us per hook (V8's slow path).
        const end = (outcome: 'ok' | 'failed', error?: unknown) => {
          const ended: HookEnd = {
            kind,
            name: hook.name,
            requestId,
            outcome,
            durationMs: now() - started,
          };
          if (outcome === 'failed')
            (ended as { error?: unknown }).error = error;
          observer.hookEnded(ended);
        };

        observer.hookStarted(event);
        let out: unknown;
        try {
          out = hook.fn.apply(this, args);
        } catch (error) {
          end('failed', error);
          throw error;
        }
        if (!isThenable(out)) {
          end('ok');
          return out;
        }
        return reportSettled(Promise.resolve(out), end);
      },
    });

  return {
    ...parts,
    handle: wrap('handle', 1)(parts.handle),
    before: parts.before.map(wrap('beforeInvoke', 1)),
    after: parts.after.map(wrap('afterInvoke', 2)),
    onError: parts.onError.map(wrap('onError', 2)),
  };
}

/** Passes `pending` through unchanged, telling `end` how it settled. */
export function reportSettled<T>(
  pending: Promise<T>,
  end: (outcome: 'ok' | 'failed', error?: unknown) => void,
): Promise<T> {
  return pending.then(
    (value) => {
      end('ok');
      return value;
    },
    (error: unknown) => {
      end('failed', error);
      throw error;
    },
  );
}
