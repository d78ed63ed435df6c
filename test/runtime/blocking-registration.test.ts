import { execFile } from 'node:child_process';
import path from 'node:path';
import { registerExtensionBlocking } from '../../src/runtime/blocking-registration';
import { ExtensionsApiServer, freePort } from './extensions-api-server';

const COMPILED = path.resolve(
  __dirname,
  '../../dist/src/runtime/blocking-registration.js',
);

interface Outcome {
  readonly identifier?: string;
  readonly code?: string;
  readonly message?: string;
  /** Whether a timer set before the call had fired when it returned. */
  readonly timerFiredBefore: boolean;
}

// The call blocks its thread until the API answers, so it runs in a child
// process: blocking this one would also block the server under test.
function registerInChild(runtimeApi: string): Promise<Outcome> {
  const script = `
    const { registerExtensionBlocking } = require(${JSON.stringify(COMPILED)});
    let fired = false;
    setImmediate(() => { fired = true; });
    let outcome;
    try {
      const identifier = registerExtensionBlocking({
        runtimeApi: ${JSON.stringify(runtimeApi)},
        name: 'lambda-lifecycle',
        timeoutMs: 1000,
      });
      outcome = { identifier };
    } catch (error) {
      outcome = { code: error.code, message: error.message };
    }
    process.stdout.write(JSON.stringify({ ...outcome, timerFiredBefore: fired }));
  `;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as Outcome),
    );
  });
}

describe(registerExtensionBlocking.name, () => {
  let api: ExtensionsApiServer | undefined;

  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  it('returns the identifier before the caller\u2019s event loop turns', async () => {
    api = await ExtensionsApiServer.start({ status: 200, identifier: 'id-42' });

    const outcome = await registerInChild(api.address);

    expect(outcome).toEqual({ identifier: 'id-42', timerFiredBefore: false });
  });

  it('sends the register request an internal extension sends', async () => {
    api = await ExtensionsApiServer.start({ status: 200, identifier: 'id-43' });

    await registerInChild(api.address);

    const register = await api.received('/extension/register');
    expect(register.method).toBe('POST');
    expect(register.path).toBe('/2020-01-01/extension/register');
    expect(register.headers['lambda-extension-name']).toBe('lambda-lifecycle');
    expect(JSON.parse(register.body)).toEqual({ events: [] });
  });

  it('throws with the address and status when the API refuses', async () => {
    api = await ExtensionsApiServer.start({ status: 403 });

    const outcome = await registerInChild(api.address);

    expect(outcome.code).toBe('EXTENSION_REGISTRATION_FAILED');
    expect(outcome.message).toContain(`Extensions API at ${api.address}`);
    expect(outcome.message).toContain('answered 403');
  });

  it('throws when the answer carries no identifier', async () => {
    api = await ExtensionsApiServer.start({ status: 200 });

    const outcome = await registerInChild(api.address);

    expect(outcome.code).toBe('EXTENSION_REGISTRATION_FAILED');
    expect(outcome.message).toContain('no Lambda-Extension-Identifier');
  });

  it('throws when nothing listens at the address', async () => {
    const port = await freePort();

    const outcome = await registerInChild(`127.0.0.1:${port}`);

    expect(outcome.code).toBe('EXTENSION_REGISTRATION_FAILED');
    expect(outcome.message).toContain('no answer');
  });
});
