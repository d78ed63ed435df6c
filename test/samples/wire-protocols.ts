// Reading what a client sent over a connection, to tell how it said
// goodbye: the message types of the PostgreSQL frontend protocol, and the
// command names of Redis's RESP.

// https://www.postgresql.org/docs/current/protocol-message-formats.html
const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;

/**
 * The type of each message a PostgreSQL client sent after its startup
 * message, in order: `Q` for a simple query, `P`/`B`/`E`/`S` for the
 * extended protocol, `X` for Terminate, the goodbye of a client that closes
 * its connection on purpose.
 */
export function postgresMessageTypes(bytes: Buffer): string[] {
  let at = 0;
  // Untyped: an SSL or GSS encryption request (8 bytes, answered with one
  // byte), then the startup message, each led by its length.
  while (at + 8 <= bytes.length) {
    const length = bytes.readInt32BE(at);
    const code = bytes.readInt32BE(at + 4);
    at += length;
    if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) break;
  }

  const types: string[] = [];
  while (at + 5 <= bytes.length) {
    types.push(String.fromCharCode(bytes[at]));
    at += 1 + bytes.readInt32BE(at + 1);
  }
  return types;
}

/**
 * The name of each command a Redis client sent, upper-cased, in order.
 * Clients send commands as RESP arrays of bulk strings.
 * https://redis.io/docs/latest/develop/reference/protocol-spec/
 */
export function redisCommands(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const commands: string[] = [];
  let at = 0;

  const line = () => {
    const end = text.indexOf('\r\n', at);
    if (end < 0) return undefined;
    const value = text.slice(at, end);
    at = end + 2;
    return value;
  };

  while (at < text.length) {
    const header = line();
    if (header === undefined || !header.startsWith('*')) break;
    const words: string[] = [];
    for (let i = 0; i < Number(header.slice(1)); i++) {
      const size = Number(line()?.slice(1));
      words.push(text.slice(at, at + size));
      at += size + 2;
    }
    commands.push((words[0] ?? '').toUpperCase());
  }
  return commands;
}
