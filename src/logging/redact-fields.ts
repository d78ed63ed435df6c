import { readSensitiveMembers } from '../../decorators/sensitive.decorator';
import type { LogFields } from './logger';

/** What a redacted value is written as. */
export const REDACTED = '[REDACTED]';

/**
 * Field names redacted at any depth whatever the `redact` option says:
 * credentials that HTTP events and SDK errors carry in their headers, the
 * `cookies` array of API Gateway HTTP API (payload 2.0) and Function URL
 * events, and the credential variables of an environment dump.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export const ALWAYS_REDACTED: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'cookies',
  'set-cookie',
  'x-api-key',
  'x-amz-security-token',
  'aws_secret_access_key',
  'aws_session_token',
];

// Deeper structures are cut rather than walked: a log line is no place for
// them, and a bound keeps a pathological value from stalling the logger.
const MAX_DEPTH = 12;

/** Returns a copy of `fields` with every secret replaced by `[REDACTED]`. */
export type Redactor = (fields: LogFields) => LogFields;

const sensitiveByClass = new WeakMap<object, ReadonlySet<string>>();

function sensitiveOf(value: object): ReadonlySet<string> | undefined {
  const ctor = (value as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function' || ctor === Object) return undefined;

  let members = sensitiveByClass.get(ctor);
  if (members === undefined) {
    members = new Set(readSensitiveMembers(ctor));
    sensitiveByClass.set(ctor, members);
  }
  return members.size === 0 ? undefined : members;
}

function errorAsFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    errorType: error.name,
    errorMessage: error.message,
    stack: error.stack,
    ...error,
  };
  // `cause` is not enumerable when given to the constructor; the copy walks
  // it like any member, so depth and cycles stay bounded.
  if ('cause' in error && !('cause' in fields)) fields.cause = error.cause;
  return fields;
}

/**
 * Builds the redactor of one environment. Each entry of `redact` is either
 * a field name, redacted wherever it appears (`"password"`), or a dotted
 * path from the top of the fields (`"order.card.number"`); arrays are
 * walked through without taking a path segment. Names and paths compare
 * case-insensitively, and {@link ALWAYS_REDACTED} is always included.
 * Members marked `@Sensitive()` are redacted on instances of their class.
 *
 * The copy also makes the fields safe to serialise: a cycle becomes
 * `"[Circular]"`, an `Error` its name, message, stack and cause, and
 * anything deeper than 12 levels `"[Truncated]"`.
 *
 * Phase: init (built), then each log call. Never throws; a getter that
 * throws while being read is logged as `"[Unreadable]"`.
 *
 * @example
 * ```ts
 * const redact = createRedactor(['password', 'card.number']);
 * redact({ headers: { Authorization: 'Bearer abc' }, card: { number: '4111' } });
 * // { headers: { Authorization: '[REDACTED]' }, card: { number: '[REDACTED]' } }
 * ```
 */
export function createRedactor(redact: readonly string[] = []): Redactor {
  // Limitation: names only; a secret inside a string value is logged.
  const names = new Set(ALWAYS_REDACTED);
  const paths = new Set<string>();
  for (const entry of redact) {
    const lower = entry.toLowerCase();
    (lower.includes('.') ? paths : names).add(lower);
  }

  const copyObject = (
    value: Record<string, unknown>,
    path: string,
    depth: number,
    seen: WeakSet<object>,
  ): Record<string, unknown> => {
    const sensitive = sensitiveOf(value);
    const out: Record<string, unknown> = {};

    for (const key of Object.keys(value)) {
      const lower = key.toLowerCase();
      const at = path === '' ? lower : `${path}.${lower}`;
      if (names.has(lower) || paths.has(at) || sensitive?.has(key)) {
        out[key] = REDACTED;
        continue;
      }
      let member: unknown;
      try {
        member = value[key];
      } catch {
        out[key] = '[Unreadable]';
        continue;
      }
      out[key] = copy(member, at, depth + 1, seen);
    }
    return out;
  };

  const copy = (
    value: unknown,
    path: string,
    depth: number,
    seen: WeakSet<object>,
  ): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (depth > MAX_DEPTH) return '[Truncated]';
    if (value instanceof Date || ArrayBuffer.isView(value)) return value;

    seen.add(value);
    try {
      if (Array.isArray(value)) {
        return value.map((item) => copy(item, path, depth + 1, seen));
      }
      const record =
        value instanceof Error
          ? errorAsFields(value)
          : (value as Record<string, unknown>);
      const copied = copyObject(record, path, depth, seen);
      // Sensitive members of an Error subclass are found on the error itself.
      if (record !== value) {
        for (const key of sensitiveOf(value) ?? []) {
          if (key in copied) copied[key] = REDACTED;
        }
      }
      return copied;
    } finally {
      // The same object may appear twice side by side; only a cycle is cut.
      seen.delete(value);
    }
  };

  return (fields) =>
    copyObject(fields as Record<string, unknown>, '', 0, new WeakSet());
}
