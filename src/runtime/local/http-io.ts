import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads a request's whole body as UTF-8 text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Answers with a JSON body. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);

  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Answers with Lambda's error body, `{errorType, errorMessage}`. */
export function sendError(
  response: ServerResponse,
  status: number,
  errorType: string,
  errorMessage: string,
): void {
  sendJson(response, status, { errorType, errorMessage });
}

/** Answers 202 Accepted, as Lambda does for every posted result. */
export function sendAccepted(response: ServerResponse): void {
  sendJson(response, 202, { status: 'OK' });
}

/** Parses JSON, or gives `undefined` when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
