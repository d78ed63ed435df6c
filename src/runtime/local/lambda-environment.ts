import { randomBytes } from 'node:crypto';

/** What Lambda tells an execution environment about its function. */
export interface FunctionSettings {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly region: string;
  /** `file.export`, the value of `_HANDLER`. */
  readonly handler: string;
  /** The directory the handler is loaded from. */
  readonly taskRoot: string;
  /** `host:port` of the Runtime API. */
  readonly runtimeApi: string;
  readonly initializationType: string;
  /** `AWS_EXECUTION_ENV`, when the runtime's Node.js version is known. */
  readonly executionEnv?: string;
  /** Variables the function is configured with (none of the reserved). */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The variables Lambda sets and a function may not: the ones the local
 * runtime sets itself. Credentials are reserved in Lambda too, but a local
 * run has no execution role, so they may be given.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export const RESERVED_VARIABLES: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_LAMBDA_RUNTIME_API',
  'AWS_REGION',
  'LAMBDA_RUNTIME_DIR',
  'LAMBDA_TASK_ROOT',
]);

/** The only version a local function has. */
export const FUNCTION_VERSION = '$LATEST';

// A placeholder account: local functions belong to no AWS account.
const ACCOUNT_ID = '000000000000';

/** The function's ARN, as `Lambda-Runtime-Invoked-Function-Arn` gives it. */
export function functionArn(region: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${functionName}`;
}

/** A log stream name in Lambda's format: `2024/01/31/[$LATEST]<hex>`. */
export function logStreamName(at = new Date()): string {
  const day = at.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${FUNCTION_VERSION}]${randomBytes(16).toString('hex')}`;
}

/** An X-Ray trace header for one invocation, not sampled. */
export function traceHeader(now = Date.now()): string {
  const epoch = Math.floor(now / 1000).toString(16);
  const root = `1-${epoch}-${randomBytes(12).toString('hex')}`;
  return `Root=${root};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

/**
 * The environment variables of one execution environment: the reserved
 * ones Lambda sets, PATH and LANG, and the function's own. Nothing else of
 * the calling process leaks in, so `NODE_PATH` and `NODE_OPTIONS` stay
 * unset unless the function sets them.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export function lambdaEnvironment(
  settings: FunctionSettings,
): Record<string, string> {
  const { functionName, region } = settings;

  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: settings.handler,
    LAMBDA_TASK_ROOT: settings.taskRoot,
    ...(settings.executionEnv
      ? { AWS_EXECUTION_ENV: settings.executionEnv }
      : {}),
    AWS_LAMBDA_RUNTIME_API: settings.runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
    AWS_LAMBDA_INITIALIZATION_TYPE: settings.initializationType,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    ...settings.env,
  };
}
