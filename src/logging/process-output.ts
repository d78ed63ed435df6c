import { writeSync } from 'node:fs';
import { Writable } from 'node:stream';

// What process.stdout.write is when nothing has replaced it: Node's stdout
// (a file, pipe, socket or terminal stream) inherits it from Writable.
const STREAM_WRITE = Writable.prototype.write;
const STDOUT_FD = 1;

/**
 * The one place the library writes to the process's output streams: the
 * default logger's lines and the metrics' EMF documents. Everything else logs
 * through a `Logger` or hands documents to a metrics sink.
 *
 * It writes to `process.stdout` and `process.stderr` directly, not through
 * `console`: under the JSON log format, Lambda's Node.js runtime rewrites
 * every `console` call into a JSON object of its own, with the line as its
 * `message`, which would nest our JSON lines and hide EMF documents from
 * CloudWatch's metric extraction.
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
 *
 * Phase: any. Never throws for a closed stream; Node reports that as an
 * `error` event on the stream.
 *
 * @example
 * ```ts
 * writeLine('stdout', JSON.stringify({ message: 'ready' }));
 * ```
 */
export function writeLine(stream: 'stdout' | 'stderr', line: string): void {
  if (stream === 'stdout') process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
}

/** Hands what `writeSync` did not take to the stream, as a copy. */
function queueRest(
  data: string | Uint8Array,
  written: number,
  length: number,
): void {
  if (typeof data === 'string') {
    process.stdout.write(
      written === 0 ? data : Buffer.from(data).subarray(written),
    );
  } else {
    process.stdout.write(Buffer.from(data.subarray(written, length)));
  }
}

/**
 * Writes `data` (a whole line, newline included; of bytes, the first
 * `length`) to stdout before it returns when it can: straight to file descriptor 1 with one `write`
 * system call, which costs about 0.8 us for a 1 KB line where
 * `process.stdout.write` costs 1.4-2.0 us. Order with the process's other
 * stdout writes is kept: the direct write is only taken when nothing waits
 * in `process.stdout` (a pipe the reader has not drained), and when the
 * stream is Node's own, not one a test or a library has replaced or a
 * worker thread's. Otherwise, and for what a full pipe does not take
 * (`EAGAIN`, a partial write), the rest goes through `process.stdout`,
 * behind what waits there.
 *
 * Nothing is deferred: a frozen Lambda environment runs nothing between
 * invocations, so a line must leave before the response does.
 *
 * Phase: any; the EMF sink calls it on each invoke. Never throws: an error
 * of the direct write hands the line to `process.stdout`, which reports it
 * as it always does (an `error` event for a closed stream). The caller may
 * reuse `data` once it returns.
 *
 * @example
 * ```ts
 * writeStdoutNow(`${serializeEmf(document)}\n`);
 * ```
 */
export function writeStdoutNow(
  data: string | Uint8Array,
  length = typeof data === 'string' ? 0 : data.byteLength,
): void {
  const stdout = process.stdout;
  let written = 0;

  if (
    stdout.fd === STDOUT_FD &&
    stdout.write === STREAM_WRITE &&
    stdout.writableLength === 0
  ) {
    try {
      if (typeof data === 'string') {
        written = writeSync(STDOUT_FD, data);
        if (written === Buffer.byteLength(data)) return;
      } else {
        written = writeSync(STDOUT_FD, data, 0, length);
        if (written === length) return;
      }
    } catch {
      written = 0;
    }
  }
  queueRest(data, written, length);
}
