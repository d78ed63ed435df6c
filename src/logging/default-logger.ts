import type { LogFields, Logger } from './logger';

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
type Level = (typeof LEVELS)[number];

function threshold(env: NodeJS.ProcessEnv): number {
  const wanted = (env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO').toUpperCase();
  if (wanted === 'TRACE') return 0;
  if (wanted === 'FATAL') return LEVELS.indexOf('ERROR');
  const index = LEVELS.indexOf(wanted as Level);
  return index === -1 ? LEVELS.indexOf('INFO') : index;
}

/**
 * The logger used when none is given: one JSON object per line on the
 * console stream of its level, at or above `AWS_LAMBDA_LOG_LEVEL` (default
 * INFO). This file is the only place in the library that uses `console`.
 *
 * Phase: any. Never throws; a field that cannot be serialised is written as
 * a string.
 *
 * @example
 * ```ts
 * createHandler(OrdersHandler, { logger: createDefaultLogger() });
 * ```
 */
export function createDefaultLogger(
  env: NodeJS.ProcessEnv = process.env,
): Logger {
  const minimum = threshold(env);

  const write = (level: Level, message: string, fields?: LogFields): void => {
    if (LEVELS.indexOf(level) < minimum) return;

    const entry = { level, message, logger: 'lambda-lifecycle', ...fields };
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      line = JSON.stringify({ level, message, fields: String(fields) });
    }
    if (level === 'ERROR') console.error(line);
    else if (level === 'WARN') console.warn(line);
    else if (level === 'INFO') console.info(line);
    else console.debug(line);
  };

  return {
    debug: (message, fields) => write('DEBUG', message, fields),
    info: (message, fields) => write('INFO', message, fields),
    warn: (message, fields) => write('WARN', message, fields),
    error: (message, fields) => write('ERROR', message, fields),
  };
}
