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
