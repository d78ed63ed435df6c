/**
 * The units CloudWatch accepts for a metric, as an EMF metric definition's
 * `Unit` must name them.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html
 */
export const METRIC_UNITS = [
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
] as const;

/** One of {@link METRIC_UNITS}. */
export type MetricUnit = (typeof METRIC_UNITS)[number];

/** True when `value` is a unit CloudWatch accepts. */
export function isMetricUnit(value: unknown): value is MetricUnit {
  return METRIC_UNITS.includes(value as MetricUnit);
}
