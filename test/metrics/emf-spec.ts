import { METRIC_UNITS } from '../../src';

// The required structure of a CloudWatch embedded metric format document,
// as the specification states it:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html

const MAX_DIMENSIONS_PER_SET = 30;
const MAX_METRICS = 100;
const MAX_VALUES = 100;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function metricValueProblem(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : 'is not a finite number';
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_VALUES) return `has more than ${MAX_VALUES} values`;
    const bad = value.some((v) => typeof v !== 'number' || !isFinite(v));
    return bad ? 'holds something other than numbers' : undefined;
  }
  return value === undefined ? 'is missing' : 'is not a number';
}

function directiveProblems(
  root: Record<string, unknown>,
  directive: unknown,
  at: string,
): string[] {
  if (!isObject(directive)) return [`${at} is not an object`];
  const problems: string[] = [];
  const { Namespace, Dimensions, Metrics } = directive;

  if (typeof Namespace !== 'string' || Namespace.length === 0) {
    problems.push(`${at}.Namespace is not a non-empty string`);
  }
  if (!Array.isArray(Dimensions)) {
    problems.push(`${at}.Dimensions is not an array`);
  } else {
    Dimensions.forEach((set: unknown, i) => {
      if (!Array.isArray(set) || set.some((n) => typeof n !== 'string')) {
        problems.push(`${at}.Dimensions[${i}] is not an array of strings`);
        return;
      }
      if (set.length > MAX_DIMENSIONS_PER_SET) {
        problems.push(`${at}.Dimensions[${i}] has more than 30 names`);
      }
      for (const name of set as string[]) {
        if (typeof root[name] !== 'string') {
          problems.push(`dimension "${name}" is not a string root member`);
        }
      }
    });
  }
  if (!Array.isArray(Metrics) || Metrics.length > MAX_METRICS) {
    problems.push(`${at}.Metrics is not an array of at most 100`);
    return problems;
  }
  Metrics.forEach((metric: unknown, i) => {
    const where = `${at}.Metrics[${i}]`;
    if (!isObject(metric) || typeof metric.Name !== 'string') {
      problems.push(`${where}.Name is not a string`);
      return;
    }
    const { Name, Unit } = metric;
    if (Name.length === 0 || Name.length > 255) {
      problems.push(`${where}.Name is not 1-255 characters`);
    }
    if (Unit !== undefined && !METRIC_UNITS.includes(Unit as never)) {
      problems.push(`${where}.Unit "${String(Unit)}" is not a CloudWatch unit`);
    }
    const valueProblem = metricValueProblem(root[Name]);
    if (valueProblem) problems.push(`metric "${Name}" ${valueProblem}`);
  });
  return problems;
}

/**
 * What makes `document` an invalid EMF document, or an empty list when it
 * is valid: the `_aws` metadata with a millisecond `Timestamp` and its
 * `CloudWatchMetrics` directives, each dimension a string root member and
 * each metric a numeric root member with a CloudWatch unit.
 */
export function emfProblems(document: unknown): string[] {
  if (!isObject(document)) return ['the document is not a JSON object'];
  const aws = document._aws;
  if (!isObject(aws)) return ['_aws is not an object'];

  const problems: string[] = [];
  const { Timestamp, CloudWatchMetrics } = aws;
  if (
    typeof Timestamp !== 'number' ||
    !Number.isInteger(Timestamp) ||
    Timestamp < Date.UTC(2020, 0, 1)
  ) {
    problems.push('_aws.Timestamp is not milliseconds since the epoch');
  }
  if (!Array.isArray(CloudWatchMetrics)) {
    return [...problems, '_aws.CloudWatchMetrics is not an array'];
  }
  CloudWatchMetrics.forEach((directive, i) =>
    problems.push(
      ...directiveProblems(document, directive, `CloudWatchMetrics[${i}]`),
    ),
  );
  return problems;
}
