import {
  SHUTDOWN_STEPS_FIELD,
  SHUTDOWN_SUMMARY_MESSAGE,
} from '../../lifecycle/shutdown-summary';
import { parseJson } from './http-io';
import type { LogLine, ShutdownStep } from './timeline-entry';

const OUTCOMES: ReadonlySet<string> = new Set(['ok', 'failed', 'timed-out']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isSummary = (message: unknown) =>
  typeof message === 'string' && message.startsWith(SHUTDOWN_SUMMARY_MESSAGE);

/**
 * The fields of a shutdown line in either of Lambda's log formats: JSON,
 * one object with the message among the fields (the shape Powertools
 * Logger writes too), or Text, `timestamp\trequestId\tLEVEL\tmessage
 * {fields}`, whose message holds no brace.
 */
function summaryFields(text: string): Record<string, unknown> | undefined {
  if (text.startsWith('{')) {
    const line = parseJson(text);
    return isRecord(line) && isSummary(line.message) ? line : undefined;
  }

  const message = text.split('\t').slice(3).join('\t');
  const brace = message.indexOf(' {');
  if (!isSummary(message) || brace < 0) return undefined;
  const fields = parseJson(message.slice(brace + 1));
  return isRecord(fields) ? fields : undefined;
}

function toStep(value: unknown): ShutdownStep[] {
  if (!isRecord(value)) return [];
  const { kind, name, outcome, durationMs } = value;
  const valid =
    typeof kind === 'string' &&
    typeof name === 'string' &&
    typeof outcome === 'string' &&
    OUTCOMES.has(outcome) &&
    typeof durationMs === 'number';
  return valid
    ? [{ kind, name, outcome: outcome as ShutdownStep['outcome'], durationMs }]
    : [];
}

/**
 * The shutdown steps the runtime process logged: every step of every line
 * lambda-lifecycle writes when an environment's shutdown finishes (one per
 * handler in the process), in the order they ran. Undefined when the
 * runtime wrote no such line.
 *
 * Phase: after SHUTDOWN; it only reads lines and never throws.
 *
 * @example
 * ```ts
 * readShutdownSteps(entry.logs);
 * // [{ kind: 'onShutdown', name: 'Database.close', outcome: 'ok', durationMs: 0.4 }]
 * ```
 */
export function readShutdownSteps(
  lines: readonly LogLine[],
): ShutdownStep[] | undefined {
  // Limitation: steps come from the INFO line; above INFO none are listed.
  const summaries = lines
    .filter((line) => line.source === 'runtime')
    .map((line) => summaryFields(line.text))
    .filter((fields) => fields !== undefined);
  if (summaries.length === 0) return undefined;

  return summaries.flatMap((fields) => {
    const steps = fields[SHUTDOWN_STEPS_FIELD];
    return Array.isArray(steps) ? steps.flatMap(toStep) : [];
  });
}
