import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Handler,
  createHandler,
  type LambdaHandler,
  type LogFields,
  type Logger,
} from '../../src';
import { subscribeToShutdown } from '../../src/runtime/extension-shutdown';
import { ExtensionsApiServer, freePort } from './extensions-api-server';

const FIXTURE = path.join(__dirname, 'fixtures', 'sigterm-handlers.cjs');
const children: ChildProcess[] = [];

@Handler()
class Orders {
  handle(): string {
    return 'ok';
  }
}

function recordingLogger(): Logger & { entries: [string, LogFields?][] } {
  const entries: [string, LogFields?][] = [];
  const record = (message: string, fields?: LogFields) => {
    entries.push([message, fields]);
  };
  return {
    entries,
    debug: () => undefined,
    info: record,
    warn: record,
    error: record,
  };
}

describe(subscribeToShutdown.name, () => {
  let api: ExtensionsApiServer | undefined;
  const handlers: LambdaHandler<unknown, unknown>[] = [];

  afterEach(async () => {
    // A child that failed to end must not outlive its test.
    children.splice(0).forEach((child) => child.kill('SIGKILL'));
    // A handler shut down by hand no longer listens for SIGTERM.
    await Promise.all(handlers.splice(0).map((handler) => handler.shutdown()));
    await api?.stop();
    api = undefined;
  });

  function create(env: NodeJS.ProcessEnv, options = {}) {
    const logger = recordingLogger();
    const handler = createHandler(Orders, { env, logger, ...options });
    handlers.push(handler);
    return { handler, logger };
  }

  describe('when AWS_LAMBDA_RUNTIME_API is set', () => {
    it('has registered when ready resolves, then asks for the next event', async () => {
      api = await ExtensionsApiServer.start({ status: 200, identifier: 'e1' });

      const { handler } = create({ AWS_LAMBDA_RUNTIME_API: api.address });
      await handler.ready;
      const registered = api.requests.map((r) => r.path);
      const next = await api.received('/extension/event/next');

      expect(registered[0]).toBe('/2020-01-01/extension/register');
      expect(api.requests[0].headers['lambda-extension-name']).toBe(
        'lambda-lifecycle',
      );
      expect(next.headers['lambda-extension-identifier']).toBe('e1');
    });

    it('registers once and listens once for several handlers', async () => {
      api = await ExtensionsApiServer.start();
      const before = process.listenerCount('SIGTERM');

      const env = { AWS_LAMBDA_RUNTIME_API: api.address };
      await Promise.all([create(env).handler.ready, create(env).handler.ready]);

      const registers = api.requests.filter((r) => r.method === 'POST');
      expect(registers).toHaveLength(1);
      expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    });

    it('stops listening for SIGTERM once every handler shut down', async () => {
      api = await ExtensionsApiServer.start();
      const before = process.listenerCount('SIGTERM');
      const { handler } = create({ AWS_LAMBDA_RUNTIME_API: api.address });
      await handler.ready;

      await handler.shutdown();

      expect(process.listenerCount('SIGTERM')).toBe(before);
    });

    it('logs a refused registration once and still resolves ready', async () => {
      api = await ExtensionsApiServer.start({ status: 403 });
      const env = { AWS_LAMBDA_RUNTIME_API: api.address };
      const first = create(env);
      const second = create(env);

      await Promise.all([first.handler.ready, second.handler.ready]);

      const logged = [...first.logger.entries, ...second.logger.entries];
      expect(logged).toHaveLength(1);
      expect(logged[0][0]).toContain('Extension registration failed');
      expect(logged[0][1]).toMatchObject({
        extensionName: 'lambda-lifecycle',
        runtimeApi: api.address,
        errorMessage: expect.stringContaining('answered 403'),
      });
      expect(first.handler.environment.phase).toBe('READY');
    });

    it('logs an unreachable API and still resolves ready', async () => {
      const runtimeApi = `127.0.0.1:${await freePort()}`;

      const { handler, logger } = create({
        AWS_LAMBDA_RUNTIME_API: runtimeApi,
      });
      await handler.ready;

      expect(logger.entries).toHaveLength(1);
      expect(logger.entries[0][1]).toMatchObject({
        runtimeApi,
        errorMessage: expect.stringContaining('ECONNREFUSED'),
      });
    });

    it("refuses the former 'blocking' value and says what to import", () => {
      expect(() =>
        createHandler(Orders, {
          env: {},
          shutdownSignal: 'blocking' as never,
        }),
      ).toThrow(
        expect.objectContaining({
          code: 'INVALID_OPTION',
          message: expect.stringContaining(
            "import { registerExtensionBlocking } from 'lambda-lifecycle/blocking-registration'",
          ),
        }),
      );
    });

    it('registers nothing when shutdownSignal is false', async () => {
      api = await ExtensionsApiServer.start();
      const before = process.listenerCount('SIGTERM');

      const { handler } = create(
        { AWS_LAMBDA_RUNTIME_API: api.address },
        { shutdownSignal: false },
      );
      await handler.ready;

      expect(api.requests).toEqual([]);
      expect(process.listenerCount('SIGTERM')).toBe(before);
    });
  });

  describe('when AWS_LAMBDA_RUNTIME_API is not set', () => {
    it('registers nothing, listens for nothing and logs nothing', async () => {
      const before = process.listenerCount('SIGTERM');

      const { handler, logger } = create({});
      await handler.ready;

      expect(process.listenerCount('SIGTERM')).toBe(before);
      expect(logger.entries).toEqual([]);
    });
  });

  describe('when Lambda sends SIGTERM', () => {
    it('runs every handler’s shutdown hooks, then ends the process', async () => {
      api = await ExtensionsApiServer.start();
      const child = await startFixture(api.address);

      const ended = child.exit();
      child.kill('SIGTERM');
      const { code, signal } = await ended;

      expect(child.output).toMatch(/^ready 1\n/);
      expect(child.output).toContain('closed Orders\n');
      expect(child.output).toContain('closed Payments\n');
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
      expect(child.errors).toBe('');
    });

    it('ends the process while a worker thread is blocked, as under the native runtime client', async () => {
      api = await ExtensionsApiServer.start();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sigterm-'));
      const fifo = path.join(dir, 'next');
      execFileSync('mkfifo', [fifo]);
      const child = await startFixture(api.address, [], {
        BLOCKING_FIFO: fifo,
      });

      const ended = child.exit();
      child.kill('SIGTERM');
      const { signal } = await ended;
      rmSync(dir, { recursive: true, force: true });

      expect(child.output).toContain('closed Payments\n');
      expect(signal).toBe('SIGTERM');
    });

    it('ends the process when a hook outlives the budget', async () => {
      api = await ExtensionsApiServer.start();
      const child = await startFixture(api.address, ['stuck']);

      const ended = child.exit();
      child.kill('SIGTERM');
      const { signal } = await ended;

      expect(signal).toBe('SIGTERM');
      expect(child.errors).toContain('@OnShutdown on Stuck.close');
      expect(child.errors).toContain('ran out of time');
    });

    it('exits with 0 when the process has another SIGTERM listener', async () => {
      api = await ExtensionsApiServer.start();
      const child = await startFixture(api.address, [], {
        OWN_SIGTERM_LISTENER: '1',
      });

      const ended = child.exit();
      child.kill('SIGTERM');
      const { code, signal } = await ended;

      expect(child.output).toContain('own listener\n');
      expect(child.output).toContain('closed Payments\n');
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    });
  });
});

interface Fixture {
  readonly output: string;
  readonly errors: string;
  exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs the fixture against `runtimeApi` and resolves once it is ready. */
async function startFixture(
  runtimeApi: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<Fixture> {
  const child = spawn(process.execPath, [FIXTURE, ...args], {
    env: { ...process.env, ...env, AWS_LAMBDA_RUNTIME_API: runtimeApi },
  });
  children.push(child);
  const fixture = {
    output: '',
    errors: '',
    exit: () =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
        (done) => child.on('exit', (code, signal) => done({ code, signal })),
      ),
    kill: (signal: NodeJS.Signals) => child.kill(signal),
  };
  child.stderr.on('data', (chunk: Buffer) => (fixture.errors += chunk));
  await new Promise<void>((ready, failed) => {
    child.stdout.on('data', (chunk: Buffer) => {
      fixture.output += chunk;
      if (fixture.output.startsWith('ready')) ready();
    });
    child.on('exit', () => failed(new Error(fixture.errors)));
  });
  return fixture;
}
