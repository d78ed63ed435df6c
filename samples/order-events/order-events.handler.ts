import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { container, inject } from 'tsyringe';
import { Handler, LOGGER, type Logger } from 'lambda-lifecycle';
import { CACHE_SETTINGS, Cache, cacheSettings } from './cache';
import { InvalidMessageError, parseOrderEvent } from './order-event';

// The cache settings are read here, once, while Lambda loads this module
// (INIT), and registered on tsyringe's root container; the test bed's
// providers take precedence.
container.register(CACHE_SETTINGS, { useValue: cacheSettings(process.env) });

/** How long the cached status of an order lives, in seconds. */
export const STATUS_TTL_SECONDS = 24 * 60 * 60;

/** The cache key that holds an order's latest status. */
export function statusKey(orderId: string): string {
  return `order:${orderId}:status`;
}

// A FIFO queue's name, and so its ARN, ends in .fifo. A record without an
// ARN (a hand-made event, a test) is taken as from a standard queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html
function isFifo(record: SQSRecord): boolean {
  return record.eventSourceARN?.endsWith('.fifo') === true;
}

/**
 * An SQS handler that keeps the latest status of each order in Redis. It
 * reports partial batch failures: a message it cannot process is returned
 * in `batchItemFailures` and comes back later (or goes to the dead-letter
 * queue), while the rest of the batch is deleted. The event source mapping
 * must have `ReportBatchItemFailures` on; without it the response is
 * ignored and the whole batch counts as processed. It never rejects for a
 * message; each failure is logged with its reason, and with `retryable`:
 * false for a message no retry can fix (not JSON, a bad field).
 *
 * Those are returned in `batchItemFailures` too, on purpose: SQS deletes
 * every message of the batch not listed there, so listing them is what
 * moves them to the dead-letter queue after the redrive policy's
 * `maxReceiveCount` receives, where they can be read and replayed, rather
 * than be lost with only a log line left. Give the queue a dead-letter
 * queue and a small `maxReceiveCount`: without one, such a message comes
 * back until the queue's retention period ends. When the cache fails
 * (`retryable`: true), every message it touched is listed, and each
 * command gives up after `CACHE_COMMAND_TIMEOUT_MS`, so a dead cache costs
 * the batch about that long, within the function's timeout.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 *
 * @example
 * ```ts
 * export const handler = createHandler(OrderEventsHandler);
 * ```
 */
@Handler()
export class OrderEventsHandler {
  constructor(
    private readonly cache: Cache,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(event: SQSEvent): Promise<SQSBatchResponse> {
    const records = event.Records ?? [];
    const failed = records.some(isFifo)
      ? await this.#inOrder(records)
      : await this.#together(records);

    return {
      batchItemFailures: failed.map((record) => ({
        itemIdentifier: record.messageId,
      })),
    };
  }

  /** A standard queue: every message at once; the failures. */
  async #together(records: SQSRecord[]): Promise<SQSRecord[]> {
    const outcomes = await Promise.all(
      records.map((record) => this.#process(record)),
    );
    return records.filter((_, index) => !outcomes[index]);
  }

  // A FIFO queue keeps order within a message group only if, after a
  // failure, the rest of the batch is returned too.
  // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
  async #inOrder(records: SQSRecord[]): Promise<SQSRecord[]> {
    for (const [index, record] of records.entries()) {
      if (!(await this.#process(record))) return records.slice(index);
    }
    return [];
  }

  /** Whether the message was processed; failures are logged, not thrown. */
  // Limitation: last processed wins; out-of-order delivery can regress.
  async #process(record: SQSRecord): Promise<boolean> {
    try {
      const { orderId, status } = parseOrderEvent(record.body);
      await this.cache.set(statusKey(orderId), status, STATUS_TTL_SECONDS);
      return true;
    } catch (error) {
      this.logger.warn('order event not processed', {
        messageId: record.messageId,
        reason: error instanceof Error ? error.message : String(error),
        retryable: !(error instanceof InvalidMessageError),
      });
      return false;
    }
  }
}
