/** A scalar the emitter writes. */
export type YamlScalar = string | number | boolean;

/**
 * A value the emitter writes: the subset of YAML a SAM template needs, that
 * is mappings, scalars, and sequences of scalars.
 */
export type YamlValue = YamlScalar | readonly YamlScalar[] | YamlMap;

/** A mapping, written in the order of its keys. */
export interface YamlMap {
  readonly [key: string]: YamlValue;
}

const INDENT = '  ';

// A string that every YAML 1.1 and 1.2 parser reads back as this string
// when written bare: no leading digit, sign, dot or indicator, no spaces,
// no "#" and no ": ", and not ending in ":".
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./:-]*$/;
const PLAIN_END = /[A-Za-z0-9_./-]$/;
// Words that YAML 1.1 parsers read as booleans or null.
const SPECIAL_WORDS = /^(true|false|yes|no|on|off|y|n|null|nan|inf|infinity)$/i;
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A string as a double-quoted YAML scalar: printable ASCII as it is (with
 * `"` and `\` escaped), everything else as `\uXXXX` or `\UXXXXXXXX`, so the
 * text survives any encoding and no character can end the line or scalar.
 */
export function quoteYaml(text: string): string {
  let quoted = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') quoted += `\\${char}`;
    else if (code >= 0x20 && code <= 0x7e) quoted += char;
    else if (code <= 0xffff) {
      quoted += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    } else {
      quoted += `\\U${code.toString(16).toUpperCase().padStart(8, '0')}`;
    }
  }
  return `${quoted}"`;
}

function scalar(value: YamlScalar): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`YAML: only whole numbers are written, not ${value}`);
    }
    return String(value);
  }
  const plain =
    PLAIN.test(value) && PLAIN_END.test(value) && !SPECIAL_WORDS.test(value);
  return plain ? value : quoteYaml(value);
}

function key(name: string): string {
  return PLAIN_KEY.test(name) ? name : quoteYaml(name);
}

/** A scalar, or an empty mapping or sequence: what fits after `key: `. */
function inline(value: YamlValue): string | undefined {
  if (typeof value !== 'object') return scalar(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  return Object.keys(value).length === 0 ? '{}' : undefined;
}

function lines(value: YamlMap, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  return Object.entries(value).flatMap(([name, item]) => {
    const short = inline(item);
    if (short !== undefined) return [`${pad}${key(name)}: ${short}`];
    if (Array.isArray(item)) {
      const items = item as readonly YamlScalar[];
      return [
        `${pad}${key(name)}:`,
        ...items.map((one) => `${pad}${INDENT}- ${scalar(one)}`),
      ];
    }
    return [`${pad}${key(name)}:`, ...lines(item as YamlMap, depth + 1)];
  });
}

/**
 * Writes a mapping as block-style YAML, two spaces per level, keys in the
 * order given: the same value gives the same text. Strings are written
 * bare only when no YAML parser could read them as anything else, and
 * double-quoted otherwise; numbers must be whole.
 *
 * Phase: none (build time). Throws a `TypeError` for a number that is not
 * a safe integer.
 *
 * @example
 * ```ts
 * toYaml({ Resources: { Fn: { Type: 'AWS::Serverless::Function' } } });
 * // "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
 * ```
 */
export function toYaml(value: YamlMap): string {
  return lines(value, 0)
    .map((line) => `${line}\n`)
    .join('');
}
