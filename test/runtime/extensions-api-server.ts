import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** How the server answers `extension/register`. */
export interface RegisterAnswer {
  readonly status: number;
  readonly identifier?: string;
}

/**
 * A real HTTP server on 127.0.0.1 that plays the Lambda Extensions API:
 * it records every request, answers `register` as told and holds every
 * `event/next` open, as Lambda does for an extension with no events.
 */
export class ExtensionsApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly #server: http.Server;
  readonly #waiters: Array<() => void> = [];
  readonly #answer: RegisterAnswer;

  private constructor(answer: RegisterAnswer) {
    this.#answer = answer;
    this.#server = http.createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        this.requests.push({
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          body,
        });
        this.#waiters.splice(0).forEach((wake) => wake());
        if (request.url?.endsWith('/extension/register')) {
          this.#register(response);
        }
      });
    });
  }

  static async start(
    answer: RegisterAnswer = { status: 200, identifier: 'ext-1' },
  ): Promise<ExtensionsApiServer> {
    const server = new ExtensionsApiServer(answer);
    await new Promise<void>((resolve) =>
      server.#server.listen(0, '127.0.0.1', resolve),
    );
    return server;
  }

  /** `host:port`, as Lambda puts it in `AWS_LAMBDA_RUNTIME_API`. */
  get address(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Resolves once a request to a path ending in `suffix` has arrived. */
  async received(suffix: string): Promise<RecordedRequest> {
    for (;;) {
      const found = this.requests.find((r) => r.path.endsWith(suffix));
      if (found) return found;
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
  }

  /** Closes the server and every held request. */
  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #register(response: http.ServerResponse): void {
    const { status, identifier } = this.#answer;
    if (identifier !== undefined) {
      response.setHeader('Lambda-Extension-Identifier', identifier);
    }
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ functionName: 'orders' }));
  }
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
