import { writeLine } from '../logging/process-output';
import type { EmfDocument } from './emf-document';
import { serializeEmf } from './emf-serialize';

/**
 * The default metrics sink: writes the document as one line of JSON to
 * stdout. In Lambda that is all EMF needs: the log pipeline finds the
 * document in the function's log stream (after any prefix Lambda adds) and
 * extracts the metrics, with no API call from the function.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * Phase: init, each invoke and shutdown. Throws what serialising throws;
 * the engine logs that and drops the document.
 *
 * @example
 * ```ts
 * createHandler(OrdersHandler, {
 *   metrics: { sink: (doc) => doc.InvocationErrors && writeEmfLine(doc) },
 * });
 * ```
 */
export function writeEmfLine(document: EmfDocument): void {
  // Limitation: EMF lines carry no "level"; under the JSON log format with an application log level of WARN or ERROR, Lambda filters them out as INFO and no lifecycle metrics reach CloudWatch.
  // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
  writeLine('stdout', serializeEmf(document));
}
