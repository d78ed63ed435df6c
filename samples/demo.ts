import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../src/cli/main';

// What `npm start` runs: the samples through a whole Lambda lifecycle, the
// way a user would with the CLI. It generates the entries from
// samples/lambda-lifecycle.config.json, then runs the orders entry under the
// local Lambda Runtime API: INIT, a cold invocation, warm ones with idle
// gaps between them, and a SHUTDOWN delivered as Lambda does (SIGTERM, since
// the framework registered its internal extension during INIT).
//
// It needs no server: without DATABASE_URL the orders handler's module
// registers an embedded PostgreSQL (pglite) as its database; with it, a pool
// on that server. The function runs in a child process that sees only the
// variables Lambda would set and the ones given with --env, so DATABASE_URL
// is passed on explicitly. The SQS and pricing samples need Redis and a
// configuration endpoint, so they are generated here but run in the tests.

const root = path.resolve(__dirname, '..', '..');
const databaseUrl = process.env.DATABASE_URL;
const events = path.join('samples', 'orders', 'events');
// pglite holds about 730 MB; tell the function it has what that would need.
const memoryMb = databaseUrl ? '128' : '1024';

/**
 * Standard output without the lifecycle metrics: one CloudWatch EMF
 * document per line, which would bury the timeline. It keeps them for the
 * report that follows.
 */
class WithoutMetrics extends Writable {
  readonly metrics: string[] = [];
  #partial = '';

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    const lines = (this.#partial + chunk.toString()).split('\n');
    this.#partial = lines.pop() ?? '';

    for (const line of lines) {
      if (line.includes('{"_aws":')) this.metrics.push(line);
      else process.stdout.write(`${line}\n`);
    }
    done();
  }

  flush(): void {
    if (this.#partial) process.stdout.write(this.#partial);
    this.#partial = '';
  }
}

function heading(text: string): void {
  process.stdout.write(`\n${text}\n${'-'.repeat(text.length)}\n`);
}

async function main(): Promise<number> {
  heading('lambda-lifecycle generate');
  const generated = await runCli(
    ['generate', '--config', 'samples/lambda-lifecycle.config.json'],
    { stdout: process.stdout, stderr: process.stderr, cwd: root },
  );
  if (generated !== 0) return generated;

  heading('lambda-lifecycle invoke build/entries/orders.mjs');
  const stdout = new WithoutMetrics();
  const invoked = await runCli(
    [
      'invoke',
      'build/entries/orders.mjs',
      ...['create-order', 'get-order', 'missing-order', 'bad-order'].flatMap(
        (name) => ['--event', path.join(events, `${name}.json`)],
      ),
      '--idle',
      '250',
      '--function-name',
      'orders',
      '--memory',
      memoryMb,
      ...(databaseUrl ? ['--env', `DATABASE_URL=${databaseUrl}`] : []),
    ],
    { stdout, stderr: process.stderr, cwd: root },
  );
  stdout.flush();

  const database = databaseUrl
    ? 'The pool on DATABASE_URL'
    : 'The embedded PostgreSQL (DATABASE_URL is not set)';
  process.stdout.write(
    [
      '',
      `${database} opened once at INIT and closed at SHUTDOWN.`,
      'The 404 and 400 answers came from the @OnError hook.',
      '',
    ].join('\n'),
  );
  if (stdout.metrics.length === 0) return invoked;

  heading(
    `lambda-lifecycle report  (the ${stdout.metrics.length} EMF lines it wrote)`,
  );
  const reported = await runCli(['report'], {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: Readable.from([stdout.metrics.join('\n')]),
    cwd: root,
  });
  return invoked || reported;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
