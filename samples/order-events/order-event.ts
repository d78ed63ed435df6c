/** The statuses an order goes through, in order. */
export const ORDER_STATUSES = [
  'placed',
  'paid',
  'shipped',
  'delivered',
  'cancelled',
] as const;

/** One status an order can have. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What one SQS message says: an order changed status. */
export interface OrderEvent {
  readonly orderId: string;
  readonly status: OrderStatus;
}

/** A message that can never be processed, whatever the retries. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

const ORDER_ID = /^[A-Za-z0-9-]{1,64}$/;

function isStatus(value: unknown): value is OrderStatus {
  return ORDER_STATUSES.includes(value as OrderStatus);
}

/**
 * The order event in an SQS message body: `{ "orderId": string, "status":
 * "placed" | "paid" | "shipped" | "delivered" | "cancelled" }`.
 *
 * Phase: each invoke. Throws an {@link InvalidMessageError} naming the
 * field and what it must be.
 *
 * @example
 * ```ts
 * parseOrderEvent('{"orderId":"A-1","status":"paid"}');
 * ```
 */
export function parseOrderEvent(body: string): OrderEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidMessageError('body must be JSON');
  }
  const { orderId, status } = (parsed ?? {}) as Record<string, unknown>;

  if (typeof orderId !== 'string' || !ORDER_ID.test(orderId)) {
    throw new InvalidMessageError(
      '"orderId" must be 1 to 64 letters, digits or dashes',
    );
  }
  if (!isStatus(status)) {
    throw new InvalidMessageError(
      `"status" must be one of ${ORDER_STATUSES.join(', ')}`,
    );
  }
  return { orderId, status };
}
