import { LifecycleError } from '../../../decorators/lifecycle-error';

function invalid(source: string, what: string, cause?: unknown): never {
  throw new LifecycleError('INVALID_CONFIG', `${source}: ${what}.`, { cause });
}

/**
 * Reads one event: the whole text is one JSON value, an array included.
 *
 * Phase: before INIT, while the events are gathered. Throws
 * `INVALID_CONFIG` naming `source` when the text is not JSON.
 *
 * @example
 * ```ts
 * const event = parseEvent(readFileSync('order.json', 'utf8'), 'order.json');
 * ```
 */
export function parseEvent(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return invalid(source, `not a JSON value (${String(error)})`, error);
  }
}

/**
 * Reads several events: a JSON array holds one event per element, any other
 * JSON value is one event, and anything else is read as JSON lines (one
 * event per non-blank line).
 *
 * Phase: before INIT, while the events are gathered. Throws
 * `INVALID_CONFIG` naming `source` and the line that is not JSON.
 *
 * @example
 * ```ts
 * parseEvents('{"id":1}\n{"id":2}\n', 'stdin'); // [{ id: 1 }, { id: 2 }]
 * ```
 */
export function parseEvents(text: string, source: string): unknown[] {
  if (text.trim() === '') return [];

  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value : [value];
  } catch {
    // Not one JSON value: JSON lines.
  }
  return text.split('\n').flatMap((line, index) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch (error) {
      return invalid(
        `${source}:${index + 1}`,
        `not a JSON value, and the text is neither one JSON value nor ` +
          `JSON lines (${String(error)})`,
        error,
      );
    }
  });
}
