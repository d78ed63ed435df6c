import type { EmfDocument } from '../metrics/emf-document';
import {
  LIFECYCLE_MEMBERS,
  type DocumentPhase,
} from '../metrics/lifecycle-metrics';

/** An EMF document the engine wrote, with the phase it describes. */
export type LifecycleDocument = EmfDocument & {
  readonly [LIFECYCLE_MEMBERS.phase]: DocumentPhase;
};

/** What {@link readEmfDocuments} found in its input. */
export interface EmfInput {
  /** The engine's documents, in the order they appear. */
  readonly documents: readonly LifecycleDocument[];
  /** EMF documents something else wrote (Powertools, your own). */
  readonly otherEmf: number;
  /** Lines that held no EMF document. */
  readonly ignoredLines: number;
}

const PHASES = new Set<string>(['INIT', 'INVOKE', 'SHUTDOWN']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isEmf(value: unknown): value is EmfDocument {
  return (
    isRecord(value) &&
    isRecord(value._aws) &&
    Array.isArray(value._aws.CloudWatchMetrics)
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The EMF document a log line holds, if any. The JSON may follow a prefix
 * (Lambda's `timestamp\trequestId\tLEVEL\t`, the local runtime's indent),
 * as CloudWatch itself accepts; a JSON log line whose `message` is an EMF
 * document (written through `console` under the JSON log format) counts.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
function emfOfLine(line: string): EmfDocument | undefined {
  const start = line.indexOf('{');
  if (start === -1) return undefined;
  const value = parseJson(line.slice(start).trim());
  if (isEmf(value)) return value;
  if (isRecord(value) && typeof value.message === 'string') {
    return emfOfLine(value.message);
  }
  return undefined;
}

/**
 * The log lines a whole input holds when it is one JSON document: the
 * local runtime's `invoke --json` output (`{ timeline: [{ logs }] }`), or
 * CloudWatch Logs' `filter-log-events` / `get-log-events` output
 * (`{ events: [{ message }] }`). Undefined for anything else.
 */
function linesOfDocument(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.includes('\n')) return undefined;
  const value = parseJson(trimmed);
  if (!isRecord(value)) return undefined;

  if (Array.isArray(value.timeline)) {
    return value.timeline.flatMap((entry: unknown) =>
      isRecord(entry) && Array.isArray(entry.logs)
        ? entry.logs.map((log: unknown) =>
            isRecord(log) ? String(log.text ?? '') : '',
          )
        : [],
    );
  }
  if (Array.isArray(value.events)) {
    return value.events.map((event: unknown) =>
      isRecord(event) ? String(event.message ?? '') : '',
    );
  }
  return undefined;
}

/**
 * Finds the EMF documents in a log: lines of text (a downloaded CloudWatch
 * log, the output of `lambda-lifecycle invoke`, `npm start`) or one JSON
 * document holding them (`invoke --json`, `aws logs filter-log-events`).
 * Lines without EMF are counted and skipped.
 *
 * Phase: none (reads a log after the fact). Never throws.
 *
 * @example
 * ```ts
 * const { documents } = readEmfDocuments(readFileSync('orders.log', 'utf8'));
 * ```
 */
export function readEmfDocuments(text: string): EmfInput {
  const lines = linesOfDocument(text) ?? text.split(/\r?\n/);
  const documents: LifecycleDocument[] = [];
  let otherEmf = 0;
  let ignoredLines = 0;

  for (const line of lines) {
    if (line.trim() === '') continue;
    const emf = emfOfLine(line);
    if (emf === undefined) ignoredLines++;
    else if (PHASES.has(String(emf[LIFECYCLE_MEMBERS.phase]))) {
      documents.push(emf as LifecycleDocument);
    } else otherEmf++;
  }
  return { documents, otherEmf, ignoredLines };
}
