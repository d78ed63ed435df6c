import { metricValues } from './emf-document';
import type { MetricUnit } from './metric-unit';
import type { MetricsOptions } from './metrics-options';

/**
 * The part of Powertools for AWS Lambda's `Metrics` the adapter uses; any
 * object with these two methods fits.
 */
export interface PowertoolsMetricsLike {
  addMetric(name: string, unit: MetricUnit, value: number): unknown;
  publishStoredMetrics(): unknown;
}

/**
 * Hands the engine's lifecycle metrics to Powertools Metrics instead of
 * writing EMF itself: for each document, every metric is added with
 * `metrics.addMetric(name, unit, value)` and then published with
 * `publishStoredMetrics()`, so they share your namespace, service and
 * default dimensions. The engine's own namespace, dimensions and
 * non-metric members (request id, phase) are not passed on.
 *
 * Phase: init (created), then each document at INIT, invoke and SHUTDOWN.
 * What Powertools throws (an invalid metric, a full buffer) is logged by the
 * engine and the document dropped; the invocation is not affected.
 *
 * @example
 * ```ts
 * import { Metrics } from '@aws-lambda-powertools/metrics';
 *
 * const metrics = new Metrics({ namespace: 'Orders', serviceName: 'orders' });
 * export const handler = createHandler(OrdersHandler, {
 *   metrics: powertoolsMetrics(metrics),
 * });
 * ```
 */
export function powertoolsMetrics(
  metrics: PowertoolsMetricsLike,
  options: Omit<MetricsOptions, 'sink'> = {},
): MetricsOptions {
  return {
    ...options,
    sink: (document) => {
      for (const { name, unit, value } of metricValues(document)) {
        metrics.addMetric(name, unit, value);
      }
      metrics.publishStoredMetrics();
    },
  };
}
