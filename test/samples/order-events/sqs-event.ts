import type { SQSEvent, SQSRecord } from 'aws-lambda';

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:order-events';

/** One SQS record per body; message ids are `m1`, `m2`, ... */
export function sqsEvent(
  bodies: readonly unknown[],
  { fifo = false } = {},
): SQSEvent {
  const Records = bodies.map((body, index): SQSRecord => ({
    messageId: `m${index + 1}`,
    receiptHandle: `receipt-${index + 1}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1796324400000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1796324400010',
      ...(fifo
        ? { MessageGroupId: 'orders', MessageDeduplicationId: `d${index}` }
        : {}),
    },
    messageAttributes: {},
    md5OfBody: '0'.repeat(32),
    eventSource: 'aws:sqs',
    eventSourceARN: fifo ? `${QUEUE}.fifo` : QUEUE,
    awsRegion: 'us-east-1',
  }));
  return { Records };
}
