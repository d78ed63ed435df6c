import type { InjectionToken } from 'tsyringe';

/** Structured fields attached to one log entry. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The logger lambda-lifecycle writes through, and the one it injects. Any
 * object with these four methods fits, Powertools Logger included. The
 * framework calls each with a message and at most one object of fields;
 * the fields are a rest parameter only so that loggers whose signatures
 * refuse an explicit `undefined` there (Powertools') fit too.
 */
export interface Logger {
  debug(message: string, ...fields: LogFields[]): void;
  info(message: string, ...fields: LogFields[]): void;
  warn(message: string, ...fields: LogFields[]): void;
  error(message: string, ...fields: LogFields[]): void;
}

/**
 * Token under which every environment registers its logger.
 *
 * @example
 * ```ts
 * constructor(@inject(LOGGER) private readonly logger: Logger) {}
 * ```
 */
export const LOGGER: InjectionToken<Logger> = Symbol.for(
  'lambda-lifecycle/logger',
);

/** A logger that drops everything, for tests that assert on nothing logged. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

// Causes deeper than this are cut: a chain that long (or a cycle, a cause
// that is its own ancestor) says nothing more in a log line.
const MAX_CAUSE_DEPTH = 5;

function causeOf(error: Error): unknown {
  try {
    return error.cause;
  } catch {
    return '[Unreadable]';
  }
}

function chain(error: Error, depth: number): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    errorType: error.name,
    errorMessage: error.message,
    stack: error.stack,
  };
  if (!('cause' in error)) return fields;

  const cause = causeOf(error);
  if (!(cause instanceof Error)) fields.cause = cause;
  else if (depth < MAX_CAUSE_DEPTH) fields.cause = chain(cause, depth + 1);
  else fields.cause = '[Truncated]';
  return fields;
}

/**
 * An error as plain fields, so JSON logs keep its name, message and stack,
 * and its `cause` chain the same way (an `Error` cause as its name, message
 * and stack, five deep at most; any other cause as it is). The logger
 * redacts these fields like any others, causes included.
 *
 * Phase: any. Never throws.
 *
 * @example
 * ```ts
 * logger.error('order not stored', { ...errorFields(error) });
 * // { errorType, errorMessage, stack, cause: { errorType, ... } }
 * ```
 */
export function errorFields(error: unknown): LogFields {
  if (error instanceof Error) return chain(error, 0);
  return { errorType: typeof error, errorMessage: String(error) };
}
