/** How Lambda's advanced logging controls ask logs to be written. */
export type LogFormat = 'JSON' | 'Text';

/** The levels the framework's logger writes, least severe first. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The log format and the least severe level written. */
export interface LogSettings {
  readonly format: LogFormat;
  readonly minimum: LogLevel;
}

function minimumLevel(wanted: string | undefined): LogLevel {
  const level = (wanted ?? '').toUpperCase();
  if (level === 'TRACE') return 'DEBUG';
  if (level === 'FATAL') return 'ERROR';
  return LOG_LEVELS.includes(level as LogLevel) ? (level as LogLevel) : 'INFO';
}

/**
 * Reads Lambda's advanced logging controls from `env`, once:
 * `AWS_LAMBDA_LOG_FORMAT` (`JSON` or `Text`) and `AWS_LAMBDA_LOG_LEVEL`
 * (`TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `FATAL`; TRACE writes DEBUG
 * and up, FATAL writes ERROR). Lambda sets them from the function's logging
 * configuration.
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
 *
 * The format is JSON unless the variable says `Text` (the framework writes
 * structured lines by default); the level is INFO when the variable is unset
 * or unknown.
 *
 * Phase: init. Never throws.
 *
 * @example
 * ```ts
 * readLogSettings({ AWS_LAMBDA_LOG_FORMAT: 'Text' });
 * // { format: 'Text', minimum: 'INFO' }
 * ```
 */
export function readLogSettings(env: NodeJS.ProcessEnv): LogSettings {
  const format = env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'TEXT';
  return {
    format: format ? 'Text' : 'JSON',
    minimum: minimumLevel(env.AWS_LAMBDA_LOG_LEVEL),
  };
}

/** True when a line of `level` is written under `settings`. */
export function isWritten(level: LogLevel, settings: LogSettings): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(settings.minimum);
}
