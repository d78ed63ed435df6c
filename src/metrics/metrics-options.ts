import { LifecycleError } from '../../decorators/lifecycle-error';
import type { EmfDocument } from './emf-document';
import { writeEmfLine } from './emf-stdout-sink';
import { LIFECYCLE_MEMBERS, LIFECYCLE_METRICS } from './lifecycle-metrics';

/** Receives each EMF document the engine records, one call per document. */
export type MetricsSink = (document: EmfDocument) => void;

/**
 * How an environment records its lifecycle metrics. Everything is optional;
 * `{}` turns metrics on with the defaults.
 */
export interface MetricsOptions {
  /** The CloudWatch namespace. Default `LambdaLifecycle`. */
  readonly namespace?: string;
  /**
   * The dimensions every metric carries, name to value. Default
   * `{ FunctionName: AWS_LAMBDA_FUNCTION_NAME }` (the handler class's name
   * outside Lambda). Given, it replaces the default; `{}` means none.
   */
  readonly dimensions?: Readonly<Record<string, string>>;
  /**
   * Where documents go. Default: each written as one line to stdout, which
   * Lambda's log pipeline turns into CloudWatch metrics.
   */
  readonly sink?: MetricsSink;
  /**
   * Memory (heap used, RSS) is read at INIT, SHUTDOWN, on the first
   * invocation and then every this many invocations: reading RSS costs
   * about 2.5 us. Default 100; 1 reads it on every invocation.
   */
  readonly memorySampleEvery?: number;
}

/** Metrics settings resolved once at INIT. */
export interface MetricsConfig {
  readonly namespace: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly sink: MetricsSink;
  readonly memorySampleEvery: number;
  /** `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, when set. */
  readonly memorySizeMb: number | undefined;
  /**
   * The `level` every document carries, with a `timestamp`, so that
   * Lambda's log-level filter lets it through; undefined when nothing
   * filters INFO lines out.
   */
  readonly level: string | undefined;
}

const DEFAULT_NAMESPACE = 'LambdaLifecycle';
const DEFAULT_MEMORY_SAMPLE_EVERY = 100;
// CloudWatch's limits on names and values.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html
const NAMESPACE = /^[0-9A-Za-z.\-_/#: ]{1,255}$/;
const PRINTABLE = /^[\x20-\x7e]+$/;
const MAX_DIMENSIONS = 30;
// Root members of the engine's documents, which a dimension would overwrite.
const TAKEN = new Set<string>([
  '_aws',
  ...Object.keys(LIFECYCLE_METRICS),
  ...Object.values(LIFECYCLE_MEMBERS),
]);

function invalid(option: string, problem: string): LifecycleError {
  return new LifecycleError(
    'INVALID_OPTION',
    `createHandler: option "metrics.${option}" ${problem}.`,
  );
}

function checkNamespace(namespace: string): string {
  if (
    typeof namespace !== 'string' ||
    !NAMESPACE.test(namespace) ||
    namespace.trim() === '' ||
    namespace.startsWith('AWS/')
  ) {
    throw invalid(
      'namespace',
      `must be 1-255 of A-Z a-z 0-9 . - _ / # : and space, not starting ` +
        `with "AWS/"; got ${JSON.stringify(namespace)}`,
    );
  }
  return namespace;
}

function checkDimensions(
  dimensions: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const entries = Object.entries(dimensions);
  if (entries.length > MAX_DIMENSIONS) {
    throw invalid(
      'dimensions',
      `has ${entries.length}; at most 30 are allowed`,
    );
  }
  for (const [name, value] of entries) {
    if (!PRINTABLE.test(name) || name.length > 255 || name.startsWith(':')) {
      throw invalid(
        'dimensions',
        `names must be 1-255 printable ASCII characters not starting ` +
          `with ":"; got ${JSON.stringify(name)}`,
      );
    }
    if (TAKEN.has(name) || name.includes('Duration.')) {
      throw invalid(
        'dimensions',
        `name ${JSON.stringify(name)} is a member the engine writes ` +
          'itself; choose another name',
      );
    }
    if (
      typeof value !== 'string' ||
      !PRINTABLE.test(value) ||
      value.trim() === '' ||
      value.length > 1024
    ) {
      throw invalid(
        `dimensions.${name}`,
        `must be 1-1024 printable ASCII characters; got ${JSON.stringify(value)}`,
      );
    }
  }
  return { ...dimensions };
}

// Levels above INFO. Under the JSON log format Lambda drops application log
// lines below the configured level, and takes a line without a valid
// "level" (or without an RFC 3339 "timestamp") for INFO.
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
const FILTERING_LEVELS = new Set(['WARN', 'ERROR', 'FATAL']);

/** The level that passes Lambda's filter, when it would drop INFO. */
function filterLevel(env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() !== 'JSON') return undefined;
  const level = env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase();
  return level !== undefined && FILTERING_LEVELS.has(level) ? level : undefined;
}

function memorySize(env: NodeJS.ProcessEnv): number | undefined {
  const size = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return Number.isInteger(size) && size > 0 ? size : undefined;
}

/**
 * Decides, once at INIT, whether the environment records metrics and how.
 * `false` turns them off; options turn them on; without the option they are
 * on inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set, as the local runtime
 * sets it too) and off elsewhere, so unit tests print nothing. Under the
 * JSON log format with an application log level of WARN, ERROR or FATAL,
 * documents carry that `level` and a `timestamp`, which Lambda's log-level
 * filter needs to keep them.
 *
 * Phase: init. Throws `INVALID_OPTION` naming the option for a namespace,
 * dimension or sample interval CloudWatch or the engine cannot take.
 *
 * @example
 * ```ts
 * resolveMetrics({ namespace: 'Orders' }, process.env, 'OrdersHandler');
 * ```
 */
export function resolveMetrics(
  setting: MetricsOptions | false | undefined,
  env: NodeJS.ProcessEnv,
  handlerName: string,
): MetricsConfig | undefined {
  if (setting === false) return undefined;
  if (setting === undefined && !env.AWS_LAMBDA_FUNCTION_NAME) return undefined;

  const options = setting ?? {};
  const every = options.memorySampleEvery ?? DEFAULT_MEMORY_SAMPLE_EVERY;
  if (!Number.isInteger(every) || every < 1) {
    throw invalid(
      'memorySampleEvery',
      `must be a positive integer, got ${String(every)}`,
    );
  }
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME || handlerName;

  return {
    namespace: checkNamespace(options.namespace ?? DEFAULT_NAMESPACE),
    dimensions: checkDimensions(
      options.dimensions ?? { FunctionName: functionName },
    ),
    sink: options.sink ?? writeEmfLine,
    memorySampleEvery: every,
    memorySizeMb: memorySize(env),
    level: filterLevel(env),
  };
}
