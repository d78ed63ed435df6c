import { currentRequestId } from '../scope/invocation-scope';
import type { LogFields, Logger } from './logger';
import { formatLogLine } from './log-line';
import { isWritten, readLogSettings, type LogLevel } from './log-settings';
import { writeLine } from './process-output';
import { createRedactor } from './redact-fields';

/** Options of {@link createDefaultLogger}. */
export interface DefaultLoggerOptions {
  /**
   * The request id to write on each line. Default: the invocation scope's,
   * when one is running. Environments pass their own source, which also
   * works without the scope.
   */
  readonly requestId?: () => string | undefined;
  /** Field names or dotted paths to redact; see `createRedactor`. */
  readonly redact?: readonly string[];
}

/**
 * The logger used when none is given: one line per entry, in the format and
 * at or above the level of Lambda's advanced logging controls
 * (`AWS_LAMBDA_LOG_FORMAT`: JSON unless `Text`; `AWS_LAMBDA_LOG_LEVEL`:
 * INFO by default), both read once, here. Every line carries the request id
 * of the invocation that wrote it; secrets in the fields are redacted.
 * ERROR and WARN lines go to stderr, the others to stdout.
 *
 * Phase: any. Never throws; a field that cannot be serialised is written as
 * a string.
 *
 * @example
 * ```ts
 * createHandler(OrdersHandler, {
 *   logger: createDefaultLogger(process.env, { redact: ['password'] }),
 * });
 * ```
 */
export function createDefaultLogger(
  env: NodeJS.ProcessEnv = process.env,
  options: DefaultLoggerOptions = {},
): Logger {
  const settings = readLogSettings(env);
  const redact = createRedactor(options.redact);
  const requestId = options.requestId ?? currentRequestId;

  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (!isWritten(level, settings)) return;

    const line = formatLogLine(settings.format, {
      level,
      message,
      requestId: requestId(),
      fields: fields === undefined ? undefined : redact(fields),
    });
    writeLine(
      level === 'ERROR' || level === 'WARN' ? 'stderr' : 'stdout',
      line,
    );
  };

  return {
    debug: (message, fields) => write('DEBUG', message, fields),
    info: (message, fields) => write('INFO', message, fields),
    warn: (message, fields) => write('WARN', message, fields),
    error: (message, fields) => write('ERROR', message, fields),
  };
}
