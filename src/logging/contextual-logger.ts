import type { LogFields, Logger } from './logger';
import type { Redactor } from './redact-fields';

/** What {@link withLogContext} adds to each entry. */
export interface LogContext {
  /** The request id of the invocation that logs, if any. */
  readonly requestId: () => string | undefined;
  /** Removes secrets from the fields. */
  readonly redact: Redactor;
}

/**
 * Wraps a logger you bring (any object with `debug`, `info`, `warn` and
 * `error`, Powertools Logger included) so that what the framework and your
 * code log through it carries the invocation's `requestId` as a field and
 * never a secret: the fields reach your logger already redacted. Levels,
 * format and destination stay your logger's.
 *
 * Phase: init (wrapped), then each log call. What your logger throws
 * reaches the caller, as it would without the wrapper.
 *
 * @example
 * ```ts
 * const logger = withLogContext(new Logger(), {
 *   requestId: () => ids.current(),
 *   redact: createRedactor(['password']),
 * });
 * ```
 */
export function withLogContext(logger: Logger, context: LogContext): Logger {
  const entry = (fields: LogFields | undefined): LogFields | undefined => {
    const requestId = context.requestId();
    const clean = fields === undefined ? undefined : context.redact(fields);
    if (requestId === undefined) return clean;
    return { requestId, ...clean };
  };
  const at =
    (level: keyof Logger) =>
    (message: string, fields?: LogFields): void => {
      const extra = entry(fields);
      if (extra === undefined) logger[level](message);
      else logger[level](message, extra);
    };

  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
