import type { LogFields } from '../logging/logger';
import type { ShutdownReport } from './hook-runner';
import type { Outcome, StepKind } from './observer';

/** The words the shutdown line's message starts with. */
export const SHUTDOWN_SUMMARY_MESSAGE = 'Shutdown finished';

/** The field of the shutdown line that lists its steps. */
export const SHUTDOWN_STEPS_FIELD = 'shutdownSteps';

/** One shutdown step as the shutdown line lists it. */
export interface ShutdownStepSummary {
  /** `onShutdown` for a hook, `dispose` for a provider's disposer. */
  readonly kind: StepKind;
  /** `Class.member`, or `"TOKEN".end` for a disposer. */
  readonly name: string;
  readonly outcome: Outcome;
  /** Rounded to 0.1 ms. */
  readonly durationMs: number;
}

/** The shutdown line: a message for people and the fields for programs. */
export interface ShutdownSummary {
  readonly message: string;
  readonly fields: LogFields;
}

const tenths = (ms: number) => Math.round(ms * 10) / 10;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function outcomes(report: ShutdownReport): string {
  if (report.problems.length === 0) return 'all ok';

  const count = (outcome: Outcome) =>
    report.problems.filter((step) => step.outcome === outcome).length;
  return [
    count('failed') > 0 ? `${count('failed')} failed` : '',
    count('timed-out') > 0 ? `${count('timed-out')} timed out` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * The one INFO line an environment writes when its shutdown has finished,
 * so that the logs (CloudWatch, or the local runtime's timeline) show that
 * SHUTDOWN ran and what it did: every hook and disposer with its kind,
 * outcome and duration, in the order they ran. For example, with the text
 * log format: `Shutdown finished for OrdersHandler: 4 steps in 101 ms of a
 * 450 ms budget, 1 timed out {"handler":"OrdersHandler",...}`.
 *
 * Phase: shutdown. Does not throw.
 *
 * @example
 * ```ts
 * const { message, fields } = shutdownSummary('OrdersHandler', report);
 * logger.info(message, fields);
 * ```
 */
export function shutdownSummary(
  handler: string,
  report: ShutdownReport,
): ShutdownSummary {
  const steps = report.steps.map((step): ShutdownStepSummary => ({
    kind: step.kind,
    name: step.name,
    outcome: step.outcome,
    durationMs: tenths(step.durationMs),
  }));
  const what =
    steps.length === 0
      ? 'nothing to release'
      : `${plural(steps.length, 'step')} in ` +
        `${tenths(report.durationMs)} ms of a ${report.budgetMs} ms budget, ` +
        outcomes(report);

  return {
    message: `${SHUTDOWN_SUMMARY_MESSAGE} for ${handler}: ${what}`,
    fields: {
      handler,
      durationMs: tenths(report.durationMs),
      budgetMs: report.budgetMs,
      [SHUTDOWN_STEPS_FIELD]: steps,
    },
  };
}
