import type { LogFields } from './logger';
import type { LogFormat, LogLevel } from './log-settings';

/** One entry, before it becomes a line. */
export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly requestId: string | undefined;
  readonly fields: LogFields | undefined;
}

const CORE_KEYS = new Set(['timestamp', 'level', 'requestId', 'message']);

const bigints = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? value.toString() : value;

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    try {
      return JSON.stringify(value, bigints);
    } catch (error) {
      return JSON.stringify(`[Unserialisable: ${String(error)}]`);
    }
  }
}

function jsonLine(entry: LogEntry, timestamp: string): string {
  const line: Record<string, unknown> = {
    timestamp,
    level: entry.level,
    requestId: entry.requestId,
    message: entry.message,
  };
  // A field named like a core key would hide it; the core key wins.
  for (const key in entry.fields) {
    if (!CORE_KEYS.has(key)) line[key] = entry.fields[key];
  }
  return stringify(line);
}

function textLine(entry: LogEntry, timestamp: string): string {
  const message = entry.message.replace(/\r?\n/g, '\\n');
  const fields =
    entry.fields === undefined || Object.keys(entry.fields).length === 0
      ? ''
      : ` ${stringify(entry.fields)}`;
  return (
    `${timestamp}\t${entry.requestId ?? '-'}\t${entry.level}\t` +
    `${message}${fields}`
  );
}

/**
 * One log entry as one line, without the newline. `JSON`: an object with
 * `timestamp`, `level`, `requestId`, `message` and then the fields, the
 * shape Lambda's own JSON log format uses. `Text`: the tab-separated
 * `timestamp  requestId  LEVEL  message` of Lambda's text format, with the
 * fields as JSON at the end and newlines in the message escaped, so the
 * entry stays one CloudWatch event.
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
 *
 * Phase: each log call. Never throws: a value JSON cannot hold (a BigInt)
 * is written as a string.
 *
 * @example
 * ```ts
 * formatLogLine('Text', { level: 'INFO', message: 'ready', requestId: 'r-1',
 *   fields: { orders: 2 } }, '2025-01-01T00:00:00.000Z');
 * // '2025-01-01T00:00:00.000Z\tr-1\tINFO\tready {"orders":2}'
 * ```
 */
export function formatLogLine(
  format: LogFormat,
  entry: LogEntry,
  timestamp = new Date().toISOString(),
): string {
  return format === 'JSON'
    ? jsonLine(entry, timestamp)
    : textLine(entry, timestamp);
}
