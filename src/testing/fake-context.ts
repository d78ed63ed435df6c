import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Fields of the fake context to set, plus its timeout. */
export interface FakeContextOptions extends Partial<
  Omit<Context, 'getRemainingTimeInMillis'>
> {
  /** The function timeout the countdown starts from, in ms. Default 3000. */
  readonly timeoutMs?: number;
  /** The clock the countdown reads. Default `Date.now`. */
  readonly now?: () => number;
}

function logStreamName(version: string, at: Date): string {
  const day = at.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${version}]${randomBytes(16).toString('hex')}`;
}

function unsupported(name: string): () => never {
  return () => {
    throw new Error(
      `context.${name}() belongs to callback handlers, which Node.js 24 ` +
        'runtimes no longer support: return or throw from handle() instead.',
    );
  };
}

/**
 * A Lambda `Context` with the fields and formats the Node.js runtime gives:
 * a fresh request id, ARN, log group and stream, and a
 * `getRemainingTimeInMillis()` that counts down from `timeoutMs`.
 *
 * Phase: tests. Its deprecated callback members (`done`, `succeed`,
 * `fail`) throw, as they do nothing useful for async handlers.
 *
 * @example
 * ```ts
 * const context = createFakeContext({ functionName: 'orders', timeoutMs: 100 });
 * ```
 */
export function createFakeContext(options: FakeContextOptions = {}): Context {
  const { timeoutMs = 3000, now = Date.now, ...fields } = options;
  const functionName = fields.functionName ?? 'test-function';
  const functionVersion = fields.functionVersion ?? '$LATEST';
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const deadline = now() + timeoutMs;

  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion,
    invokedFunctionArn: `arn:aws:lambda:${region}:123456789012:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: logStreamName(functionVersion, new Date(now())),
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
    ...fields,
  };
}
