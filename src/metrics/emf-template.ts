import type { MetricDirective } from './emf-document';
import { jsonMember, jsonValue } from './emf-serialize';

/** The value of a constant root member. */
export type MemberValue = string | number;

/** A line in a buffer that the next call may overwrite. */
export interface EncodedLine {
  readonly bytes: Uint8Array;
  readonly length: number;
}

const HEAD = '{"_aws":{"Timestamp":';
// Date.now() has 13 digits from September 2001 until the year 2286, so the
// timestamp fills a slot of fixed width and the rest of the head never
// moves. Outside that range the line is built as a string instead.
const TIMESTAMP_DIGITS = 13;
const WIDE_FROM = 1e12;
const WIDE_UNTIL = 1e13;
// Room per member for its value: the longest number written in place has
// 17 characters; a request id is a UUID (36). A longer string takes the
// string path.
const ROOM_PER_VALUE = 64;
// As emf-serialize: values with up to three decimals, as whole thousandths.
const MAX_MILLI = 2 ** 31 - 1;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FIRST_PRINTABLE = 0x20;
const ASCII_END = 0x80;
const MINUS = 0x2d;
const DOT = 0x2e;
const DIGIT_ZERO = 0x30;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;
/** What the in-place writers return for a value they leave to the string path. */
const NOT_IN_PLACE = -1;

/** Writes the digits of a non-negative safe integer; returns the end. */
function writeDigits(bytes: Uint8Array, at: number, value: number): number {
  let end = at + 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) end++;

  let rest = value;
  for (let i = end - 1; i >= at; i--) {
    bytes[i] = DIGIT_ZERO + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return end;
}

/**
 * Writes `value` as `jsonValue` would write it, for safe integers and
 * positive values with at most three decimals (the engine's milliseconds);
 * returns the end, or NOT_IN_PLACE for any other number.
 */
function writeNumber(bytes: Uint8Array, at: number, value: number): number {
  if (Number.isSafeInteger(value)) {
    if (value < 0) bytes[at++] = MINUS;
    return writeDigits(bytes, at, Math.abs(value));
  }
  const milli = Math.round(value * 1000);
  if (!(milli > 0 && milli < MAX_MILLI && milli / 1000 === value)) {
    return NOT_IN_PLACE;
  }

  // Not an integer, so the thousandths are not all zero: trailing zeros go.
  const fraction = milli % 1000;
  const tenths = Math.floor(fraction / 100);
  const hundredths = Math.floor(fraction / 10) % 10;
  const thousandths = fraction % 10;
  at = writeDigits(bytes, at, (milli - fraction) / 1000);
  bytes[at++] = DOT;
  bytes[at++] = DIGIT_ZERO + tenths;
  if (hundredths !== 0 || thousandths !== 0) {
    bytes[at++] = DIGIT_ZERO + hundredths;
  }
  if (thousandths !== 0) bytes[at++] = DIGIT_ZERO + thousandths;
  return at;
}

/**
 * Writes `value` quoted when it is printable ASCII without a quote or a
 * backslash (nothing JSON escapes) and fits before `limit`; returns the
 * end, or NOT_IN_PLACE.
 */
function writeString(
  bytes: Uint8Array,
  at: number,
  value: string,
  limit: number,
): number {
  if (at + value.length + 2 > limit) return NOT_IN_PLACE;

  bytes[at++] = QUOTE;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (
      code < FIRST_PRINTABLE ||
      code >= ASCII_END ||
      code === QUOTE ||
      code === BACKSLASH
    ) {
      return NOT_IN_PLACE;
    }
    bytes[at++] = code;
  }
  bytes[at++] = QUOTE;
  return at;
}

/**
 * Serialises the documents of one shape, known at INIT: its directives,
 * the root members that never change (the dimensions, the phase, the
 * environment id) and the names of those that change, in the order the
 * documents hold them after `_aws` and the constants. The values come as
 * an array, one per name: reading them back from an object was slower
 * than the rest of the work, since an object with this many members added
 * one by one is a dictionary to V8.
 *
 * The head (about 900 bytes of directives and constants) is encoded once,
 * into a buffer whose only moving part is the timestamp's 13 digits. Per
 * document only the changing members are written after it, byte by byte:
 * numbers as digits, the request id as its characters, with the text
 * `serializeEmf` gives them. A freshly built string line makes Node
 * flatten and UTF-8 encode all of it again on every write; side by side on
 * a loaded two-core machine, this path with its write added about 2.8 us
 * per invocation where serialising the object and writing it through
 * process.stdout added about 4.6 us. Encoding the changing members is
 * still about 1.5 us of it.
 *
 * Phase: init (built), then each invoke. Never throws for what JSON can
 * hold; a value it cannot encode in place (not ASCII, too long) makes it
 * build the line as a string.
 *
 * @example
 * ```ts
 * const shape = new EmfTemplate(directives, { LifecyclePhase: 'INVOKE' }, [
 *   'RequestId',
 *   'InvocationDuration',
 * ]);
 * const { bytes, length } = shape.encode(Date.now(), ['r-1', 1.25]);
 * writeEmfBytes(bytes, length);
 * ```
 */
export class EmfTemplate {
  readonly #names: readonly string[];
  readonly #keys: readonly string[];
  readonly #keyBytes: readonly Uint8Array[];
  /** The head after the timestamp: directives, then the constants. */
  readonly #rest: string;
  readonly #buffer: Uint8Array;
  readonly #tailAt: number;

  constructor(
    directives: readonly MetricDirective[],
    constants: Readonly<Record<string, MemberValue>>,
    names: readonly string[],
  ) {
    this.#names = [...names];
    this.#keys = names.map(jsonMember);
    this.#keyBytes = this.#keys.map((key) => Buffer.from(key));

    let rest = `,"CloudWatchMetrics":${JSON.stringify(directives)}}`;
    for (const [name, value] of Object.entries(constants)) {
      rest += jsonMember(name) + jsonValue(value);
    }
    this.#rest = rest;

    const head = Buffer.from(HEAD + '0'.repeat(TIMESTAMP_DIGITS) + rest);
    const keys = this.#keyBytes.reduce((sum, key) => sum + key.length, 0);
    const room = keys + names.length * ROOM_PER_VALUE + 2;
    this.#buffer = Buffer.alloc(head.length + room);
    this.#buffer.set(head);
    this.#tailAt = head.length;
  }

  /** The names of the members filled per document, in order. */
  get names(): readonly string[] {
    return this.#names;
  }

  /**
   * The document of `timestamp` and `values` (one per name, in order) as
   * one line of JSON, without the newline: what `serializeEmf` writes for
   * the object with `_aws`, the constants and then the named members. A
   * value JSON leaves out (`undefined`) leaves its member out.
   */
  line(timestamp: number, values: readonly unknown[]): string {
    let line = HEAD + (Number.isFinite(timestamp) ? timestamp : 'null');
    line += this.#rest;
    for (let i = 0; i < this.#names.length; i++) {
      const json = jsonValue(values[i]);
      if (json !== undefined) line += this.#keys[i] + json;
    }
    return `${line}}`;
  }

  /**
   * The same line with its newline, in UTF-8, in the template's buffer:
   * valid until the next call (copy what you keep).
   */
  encode(timestamp: number, values: readonly unknown[]): EncodedLine {
    const bytes = this.#buffer;
    if (
      !Number.isInteger(timestamp) ||
      timestamp < WIDE_FROM ||
      timestamp >= WIDE_UNTIL
    ) {
      return this.#asString(timestamp, values);
    }
    writeDigits(bytes, HEAD.length, timestamp);

    let at = this.#tailAt;
    for (let i = 0; i < this.#names.length; i++) {
      const key = this.#keyBytes[i];
      for (let k = 0; k < key.length; k++) bytes[at++] = key[k];

      const value = values[i];
      if (typeof value === 'number') at = writeNumber(bytes, at, value);
      else if (typeof value === 'string') {
        at = writeString(bytes, at, value, bytes.length - 2);
      } else at = NOT_IN_PLACE;
      if (at === NOT_IN_PLACE) return this.#asString(timestamp, values);
    }
    bytes[at++] = CLOSE_BRACE;
    bytes[at++] = NEWLINE;
    return { bytes, length: at };
  }

  #asString(timestamp: number, values: readonly unknown[]): EncodedLine {
    const bytes = Buffer.from(`${this.line(timestamp, values)}\n`);
    return { bytes, length: bytes.length };
  }
}
