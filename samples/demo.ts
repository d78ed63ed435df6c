import path from 'node:path';
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
const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: root,
};

function heading(text: string): void {
  process.stdout.write(`\n${text}\n${'-'.repeat(text.length)}\n`);
}

async function main(): Promise<number> {
  heading('lambda-lifecycle generate');
  const generated = await runCli(
    ['generate', '--config', 'samples/lambda-lifecycle.config.json'],
    io,
  );
  if (generated !== 0) return generated;

  heading('lambda-lifecycle invoke build/entries/orders.mjs');
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
      ...(databaseUrl ? ['--env', `DATABASE_URL=${databaseUrl}`] : []),
    ],
    io,
  );

  const database = databaseUrl
    ? 'The pool on DATABASE_URL'
    : 'The embedded PostgreSQL (no DATABASE_URL set)';
  process.stdout.write(
    `\n${database} opened once at INIT and closed at SHUTDOWN;\n` +
      'the 404 and 400 answers came from the @OnError hook. Run it ' +
      'yourself:\nnpx lambda-lifecycle invoke --help\n',
  );
  return invoked;
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
