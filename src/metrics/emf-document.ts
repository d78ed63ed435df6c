import type { MetricUnit } from './metric-unit';

/** One metric a directive names: its value is the root member `Name`. */
export interface MetricDefinition {
  readonly Name: string;
  readonly Unit: MetricUnit;
}

/** Which root members CloudWatch turns into metrics, and how. */
export interface MetricDirective {
  readonly Namespace: string;
  /** Sets of dimension names; each name is a root member holding a string. */
  readonly Dimensions: readonly (readonly string[])[];
  readonly Metrics: readonly MetricDefinition[];
}

/**
 * A CloudWatch embedded metric format document: the `_aws` metadata with a
 * timestamp in ms since the epoch and the metric directives, then the
 * dimension values, the metric values and any other member at the root.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly MetricDirective[];
  };
  readonly [member: string]: unknown;
}

/** One metric of a document, resolved: name, unit and value. */
export interface MetricValue {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly value: number;
}

/**
 * Every metric of `document` with its value, in the order its directives
 * name them. A metric named twice is listed once.
 *
 * Phase: wherever a sink runs. Never throws; a named metric without a
 * numeric root member is left out.
 *
 * @example
 * ```ts
 * for (const { name, unit, value } of metricValues(document)) {
 *   metrics.addMetric(name, unit, value);
 * }
 * ```
 */
export function metricValues(document: EmfDocument): MetricValue[] {
  const values: MetricValue[] = [];
  const seen = new Set<string>();

  for (const directive of document._aws.CloudWatchMetrics) {
    for (const { Name, Unit } of directive.Metrics) {
      const value = document[Name];
      if (seen.has(Name) || typeof value !== 'number') continue;
      seen.add(Name);
      values.push({ name: Name, unit: Unit, value });
    }
  }
  return values;
}
