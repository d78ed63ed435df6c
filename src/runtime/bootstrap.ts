/**
 * A minimal Lambda runtime client for Node.js, dependency-free, for running
 * handlers locally against a Runtime API (see `src/runtime/local/`).
 *
 * Phase: init and each invoke, in the runtime process. It loads `_HANDLER`
 * (`file.export`) from `LAMBDA_TASK_ROOT`, trying `.js`, `.mjs` and `.cjs`
 * as the Node.js runtime does; when loading throws or rejects it posts
 * `init/error` and exits with status 1. Then it loops: `invocation/next`,
 * call the handler, post its `response` or `error`.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
 *
 * @example
 * ```sh
 * AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001 _HANDLER=orders.handler \
 *   LAMBDA_TASK_ROOT=$PWD/entries node dist/src/runtime/bootstrap.js
 * ```
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface ErrorBody {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

type Handler = (event: unknown, context: object, callback?: never) => unknown;

class RuntimeError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const API = '/2018-06-01/runtime';

// The runtime loop's own keep-alive connection: it never shares a socket
// with requests user code makes on the global agent, such as an internal
// extension's long-held event/next.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

// TypeScript compiles import() to require() for CommonJS output, and
// require() cannot load an ES module that awaits at top level.
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<Record<string, unknown>>;

function call(
  method: 'GET' | 'POST',
  route: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ headers: http.IncomingHttpHeaders; body: string }> {
  const api = process.env.AWS_LAMBDA_RUNTIME_API ?? '';
  const colon = api.lastIndexOf(':');

  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        method,
        host: api.slice(0, colon),
        port: Number(api.slice(colon + 1)),
        path: `${API}${route}`,
        headers: { ...headers, 'Content-Type': 'application/json' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(new Error(`${method} ${route}: ${status} ${text}`));
          } else {
            resolve({ headers: response.headers, body: text });
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function errorBody(error: unknown): ErrorBody {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return {
    errorType: typeof error,
    errorMessage: String(error),
    trace: [],
  };
}

async function loadHandler(taskRoot: string, name: string): Promise<Handler> {
  const slash = name.lastIndexOf('/') + 1;
  const [file, ...exportPath] = name.slice(slash).split('.');
  const modulePath = path.resolve(taskRoot, name.slice(0, slash) + file);
  if (!file || exportPath.length === 0 || exportPath.includes('')) {
    throw new RuntimeError(
      'Runtime.MalformedHandlerName',
      `_HANDLER "${name}" is not of the form file.export.`,
    );
  }

  const found = ['.js', '.mjs', '.cjs']
    .map((extension) => modulePath + extension)
    .find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new RuntimeError(
      'Runtime.ImportModuleError',
      `Cannot find module '${file}' in ${taskRoot} (tried .js, .mjs, .cjs).`,
    );
  }

  const namespace = await importModule(pathToFileURL(found).href);
  const walk = (root: unknown) =>
    exportPath.reduce<unknown>(
      (value, key) => (value as Record<string, unknown> | undefined)?.[key],
      root,
    );
  const handler = walk(namespace) ?? walk(namespace.default);
  if (typeof handler !== 'function') {
    throw new RuntimeError(
      'Runtime.HandlerNotFound',
      `${name} is undefined or not exported by ${found}.`,
    );
  }
  return handler as Handler;
}

// Limitation: no deprecated context.done, succeed or fail; calling them throws TypeError.
function contextFor(headers: http.IncomingHttpHeaders): object {
  const env = process.env;
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const json = (name: string) => {
    const value = headers[name];
    return typeof value === 'string'
      ? (JSON.parse(value) as unknown)
      : undefined;
  };

  return {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: json('lambda-runtime-client-context'),
    identity: json('lambda-runtime-cognito-identity'),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** Calls the handler; a three-parameter handler answers through a callback. */
function run(handler: Handler, event: unknown, context: object) {
  if (handler.length < 3) return Promise.resolve(handler(event, context));

  return new Promise((resolve, reject) => {
    const callback = (error: unknown, result: unknown) =>
      error ? reject(error) : resolve(result);
    Promise.resolve(handler(event, context, callback as never)).catch(reject);
  });
}

async function invokeOnce(handler: Handler): Promise<void> {
  const next = await call('GET', '/invocation/next');
  const id = String(next.headers['lambda-runtime-aws-request-id']);
  const trace = next.headers['lambda-runtime-trace-id'];
  if (typeof trace === 'string') process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;

  let answer: { kind: 'response' | 'error'; body: string; type?: string };
  try {
    const event = JSON.parse(next.body) as unknown;
    const result = await run(handler, event, contextFor(next.headers));
    answer = { kind: 'response', body: JSON.stringify(result ?? null) };
  } catch (error) {
    const body = errorBody(error);
    process.stderr.write(`${id} ERROR Invoke Error ${JSON.stringify(body)}\n`);
    answer = {
      kind: 'error',
      body: JSON.stringify(body),
      type: body.errorType,
    };
  }

  await call(
    'POST',
    `/invocation/${encodeURIComponent(id)}/${answer.kind}`,
    answer.body,
    answer.type ? { 'Lambda-Runtime-Function-Error-Type': answer.type } : {},
  );
}

async function main(): Promise<void> {
  let handler: Handler;
  try {
    handler = await loadHandler(
      process.env.LAMBDA_TASK_ROOT ?? process.cwd(),
      process.env._HANDLER ?? '',
    );
  } catch (error) {
    const body = errorBody(error);
    process.stderr.write(`INIT ERROR ${JSON.stringify(body)}\n`);
    await call('POST', '/init/error', JSON.stringify(body), {
      'Lambda-Runtime-Function-Error-Type': body.errorType,
    });
    process.exit(1);
  }

  for (;;) await invokeOnce(handler);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Runtime API failed: ${String(error)}\n`);
    process.exit(1);
  });
}
