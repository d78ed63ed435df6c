import { spawn } from 'node:child_process';
import path from 'node:path';
import { LifecycleError } from '../../src';
import { registerExtension } from '../../src/runtime/extension-client';
import { ExtensionsApiServer, freePort } from './extensions-api-server';

const ROOT = path.resolve(__dirname, '../..');

describe(registerExtension.name, () => {
  let api: ExtensionsApiServer | undefined;

  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  it('posts the name and an empty event list to the register path', async () => {
    api = await ExtensionsApiServer.start({ status: 200, identifier: 'id-7' });

    const extension = await registerExtension({
      runtimeApi: api.address,
      name: 'lambda-lifecycle',
    });

    const register = await api.received('/extension/register');
    expect(register.method).toBe('POST');
    expect(register.path).toBe('/2020-01-01/extension/register');
    expect(register.headers['lambda-extension-name']).toBe('lambda-lifecycle');
    expect(JSON.parse(register.body)).toEqual({ events: [] });
    expect(extension.identifier).toBe('id-7');
  });

  it('asks for the next event with the identifier it was given', async () => {
    api = await ExtensionsApiServer.start({ status: 200, identifier: 'id-8' });
    const extension = await registerExtension({
      runtimeApi: api.address,
      name: 'lambda-lifecycle',
    });

    await extension.awaitEvents();

    const next = await api.received('/extension/event/next');
    expect(next.method).toBe('GET');
    expect(next.path).toBe('/2020-01-01/extension/event/next');
    expect(next.headers['lambda-extension-identifier']).toBe('id-8');
  });

  it('rejects with the address and status when the API refuses', async () => {
    api = await ExtensionsApiServer.start({ status: 403 });

    const error = await registerExtension({
      runtimeApi: api.address,
      name: 'lambda-lifecycle',
    }).catch((e: unknown) => e);

    expect(LifecycleError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'EXTENSION_REGISTRATION_FAILED' });
    expect((error as Error).message).toContain(
      `Extensions API at ${api.address}`,
    );
    expect((error as Error).message).toContain('answered 403');
  });

  it('rejects when the answer carries no identifier', async () => {
    api = await ExtensionsApiServer.start({ status: 200 });

    const pending = registerExtension({
      runtimeApi: api.address,
      name: 'lambda-lifecycle',
    });

    await expect(pending).rejects.toThrow(
      'the answer has no Lambda-Extension-Identifier header',
    );
  });

  it('rejects when nothing listens at the address', async () => {
    const closed = await freePort();

    const pending = registerExtension({
      runtimeApi: `127.0.0.1:${closed}`,
      name: 'lambda-lifecycle',
    });

    await expect(pending).rejects.toMatchObject({
      code: 'EXTENSION_REGISTRATION_FAILED',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('rejects an address that is not host:port', async () => {
    const pending = registerExtension({
      runtimeApi: 'not a host',
      name: 'lambda-lifecycle',
    });

    await expect(pending).rejects.toThrow('"not a host" is not a host:port');
  });

  it('leaves the process free to exit while event/next stays open', async () => {
    api = await ExtensionsApiServer.start({ status: 200, identifier: 'id-9' });
    const script = [
      "const { registerExtension } = require('./dist/src/runtime/extension-client');",
      'registerExtension({ runtimeApi: process.argv[1], name: "probe" })',
      '  .then((extension) => extension.awaitEvents())',
      '  .then(() => process.stdout.write("polling\\n"));',
    ].join('\n');

    const child = spawn(process.execPath, ['-e', script, api.address], {
      cwd: ROOT,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((done) => child.on('exit', done));
    const next = await api.received('/extension/event/next');

    expect(output).toBe('polling\n');
    expect(code).toBe(0);
    expect(next.headers['lambda-extension-identifier']).toBe('id-9');
  });
});
