import type { HookKind } from '../../decorators/hook-metadata';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';

/** The states of an execution environment. */
export type Phase =
  'INIT' | 'READY' | 'INVOKING' | 'SHUTTING_DOWN' | 'STOPPED' | 'FAILED';

/** How a hook or an invocation ended. */
export type Outcome = 'ok' | 'failed' | 'timed-out';

/**
 * What a step is: a decorated hook, the handler method itself, an eager
 * `@Lazy` load at INIT, or a provider's disposer at shutdown.
 */
export type StepKind = HookKind | 'handle' | 'lazy' | 'dispose';

/** One hook about to run. `name` is `Class.member`. */
export interface HookStart {
  readonly kind: StepKind;
  readonly name: string;
  readonly requestId?: string;
}

/** One hook that finished. */
export interface HookEnd extends HookStart {
  readonly outcome: Outcome;
  readonly durationMs: number;
  readonly error?: unknown;
}

/** One invocation about to run. */
export interface InvocationStart {
  readonly requestId: string;
  readonly coldStart: boolean;
  /** Milliseconds since the previous invocation ended (or INIT, for the first). */
  readonly idleMs: number;
}

/** One invocation that finished. */
export interface InvocationEnd extends InvocationStart {
  readonly outcome: 'ok' | 'failed';
  readonly durationMs: number;
  readonly error?: unknown;
}

/**
 * Receives the lifecycle events of an environment, for tracing and metrics.
 * Every member is optional. Observers run synchronously on the path they
 * observe; one that throws is logged and never breaks the invocation.
 *
 * Phase: all. Registering any observer switches the environment to its
 * observed path, which times every invocation and hook.
 *
 * @example
 * ```ts
 * createHandler(OrdersHandler, {
 *   observers: [{ invocationEnded: (e) => trace(e.requestId, e.durationMs) }],
 * });
 * ```
 */
export interface LifecycleObserver {
  phaseChanged?(change: { readonly from: Phase; readonly to: Phase }): void;
  hookStarted?(hook: HookStart): void;
  hookEnded?(hook: HookEnd): void;
  invocationStarted?(invocation: InvocationStart): void;
  invocationEnded?(invocation: InvocationEnd): void;
}

type Events = Required<LifecycleObserver>;

/**
 * One observer that forwards to all of `observers`, isolating each from the
 * others' failures. Returns undefined when there are none, so callers can
 * keep the unobserved path.
 */
export function combineObservers(
  observers: readonly LifecycleObserver[],
  logger: Logger,
): Events | undefined {
  if (observers.length === 0) return undefined;

  const forward =
    <K extends keyof Events>(event: K) =>
    (payload: Parameters<Events[K]>[0]): void => {
      for (const observer of observers) {
        const listener = observer[event] as
          ((value: typeof payload) => void) | undefined;
        if (listener === undefined) continue;
        try {
          listener.call(observer, payload);
        } catch (error) {
          logger.error(`Lifecycle observer failed in ${event}`, {
            ...errorFields(error),
          });
        }
      }
    };

  return {
    phaseChanged: forward('phaseChanged'),
    hookStarted: forward('hookStarted'),
    hookEnded: forward('hookEnded'),
    invocationStarted: forward('invocationStarted'),
    invocationEnded: forward('invocationEnded'),
  };
}
