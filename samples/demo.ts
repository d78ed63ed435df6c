import path from 'node:path';
import { runCli } from '../src/cli/main';

// What `npm start` runs: the samples through a whole Lambda lifecycle, the
// way a user would with the CLI. It generates the entries from
// samples/lambda-lifecycle.config.json, then runs the orders entry under the
// local Lambda Runtime API: INIT, a cold invocation, warm ones with idle
// gaps between them, and a SHUTDOWN delivered as Lambda does (SIGTERM, since
// the framework registered its internal extension during INIT).

const root = path.resolve(__dirname, '..', '..');
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
    ],
    io,
  );

  process.stdout.write(
    '\nThe store opened once at INIT and closed at SHUTDOWN; the 404 and ' +
      '400 answers\ncame from the @OnError hook. Run it yourself: ' +
      'npx lambda-lifecycle invoke --help\n',
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
