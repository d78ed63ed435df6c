import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  EnvironmentSession,
  parseErrorBody,
  type FunctionMetadata,
} from './environment-session';
import { readBody, sendError } from './http-io';

type Route = (
  session: EnvironmentSession,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  body: string,
  param: string,
) => void;

const header = (request: http.IncomingMessage, name: string) => {
  const value = request.headers[name.toLowerCase()];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

// Limitation: no Telemetry or Logs API; subscribing to them gets 404.
// Paths and headers of the Runtime API (2018-06-01) and the Extensions API
// (2020-01-01):
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
const ROUTES: ReadonlyArray<readonly [string, RegExp, Route]> = [
  [
    'GET',
    /^\/2018-06-01\/runtime\/invocation\/next$/,
    (session, _request, response) => session.runtimeNext(response),
  ],
  [
    'POST',
    /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/response$/,
    (session, _request, response, body, id) =>
      session.runtimeAnswer(id, { kind: 'response', body }, response),
  ],
  [
    'POST',
    /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/error$/,
    (session, request, response, body, id) => {
      const type = header(request, 'Lambda-Runtime-Function-Error-Type');
      const error = parseErrorBody(body, type);
      session.runtimeAnswer(id, { kind: 'error', error }, response);
    },
  ],
  [
    'POST',
    /^\/2018-06-01\/runtime\/init\/error$/,
    (session, request, response, body) => {
      const type = header(request, 'Lambda-Runtime-Function-Error-Type');
      session.runtimeInitError(parseErrorBody(body, type), response);
    },
  ],
  [
    'POST',
    /^\/2020-01-01\/extension\/register$/,
    (session, request, response, body) =>
      session.registry.register(
        header(request, 'Lambda-Extension-Name'),
        body,
        response,
      ),
  ],
  [
    'GET',
    /^\/2020-01-01\/extension\/event\/next$/,
    (session, request, response) =>
      session.registry.next(
        header(request, 'Lambda-Extension-Identifier'),
        response,
      ),
  ],
  [
    'POST',
    /^\/2020-01-01\/extension\/(init|exit)\/error$/,
    (session, request, response, body, what) => {
      const type = header(request, 'Lambda-Extension-Function-Error-Type');
      session.registry.error(
        header(request, 'Lambda-Extension-Identifier'),
        what as 'init' | 'exit',
        parseErrorBody(body, type),
        response,
      );
    },
  ],
];

/**
 * An HTTP server on 127.0.0.1 that speaks Lambda's Runtime API and
 * Extensions API to the processes of one execution environment at a time.
 * Every request is answered by the current {@link EnvironmentSession}; a new
 * environment (after a crash or a timeout) gets a fresh one. Unknown paths
 * get 404, unknown request ids 400, requests out of turn 403, each with a
 * JSON `{errorType, errorMessage}`.
 *
 * Phase: all of them, serving the runtime and extension processes.
 * `start` rejects when the port cannot be bound.
 *
 * @example
 * ```ts
 * const server = await RuntimeApiServer.start();
 * const session = server.openSession({
 *   functionName: 'orders',
 *   functionVersion: '$LATEST',
 *   handler: 'orders.handler',
 * });
 * // start a runtime with AWS_LAMBDA_RUNTIME_API=server.address, then:
 * await session.ready;
 * await server.close();
 * ```
 */
export class RuntimeApiServer {
  readonly #server: http.Server;
  #session: EnvironmentSession | undefined;

  private constructor() {
    this.#server = http.createServer((request, response) => {
      void this.#handle(request, response);
    });
  }

  /** Starts listening on 127.0.0.1; port 0 picks a free port. */
  static async start(port = 0): Promise<RuntimeApiServer> {
    const api = new RuntimeApiServer();
    await new Promise<void>((resolve, reject) => {
      api.#server.once('error', reject);
      api.#server.listen(port, '127.0.0.1', resolve);
    });
    return api;
  }

  /** `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`. */
  get address(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Ends the current session and answers with a new one from now on. */
  openSession(
    metadata: FunctionMetadata,
    externalNames: ReadonlySet<string> = new Set(),
  ): EnvironmentSession {
    this.#session?.close();
    this.#session = new EnvironmentSession(metadata, externalNames);
    return this.#session;
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    this.#session?.close();
    this.#session = undefined;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const matches = ROUTES.map(
      ([method, pattern, route]) =>
        [method, pattern.exec(path), route] as const,
    ).filter(([, match]) => match !== null);
    const found = matches.find(([method]) => method === request.method);
    const body = await readBody(request);
    const session = this.#session;

    if (found === undefined) {
      const allowed = matches.map(([method]) => method).join(', ');
      return allowed
        ? sendError(
            response,
            405,
            'MethodNotAllowed',
            `${request.method} ${path}: use ${allowed}.`,
          )
        : sendError(
            response,
            404,
            'NotFound',
            `${request.method} ${path}: not a Runtime API or Extensions ` +
              'API path.',
          );
    }
    if (session === undefined) {
      return sendError(
        response,
        503,
        'Runtime.Unavailable',
        `${request.method} ${path}: no execution environment is running.`,
      );
    }
    const [, match, route] = found;
    const param = match?.[1];
    try {
      route(session, request, response, body, decodeURIComponent(param ?? ''));
    } catch (error) {
      sendError(response, 400, 'InvalidRequest', `${path}: ${String(error)}`);
    }
  }
}
