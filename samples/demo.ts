import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../src/cli/main';

// What `npm start` runs: the samples through a whole Lambda lifecycle, the
// way a user would with the CLI. It generates the entries from
// samples/lambda-lifecycle.config.json, then runs each sample's entry under
// the local Lambda Runtime API: INIT, a cold invocation, warm ones with idle
// gaps between them, and a SHUTDOWN delivered as Lambda does (SIGTERM, since
// the framework registered its internal extension during INIT).
//
// It needs no server: without DATABASE_URL the orders handler's module
// registers an embedded PostgreSQL (pglite) as its database; with it, a pool
// on that server. The pricing sample reads its configuration from a loopback
// server the demo starts, standing in for the AppConfig agent extension. The
// SQS sample needs Redis: it runs when one answers (REDIS_URL, by default
// 127.0.0.1:6379) and is skipped, saying so, when none does. Each function
// runs in a child process that sees only the variables Lambda would set and
// the ones given with --env, so settings are passed on explicitly.

const root = path.resolve(__dirname, '..', '..');

/** The configuration the pricing sample is given in the demo. */
const DEMO_PRICING = {
  currency: 'EUR',
  taxRate: 0.2,
  prices: { 'green-tea': 450, teapot: 2900 },
};

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

interface Run {
  readonly code: number;
  readonly metrics: readonly string[];
}

/** Runs `lambda-lifecycle invoke` on one sample's ES module entry. */
async function invoke(handler: string, args: readonly string[]): Promise<Run> {
  heading(`lambda-lifecycle invoke build/entries/${handler}.mjs`);
  const stdout = new WithoutMetrics();
  const code = await runCli(
    [
      'invoke',
      `build/entries/${handler}.mjs`,
      '--function-name',
      handler,
      '--idle',
      '250',
      ...args,
    ],
    { stdout, stderr: process.stderr, cwd: root },
  );
  stdout.flush();
  return { code, metrics: stdout.metrics };
}

function say(...lines: string[]): void {
  process.stdout.write(['', ...lines, ''].join('\n'));
}

function eventArgs(sample: string, names: readonly string[]): string[] {
  return names.flatMap((name) => [
    '--event',
    path.join('samples', sample, 'events', `${name}.json`),
  ]);
}

async function orders(): Promise<Run> {
  const databaseUrl = process.env.DATABASE_URL;
  // pglite holds about 730 MB; tell the function it has what that needs.
  const memoryMb = databaseUrl ? '128' : '1024';
  const run = await invoke('orders', [
    ...eventArgs('orders', [
      'create-order',
      'get-order',
      'missing-order',
      'bad-order',
    ]),
    '--memory',
    memoryMb,
    ...(databaseUrl ? ['--env', `DATABASE_URL=${databaseUrl}`] : []),
  ]);

  const database = databaseUrl
    ? 'The pool on DATABASE_URL'
    : 'The embedded PostgreSQL (DATABASE_URL is not set)';
  say(
    `${database} opened once at INIT and closed at SHUTDOWN.`,
    'The 404 and 400 answers came from the @OnError hook.',
  );
  return run;
}

/**
 * Serves the pricing configuration on loopback, as the AWS AppConfig agent
 * extension does on localhost:2772 inside Lambda, and counts the requests.
 */
async function configServer(): Promise<{
  readonly url: string;
  readonly requests: () => number;
  readonly close: () => Promise<void>;
}> {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests++;
    response.writeHead(200, {
      'content-type': 'application/json',
      'configuration-version': 'demo-1',
    });
    response.end(JSON.stringify(DEMO_PRICING));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));

  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/applications/pricing/configurations/demo`,
    requests: () => requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

async function pricing(): Promise<Run> {
  const config = await configServer();
  try {
    const run = await invoke('pricing', [
      ...eventArgs('pricing', ['quote', 'quote', 'quote']),
      '--env',
      `PRICING_CONFIG_URL=${config.url}`,
    ]);
    const loads = config.requests();
    say(
      `The configuration was loaded ${loads === 1 ? 'once' : `${loads} times`} ` +
        'for 3 invocations: @Lazy keeps it for its time-to-live (60 s).',
    );
    return run;
  } finally {
    await config.close();
  }
}

/** Whether a TCP connection to the Redis server opens within 500 ms. */
function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((answer) => {
    const socket = connect({ host: hostname, port: Number(port) || 6379 });
    const done = (open: boolean) => {
      socket.destroy();
      answer(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function orderEvents(): Promise<Run | undefined> {
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (!(await reachable(redisUrl))) {
    say(
      `order-events: skipped, no Redis answers at ${redisUrl} (set ` +
        'REDIS_URL to run the SQS sample).',
    );
    return undefined;
  }
  const run = await invoke('order-events', [
    ...eventArgs('order-events', ['batch', 'batch']),
    '--env',
    `REDIS_URL=${redisUrl}`,
    '--env',
    'CACHE_KEY_PREFIX=lambda-lifecycle-demo:',
  ]);
  say(
    'One Redis connection served both batches; the message that could not',
    'be processed came back in batchItemFailures, the rest succeeded.',
  );
  return run;
}

async function main(): Promise<number> {
  heading('lambda-lifecycle generate');
  const generated = await runCli(
    ['generate', '--config', 'samples/lambda-lifecycle.config.json'],
    { stdout: process.stdout, stderr: process.stderr, cwd: root },
  );
  if (generated !== 0) return generated;

  const runs = [await orders(), await pricing(), await orderEvents()].filter(
    (run) => run !== undefined,
  );
  const failed = runs.find((run) => run.code !== 0)?.code ?? 0;
  const metrics = runs.flatMap((run) => run.metrics);
  if (metrics.length === 0) return failed;

  heading(`lambda-lifecycle report  (the ${metrics.length} EMF lines written)`);
  const reported = await runCli(['report'], {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: Readable.from([metrics.join('\n')]),
    cwd: root,
  });
  return failed || reported;
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
