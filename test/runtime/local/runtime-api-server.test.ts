import http from 'node:http';
import type { PendingInvocation } from '../../../src/runtime/local/environment-session';
import { RuntimeApiServer } from '../../../src/runtime/local/runtime-api-server';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Record<string, unknown> | string;
}

/** Resolves once `condition` holds, checking between I/O callbacks. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

const METADATA = {
  functionName: 'orders',
  functionVersion: '$LATEST',
  handler: 'orders.handler',
};

function invocation(requestId: string): PendingInvocation {
  return {
    requestId,
    payload: JSON.stringify({ orderId: 42 }),
    deadlineMs: 1_900_000_000_000,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:orders',
    traceId: 'Root=1-00000000-000000000000000000000000;Sampled=0',
    clientContext: JSON.stringify({ client: { appTitle: 'shop' } }),
    cognitoIdentity: JSON.stringify({ cognitoIdentityId: 'eu-1:abc' }),
  };
}

describe(RuntimeApiServer.name, () => {
  let server: RuntimeApiServer;

  function call(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<Answer> {
    const [host, port] = server.address.split(':');

    return new Promise((resolve, reject) => {
      const request = http.request(
        { host, port, method, path, headers, agent: false },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            let parsed: Answer['body'] = text;
            try {
              parsed = JSON.parse(text) as Record<string, unknown>;
            } catch {
              // Not JSON: the event payload of a test that sends text.
            }
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: parsed,
            });
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  const register = (name: string, events: string[] = []) =>
    call(
      'POST',
      '/2020-01-01/extension/register',
      { 'Lambda-Extension-Name': name },
      JSON.stringify({ events }),
    );
  const extensionNext = (id: string) =>
    call('GET', '/2020-01-01/extension/event/next', {
      'Lambda-Extension-Identifier': id,
    });
  const runtimeNext = () => call('GET', '/2018-06-01/runtime/invocation/next');

  beforeEach(async () => {
    server = await RuntimeApiServer.start();
  });

  afterEach(async () => {
    await server.close();
  });

  it('listens on an ephemeral port of 127.0.0.1', () => {
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  describe('Runtime API', () => {
    it('hands the event to invocation/next with the Lambda headers', async () => {
      const session = server.openSession(METADATA);
      const next = runtimeNext();

      void session.invoke(invocation('req-1'));
      const delivered = await next;

      expect(delivered.status).toBe(200);
      expect(delivered.body).toEqual({ orderId: 42 });
      expect(delivered.headers).toMatchObject({
        'lambda-runtime-aws-request-id': 'req-1',
        'lambda-runtime-deadline-ms': '1900000000000',
        'lambda-runtime-invoked-function-arn':
          'arn:aws:lambda:us-east-1:000000000000:function:orders',
        'lambda-runtime-trace-id':
          'Root=1-00000000-000000000000000000000000;Sampled=0',
        'lambda-runtime-client-context': '{"client":{"appTitle":"shop"}}',
        'lambda-runtime-cognito-identity': '{"cognitoIdentityId":"eu-1:abc"}',
      });
    });

    it('accepts a response with 202 and passes it on', async () => {
      const session = server.openSession(METADATA);
      const next = runtimeNext();
      const answer = session.invoke(invocation('req-1'));
      await next;

      const posted = await call(
        'POST',
        '/2018-06-01/runtime/invocation/req-1/response',
        {},
        '{"ok":true}',
      );

      expect(posted.status).toBe(202);
      await expect(answer).resolves.toEqual({
        kind: 'response',
        body: '{"ok":true}',
      });
    });

    it('accepts an error with 202 as {errorType, errorMessage, trace}', async () => {
      const session = server.openSession(METADATA);
      const next = runtimeNext();
      const answer = session.invoke(invocation('req-1'));
      await next;

      const posted = await call(
        'POST',
        '/2018-06-01/runtime/invocation/req-1/error',
        { 'Lambda-Runtime-Function-Error-Type': 'TypeError' },
        JSON.stringify({
          errorType: 'TypeError',
          errorMessage: 'no items',
          trace: ['TypeError: no items', '    at handler (orders.mjs:3:9)'],
        }),
      );

      expect(posted.status).toBe(202);
      await expect(answer).resolves.toEqual({
        kind: 'error',
        error: {
          errorType: 'TypeError',
          errorMessage: 'no items',
          trace: ['TypeError: no items', '    at handler (orders.mjs:3:9)'],
        },
      });
    });

    it('answers 400 with a JSON error for an unknown request id', async () => {
      server.openSession(METADATA);

      const posted = await call(
        'POST',
        '/2018-06-01/runtime/invocation/nobody/response',
        {},
        '{}',
      );

      expect(posted.status).toBe(400);
      expect(posted.body).toMatchObject({
        errorType: 'InvalidRequestID',
        errorMessage: expect.stringContaining('"nobody"'),
      });
    });

    it('answers 403 to a second answer for the same request id', async () => {
      const session = server.openSession(METADATA);
      const next = runtimeNext();
      void session.invoke(invocation('req-1'));
      await next;
      const path = '/2018-06-01/runtime/invocation/req-1/response';
      await call('POST', path, {}, '1');

      const again = await call('POST', path, {}, '2');

      expect(again.status).toBe(403);
      expect(again.body).toMatchObject({ errorType: 'InvalidStateTransition' });
    });

    it('passes init/error on as the environment failure', async () => {
      const session = server.openSession(METADATA);

      const posted = await call(
        'POST',
        '/2018-06-01/runtime/init/error',
        { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' },
        JSON.stringify({ errorMessage: 'Cannot find module' }),
      );

      expect(posted.status).toBe(202);
      await expect(session.failure).resolves.toEqual({
        errorType: 'Runtime.ImportModuleError',
        errorMessage: 'Cannot find module',
        trace: [],
      });
    });

    it('answers 403 to init/error once the runtime asked for an event', async () => {
      const session = server.openSession(METADATA);
      void runtimeNext().catch(() => undefined);
      await until(() => session.runtimeStarted);

      const posted = await call('POST', '/2018-06-01/runtime/init/error');

      expect(posted.status).toBe(403);
    });
  });

  describe('paths', () => {
    it('answers 404 with a JSON error outside both APIs', async () => {
      server.openSession(METADATA);

      const answer = await call('GET', '/2018-06-01/runtime/nothing');

      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({
        errorType: 'NotFound',
        errorMessage: expect.stringContaining('/2018-06-01/runtime/nothing'),
      });
    });

    it('answers 405 naming the method to use', async () => {
      server.openSession(METADATA);

      const answer = await call('POST', '/2018-06-01/runtime/invocation/next');

      expect(answer.status).toBe(405);
      expect(answer.body).toMatchObject({
        errorMessage: expect.stringContaining('use GET'),
      });
    });
  });

  describe('Extensions API', () => {
    it('registers an extension with an identifier and the function metadata', async () => {
      const session = server.openSession(METADATA);

      const answer = await register('cleanup');

      expect(answer.status).toBe(200);
      expect(answer.headers['lambda-extension-identifier']).toMatch(/\S+/);
      expect(answer.body).toEqual(METADATA);
      expect(session.extensions).toEqual([
        { name: 'cleanup', kind: 'internal', events: [] },
      ]);
    });

    it('refuses registration after the runtime asked for its first event', async () => {
      const session = server.openSession(METADATA);
      void runtimeNext().catch(() => undefined);
      await until(() => session.runtimeStarted);

      const answer = await register('late');

      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({
        errorType: 'Extension.RegistrationClosed',
      });
    });

    it('refuses SHUTDOWN for an internal extension', async () => {
      server.openSession(METADATA);

      const answer = await register('cleanup', ['SHUTDOWN']);

      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({
        errorType: 'Extension.InvalidEventType',
      });
    });

    it('answers 403 to event/next without a known identifier', async () => {
      server.openSession(METADATA);

      const missing = await call('GET', '/2020-01-01/extension/event/next');
      const unknown = await extensionNext('nobody');

      expect(missing.body).toMatchObject({
        errorType: 'Extension.MissingExtensionIdentifier',
      });
      expect(unknown.body).toMatchObject({
        errorType: 'Extension.UnknownExtensionIdentifier',
      });
    });

    it('ends INIT once the runtime and every extension have called next', async () => {
      const session = server.openSession(METADATA);
      const id = String(
        (await register('cleanup')).headers['lambda-extension-identifier'],
      );
      let ready = false;
      void session.ready.then(() => (ready = true));

      void runtimeNext().catch(() => undefined);
      await until(() => session.runtimeStarted);
      const beforeExtension = ready;
      void extensionNext(id).catch(() => undefined);
      await session.ready;

      expect(beforeExtension).toBe(false);
      expect(ready).toBe(true);
    });

    it('delivers INVOKE and ends the invocation when the extension asks again', async () => {
      const session = server.openSession(METADATA, new Set(['telemetry']));
      const registered = await register('telemetry', ['INVOKE', 'SHUTDOWN']);
      const id = String(registered.headers['lambda-extension-identifier']);
      const firstEvent = extensionNext(id);
      const next = runtimeNext();
      await session.ready;
      let settled = false;
      const answer = session.invoke(invocation('req-1'));
      void answer.then(() => (settled = true));

      await next;
      await call(
        'POST',
        '/2018-06-01/runtime/invocation/req-1/response',
        {},
        '{}',
      );
      const invokeEvent = await firstEvent;
      const settledBeforeExtension = settled;
      void extensionNext(id).catch(() => undefined);
      await answer;

      expect(registered.status).toBe(200);
      expect(invokeEvent.body).toMatchObject({
        eventType: 'INVOKE',
        requestId: 'req-1',
        deadlineMs: 1_900_000_000_000,
      });
      expect(settledBeforeExtension).toBe(false);
    });

    it('sends SHUTDOWN with its reason to subscribed extensions', async () => {
      const session = server.openSession(METADATA, new Set(['telemetry']));
      const registered = await register('telemetry', ['SHUTDOWN']);
      const event = extensionNext(
        String(registered.headers['lambda-extension-identifier']),
      );

      session.shutdown('spindown', 1_900_000_000_000);

      await expect(event).resolves.toMatchObject({
        body: {
          eventType: 'SHUTDOWN',
          shutdownReason: 'spindown',
          deadlineMs: 1_900_000_000_000,
        },
      });
    });
  });
});
