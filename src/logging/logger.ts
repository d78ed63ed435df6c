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

/** An error as plain fields, so JSON logs keep its name, message and stack. */
export function errorFields(error: unknown): LogFields {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      stack: error.stack,
    };
  }
  return { errorType: typeof error, errorMessage: String(error) };
}
