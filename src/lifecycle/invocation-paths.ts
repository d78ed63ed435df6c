import { now } from './clock';
import { errorFields, type Logger } from '../logging/logger';
import type { RequestIdSource } from '../logging/request-id-source';
import type { Invoke } from './invoke-pipeline';
import { reportSettled } from './instrument-hooks';
import type { InvocationEnd, LifecycleObserver } from './observer';

/** What the invocation paths count, shared with the environment's stats. */
export interface InvocationCounts {
  /** Invocations dispatched since INIT. */
  invocations: number;
  /** Invocations running now (metered and observed paths only). */
  inFlight: number;
  /** When the last invocation ended, or INIT did (now()). */
  idleSince: number;
  /** Whether the first invocation was a cold start; set by the first. */
  coldStart: boolean;
}

/** What the observed path tells the environment about being busy. */
export interface BusySignal {
  /** The first of the running invocations started. */
  busy(): void;
  /** The last running invocation ended. */
  idle(): void;
}

/**
 * The plain path: counts the invocation and notes its request id for the
 * logger, nothing else; no clock is read.
 */
export function countedPath(
  run: Invoke,
  counts: InvocationCounts,
  ids: RequestIdSource,
): Invoke {
  return (event, context) => {
    counts.invocations++;
    ids.latest = context.awsRequestId;
    return run(event, context);
  };
}

/**
 * The metrics path: times the invocation as a whole (two clock reads) and
 * tells `recorder` how it ended; hooks are not timed one by one. A recorder
 * that throws never changes the invocation's outcome: the result or the
 * handler's error passes through, and the first such failure of the
 * environment is logged (later ones would repeat it on every invocation).
 */
export function meteredPath(
  run: Invoke,
  counts: InvocationCounts,
  ids: RequestIdSource,
  recorder: Required<Pick<LifecycleObserver, 'invocationEnded'>>,
  logger: Logger,
): Invoke {
  let failureLogged = false;

  const record = (ended: InvocationEnd) => {
    try {
      recorder.invocationEnded(ended);
    } catch (error) {
      if (failureLogged) return;
      failureLogged = true;
      logger.error(
        'Metrics recorder failed; this invocation has no metrics, and ' +
          'later failures are not logged',
        { requestId: ended.requestId, ...errorFields(error) },
      );
    }
  };

  return (event, context) => {
    const started = now();
    const requestId = context.awsRequestId;
    const coldStart = counts.invocations === 0 && counts.coldStart;
    const idleMs = counts.inFlight === 0 ? started - counts.idleSince : 0;
    counts.invocations++;
    counts.inFlight++;
    ids.latest = requestId;

    const end = (outcome: InvocationEnd['outcome'], error?: unknown) => {
      const ended = now();
      if (--counts.inFlight === 0) counts.idleSince = ended;
      record({
        requestId,
        coldStart,
        idleMs,
        outcome,
        durationMs: ended - started,
        error,
      });
    };
    return reportSettled(run(event, context), end);
  };
}

/**
 * The path taken when observers are registered: every invocation timed and
 * reported as it starts and ends, the phase moved to INVOKING while any
 * runs.
 */
export function observedPath(
  run: Invoke,
  counts: InvocationCounts,
  ids: RequestIdSource,
  observer: Required<LifecycleObserver>,
  signal: BusySignal,
): Invoke {
  return (event, context) => {
    const started = now();
    const start = {
      requestId: context.awsRequestId,
      coldStart: counts.invocations === 0 && counts.coldStart,
      idleMs: counts.inFlight === 0 ? started - counts.idleSince : 0,
    };
    counts.invocations++;
    ids.latest = start.requestId;
    if (counts.inFlight++ === 0) signal.busy();
    observer.invocationStarted(start);

    const end = (outcome: InvocationEnd['outcome'], error?: unknown) => {
      const endedAt = now();
      if (--counts.inFlight === 0) {
        counts.idleSince = endedAt;
        signal.idle();
      }
      // Built member by member: spreading `start` and a conditional
      // `{ error }` here cost about 1 us per invocation (V8's slow path).
      const ended: InvocationEnd = {
        requestId: start.requestId,
        coldStart: start.coldStart,
        idleMs: start.idleMs,
        outcome,
        durationMs: endedAt - started,
      };
      if (outcome === 'failed') (ended as { error?: unknown }).error = error;
      observer.invocationEnded(ended);
    };
    return reportSettled(run(event, context), end);
  };
}
