import http from 'node:http';
import { LifecycleError } from '../../decorators/lifecycle-error';

// The paths, headers and the register body are those of the Extensions API
// reference: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
const REGISTER_PATH = '/2020-01-01/extension/register';
const NEXT_PATH = '/2020-01-01/extension/event/next';
const NAME_HEADER = 'Lambda-Extension-Name';
const ID_HEADER = 'Lambda-Extension-Identifier';

/** How long a registration may take before it counts as failed, in ms. */
const DEFAULT_REGISTER_TIMEOUT_MS = 2000;

/** Where and under which name an extension registers. */
export interface ExtensionClientOptions {
  /** `host:port` of the API, as in `AWS_LAMBDA_RUNTIME_API`. */
  readonly runtimeApi: string;
  /** The extension's name, sent as `Lambda-Extension-Name`. */
  readonly name: string;
  /** Give up on a registration that takes longer. Default 2000 ms. */
  readonly timeoutMs?: number;
}

/** A registered extension, as the Extensions API identifies it. */
export interface RegisteredExtension {
  /** The `Lambda-Extension-Identifier` the API answered with. */
  readonly identifier: string;
  /**
   * Sends `event/next` and keeps it open without holding the event loop.
   * Resolves once the request is on the wire; an answer (an event) opens
   * the next request, and a failed or refused request ends the polling.
   */
  awaitEvents(): Promise<void>;
}

function endpoint(runtimeApi: string): { hostname: string; port: number } {
  let url: URL;
  try {
    url = new URL(`http://${runtimeApi}`);
  } catch (error) {
    throw new LifecycleError(
      'EXTENSION_REGISTRATION_FAILED',
      `Extensions API: "${runtimeApi}" is not a host:port address.`,
      { cause: error },
    );
  }
  return {
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || 80),
  };
}

/**
 * Registers an internal extension that subscribes to no events. Internal
 * extensions may not subscribe to SHUTDOWN; registering at all is what makes
 * Lambda send SIGTERM to the runtime before it ends the environment.
 *
 * Phase: init; it must finish before the runtime's first `invocation/next`.
 * Rejects with `EXTENSION_REGISTRATION_FAILED` naming the API address and
 * what went wrong (refused connection, status, missing identifier, timeout).
 *
 * @example
 * ```ts
 * const extension = await registerExtension({
 *   runtimeApi: process.env.AWS_LAMBDA_RUNTIME_API!,
 *   name: 'lambda-lifecycle',
 * });
 * await extension.awaitEvents();
 * ```
 */
export function registerExtension(
  options: ExtensionClientOptions,
): Promise<RegisteredExtension> {
  const where = `Extensions API at ${options.runtimeApi}`;
  const body = JSON.stringify({ events: [] });

  // A throw inside the executor (a bad address) becomes the rejection.
  return new Promise((resolve, reject) => {
    const target = endpoint(options.runtimeApi);
    const fail = (what: string, cause?: unknown) =>
      reject(
        new LifecycleError(
          'EXTENSION_REGISTRATION_FAILED',
          `${where}: registering extension "${options.name}" failed: ` +
            `${what}. Shutdown hooks will not run when Lambda ends the ` +
            'environment.',
          { cause },
        ),
      );

    // agent: false gives the request its own connection, closed after the
    // answer, so no pooled socket outlives it.
    const request = http.request(
      {
        ...target,
        agent: false,
        method: 'POST',
        path: REGISTER_PATH,
        headers: {
          [NAME_HEADER]: options.name,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        const identifier = response.headers[ID_HEADER.toLowerCase()];

        if (status < 200 || status >= 300) {
          fail(`the API answered ${status}`);
        } else if (typeof identifier !== 'string' || identifier === '') {
          fail(`the answer has no ${ID_HEADER} header`);
        } else {
          resolve({
            identifier,
            awaitEvents: () => pollEvents(target, identifier),
          });
        }
      },
    );
    request.setTimeout(options.timeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS, () =>
      request.destroy(new Error('no answer in time')),
    );
    request.on('error', (error) => fail(error.message, error));
    request.end(body);
  });
}

/**
 * Keeps one `event/next` request open. With no events subscribed Lambda
 * never answers it; the process is frozen between invocations, so the
 * request needs no timeout, and its socket is unref'd so that it never keeps
 * the process alive on its own.
 */
function pollEvents(
  target: { hostname: string; port: number },
  identifier: string,
): Promise<void> {
  return new Promise((sent) => {
    const request = http.request(
      {
        ...target,
        agent: false,
        method: 'GET',
        path: NEXT_PATH,
        headers: { [ID_HEADER]: identifier },
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          response.on('end', () => void pollEvents(target, identifier));
        }
      },
    );
    request.on('socket', (socket) => socket.unref());
    // The API closes this request when the environment ends; nothing is
    // left to do then.
    request.on('error', () => sent());
    request.on('finish', () => sent());
    request.end();
  });
}

/**
 * Opens the `event/next` request of an extension registered elsewhere (by
 * {@link registerExtensionBlocking}); see {@link RegisteredExtension}.
 *
 * Phase: init. Never rejects: a refused request ends the polling.
 *
 * @example
 * ```ts
 * await listenForEvents(process.env.AWS_LAMBDA_RUNTIME_API!, identifier);
 * ```
 */
export function listenForEvents(
  runtimeApi: string,
  identifier: string,
): Promise<void> {
  return pollEvents(endpoint(runtimeApi), identifier);
}
