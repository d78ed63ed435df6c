/**
 * Reads back the YAML subset that `toYaml` writes, for tests: block
 * mappings and sequences indented by two spaces, `{}` and `[]`, whole
 * numbers, booleans, bare strings, and double-quoted strings with `\"`,
 * `\\`, `\uXXXX` and `\UXXXXXXXX` escapes. Full-line `#` comments are
 * skipped. Throws on anything else, so a test notices output it did not
 * expect.
 */
export function readYaml(text: string): unknown {
  const lines = text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => ({
      indent: line.length - line.trimStart().length,
      text: line.trimStart(),
    }));
  let at = 0;

  const block = (indent: number): unknown => {
    if (lines[at]?.text.startsWith('- ')) return sequence(indent);
    return mapping(indent);
  };

  const sequence = (indent: number): unknown[] => {
    const items: unknown[] = [];
    while (at < lines.length && lines[at].indent === indent) {
      const line = lines[at];
      if (!line.text.startsWith('- '))
        throw new Error(`not an item: ${line.text}`);
      items.push(scalar(line.text.slice(2)));
      at++;
    }
    return items;
  };

  const mapping = (indent: number): Record<string, unknown> => {
    const map: Record<string, unknown> = {};
    while (at < lines.length && lines[at].indent === indent) {
      const line = lines[at];
      const match =
        /^("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/.exec(
          line.text,
        );
      if (match === null) throw new Error(`not a key: ${line.text}`);
      const name = String(scalar(match[1]));
      if (name in map) throw new Error(`duplicate key: ${name}`);
      at++;
      if (match[2] !== undefined) {
        map[name] = scalar(match[2]);
      } else if (lines[at] !== undefined && lines[at].indent > indent) {
        map[name] = block(lines[at].indent);
      } else {
        throw new Error(`no value for ${name}`);
      }
    }
    if (at < lines.length && lines[at].indent > indent) {
      throw new Error(`bad indentation: ${lines[at].text}`);
    }
    return map;
  };

  const result = block(0);
  if (at !== lines.length) throw new Error(`left over: ${lines[at].text}`);
  return result;
}

function scalar(text: string): unknown {
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(text)) throw new Error(`bad: ${text}`);
    return text
      .slice(1, -1)
      .replace(/\\(U[0-9A-F]{8}|u[0-9A-F]{4}|["\\])/g, (_, escape: string) =>
        escape.length === 1
          ? escape
          : String.fromCodePoint(parseInt(escape.slice(1), 16)),
      );
  }
  if (/[\s#"'{}[\],&*!|>%@`]/.test(text)) throw new Error(`not bare: ${text}`);
  return text;
}
