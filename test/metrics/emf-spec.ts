// A checker of CloudWatch embedded metric format documents, written from
// the specification alone and sharing nothing with the implementation it
// checks (not even the list of units):
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
//
// What it enforces, as the specification states it:
// - the document is a JSON object whose root members all hold JSON values;
// - `_aws` is an object with exactly `Timestamp` (integer milliseconds since
//   the epoch) and `CloudWatchMetrics` (an array of metric directives);
// - a directive has exactly `Namespace` (a string of 1-255 characters),
//   `Dimensions` (an array of dimension sets) and `Metrics` (at most 100
//   metric definitions);
// - a dimension set is an array of at most 30 names (CloudWatch's limit on
//   dimensions per metric), each a root member holding a string;
// - a metric definition has `Name` (1-255 characters, a metric named once
//   per directive) and optionally `Unit` (one of the units below) and
//   `StorageResolution` (1 or 60), nothing else;
// - each named metric is a root member holding a number or an array of at
//   most 100 numbers;
// - the document, as JSON, fits in one CloudWatch Logs event (256 KB, the
//   lower of the limits the specification has stated).

/** The units the specification lists for `Unit` (its JSON schema's). */
const SPEC_UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

const METADATA_MEMBERS = new Set(['Timestamp', 'CloudWatchMetrics']);
const DIRECTIVE_MEMBERS = new Set(['Namespace', 'Dimensions', 'Metrics']);
const DEFINITION_MEMBERS = new Set(['Name', 'Unit', 'StorageResolution']);
const STORAGE_RESOLUTIONS = new Set([1, 60]);
const MAX_DIMENSIONS_PER_SET = 30;
const MAX_METRICS = 100;
const MAX_VALUES = 100;
const MAX_NAME = 255;
const MAX_EVENT_BYTES = 256 * 1024;
// Milliseconds, not seconds: a timestamp before 2001 is taken for seconds.
const EARLIEST_MS = Date.UTC(2001, 0, 1);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isName = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= MAX_NAME;

function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === 'string') return true;
  if (typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) {
    return value.every((item) => isJsonValue(item, depth + 1));
  }
  if (isObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every((item) => isJsonValue(item, depth + 1));
  }
  return false;
}

/** Its size as JSON; 0 when JSON cannot hold it (reported apart). */
function jsonBytes(document: Json): number {
  try {
    return Buffer.byteLength(JSON.stringify(document));
  } catch {
    return 0;
  }
}

function extraMembers(
  value: Json,
  allowed: ReadonlySet<string>,
  at: string,
): string[] {
  return Object.keys(value)
    .filter((name) => !allowed.has(name))
    .map((name) => `${at} has a member "${name}" the specification has not`);
}

function metricValueProblem(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : 'is not a finite number';
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_VALUES) return `has more than ${MAX_VALUES} values`;
    const numbers = value.every(
      (item) => typeof item === 'number' && Number.isFinite(item),
    );
    return numbers ? undefined : 'holds something other than numbers';
  }
  return value === undefined ? 'is missing' : 'is not a number';
}

function dimensionProblems(root: Json, dimensions: unknown, at: string) {
  if (!Array.isArray(dimensions)) return [`${at} is not an array`];
  const problems: string[] = [];

  dimensions.forEach((set: unknown, i) => {
    const where = `${at}[${i}]`;
    if (!Array.isArray(set) || !set.every(isName)) {
      problems.push(`${where} is not an array of names`);
      return;
    }
    if (set.length > MAX_DIMENSIONS_PER_SET) {
      problems.push(`${where} has more than ${MAX_DIMENSIONS_PER_SET} names`);
    }
    for (const name of set) {
      if (typeof root[name] !== 'string') {
        problems.push(`dimension "${name}" is not a string root member`);
      }
    }
  });
  return problems;
}

function definitionProblems(
  root: Json,
  metric: unknown,
  at: string,
  named: Set<string>,
): string[] {
  if (!isObject(metric)) return [`${at} is not an object`];
  const problems = extraMembers(metric, DEFINITION_MEMBERS, at);
  const { Name, Unit, StorageResolution } = metric;

  if (!isName(Name)) return [...problems, `${at}.Name is not 1-255 characters`];
  if (named.has(Name)) problems.push(`metric "${Name}" is named twice`);
  named.add(Name);
  if (Unit !== undefined && !SPEC_UNITS.has(Unit as string)) {
    problems.push(`${at}.Unit "${String(Unit)}" is not a CloudWatch unit`);
  }
  if (
    StorageResolution !== undefined &&
    !STORAGE_RESOLUTIONS.has(StorageResolution as number)
  ) {
    problems.push(`${at}.StorageResolution is neither 1 nor 60`);
  }
  const valueProblem = metricValueProblem(root[Name]);
  if (valueProblem) problems.push(`metric "${Name}" ${valueProblem}`);
  return problems;
}

function directiveProblems(
  root: Json,
  directive: unknown,
  at: string,
): string[] {
  if (!isObject(directive)) return [`${at} is not an object`];
  const problems = extraMembers(directive, DIRECTIVE_MEMBERS, at);
  const { Namespace, Dimensions, Metrics } = directive;

  if (!isName(Namespace)) {
    problems.push(`${at}.Namespace is not a string of 1-255 characters`);
  }
  problems.push(...dimensionProblems(root, Dimensions, `${at}.Dimensions`));
  if (!Array.isArray(Metrics) || Metrics.length > MAX_METRICS) {
    problems.push(`${at}.Metrics is not an array of at most ${MAX_METRICS}`);
    return problems;
  }
  const named = new Set<string>();
  Metrics.forEach((metric: unknown, i) =>
    problems.push(
      ...definitionProblems(root, metric, `${at}.Metrics[${i}]`, named),
    ),
  );
  return problems;
}

function metadataProblems(aws: Json): string[] {
  const problems = extraMembers(aws, METADATA_MEMBERS, '_aws');
  const { Timestamp } = aws;

  if (
    typeof Timestamp !== 'number' ||
    !Number.isInteger(Timestamp) ||
    Timestamp < EARLIEST_MS
  ) {
    problems.push('_aws.Timestamp is not milliseconds since the epoch');
  }
  return problems;
}

/**
 * What makes `document` an invalid EMF document, or an empty list when it
 * is valid under the rules listed at the top of this file. Pass a parsed
 * line or the object a sink receives.
 */
export function emfProblems(document: unknown): string[] {
  if (!isObject(document)) return ['the document is not a JSON object'];
  const aws = document._aws;
  if (!isObject(aws)) return ['_aws is not an object'];

  const problems = metadataProblems(aws);
  for (const [name, value] of Object.entries(document)) {
    if (name !== '_aws' && !isJsonValue(value)) {
      problems.push(`root member "${name}" is not a JSON value`);
    }
  }
  const bytes = jsonBytes(document);
  if (bytes > MAX_EVENT_BYTES) {
    problems.push(`the document is ${bytes} bytes, above 256 KB`);
  }

  const { CloudWatchMetrics } = aws;
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
