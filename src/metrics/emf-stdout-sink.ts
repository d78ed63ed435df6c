import { writeStdoutNow } from '../logging/process-output';
import type { EmfDocument } from './emf-document';
import { serializeEmf } from './emf-serialize';

/**
 * The default metrics sink: writes the document as one line of JSON to
 * stdout, before it returns (see `writeStdoutNow`). In Lambda that is all
 * EMF needs: the log pipeline finds the document in the function's log
 * stream (after any prefix Lambda adds) and extracts the metrics, with no
 * API call from the function. The engine recognises this sink at INIT and
 * writes each invocation's document from a template instead of building
 * and serialising an object.
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
  writeStdoutNow(`${serializeEmf(document)}\n`);
}

/**
 * Writes the first `length` bytes of `line`, a line the engine serialised
 * already (its newline included), as {@link writeEmfLine} writes a
 * document: the default sink's path for each invocation's document, which
 * a template encodes.
 *
 * Phase: each invoke. Never throws. `line` may be reused once it returns.
 *
 * @example
 * ```ts
 * const { bytes, length } = template.encode(document);
 * writeEmfBytes(bytes, length);
 * ```
 */
export function writeEmfBytes(line: Uint8Array, length: number): void {
  writeStdoutNow(line, length);
}
