import type { EmfDocument } from './emf-document';

// The directives of the engine's documents are built once at INIT and
// frozen; their JSON is built once too. Member names, strings without
// anything to escape and the engine's millisecond values (three decimals)
// are written without JSON.stringify, whose generic path and double
// formatting cost about 2.3 us per invocation document; this about 0.9 us.
const directivesJson = new WeakMap<object, string>();
const memberJson = new Map<string, string>();
const MAX_CACHED_MEMBERS = 512;
// Characters JSON escapes (and surrogates, which it may), and some slack.
// eslint-disable-next-line no-control-regex -- JSON escapes control characters
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]{0,256}$/;
const MAX_MILLI = 2 ** 31 - 1;

function directives(document: EmfDocument): string {
  const list = document._aws.CloudWatchMetrics;
  const cached = directivesJson.get(list);
  if (cached !== undefined) return cached;

  const json = JSON.stringify(list);
  if (Object.isFrozen(list)) directivesJson.set(list, json);
  return json;
}

/** `,"name":`, cached. The template of a document shape reuses it. */
export function jsonMember(name: string): string {
  let json = memberJson.get(name);
  if (json === undefined) {
    json = `,${JSON.stringify(name)}:`;
    if (memberJson.size < MAX_CACHED_MEMBERS) memberJson.set(name, json);
  }
  return json;
}

function number(value: number): string {
  if (Number.isInteger(value)) return String(value);
  // A positive value with at most three decimals, written as integers.
  const milli = Math.round(value * 1000);
  if (milli > 0 && milli < MAX_MILLI && milli / 1000 === value) {
    const fraction = milli % 1000;
    const whole = (milli - fraction) / 1000;
    if (fraction % 100 === 0) return `${whole}.${fraction / 100}`;
    if (fraction % 10 === 0) {
      return `${whole}.${fraction < 100 ? '0' : ''}${fraction / 10}`;
    }
    const pad = fraction < 10 ? '00' : fraction < 100 ? '0' : '';
    return `${whole}.${pad}${fraction}`;
  }
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * A root member's value as `JSON.stringify` writes it (undefined for what
 * it leaves out), through the fast paths above.
 */
export function jsonValue(member: unknown): string | undefined {
  if (typeof member === 'number') return number(member);
  if (typeof member === 'string' && PLAIN.test(member)) return `"${member}"`;
  return JSON.stringify(member);
}

/**
 * One EMF document as one line of JSON, without the newline: `_aws` first,
 * then every other member with the text `JSON.stringify` would give it (so
 * the line equals `JSON.stringify(document)` when `_aws` comes first). A
 * number that is not finite becomes `null`, as in JSON; `undefined` and
 * functions are left out.
 *
 * Phase: each invoke, when the stdout sink writes. Throws what
 * `JSON.stringify` throws for a member it cannot serialise (a BigInt).
 *
 * @example
 * ```ts
 * process.stdout.write(serializeEmf(document) + '\n');
 * ```
 */
export function serializeEmf(document: EmfDocument): string {
  const timestamp = document._aws.Timestamp;
  let line =
    `{"_aws":{"Timestamp":${Number.isFinite(timestamp) ? timestamp : null},` +
    `"CloudWatchMetrics":${directives(document)}}`;

  for (const name in document) {
    if (name === '_aws') continue;
    const json = jsonValue(document[name]);
    if (json !== undefined) line += jsonMember(name) + json;
  }
  return `${line}}`;
}
