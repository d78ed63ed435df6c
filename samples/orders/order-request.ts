import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * A request the handler refuses, answered with its 4xx status, its reason
 * and any headers the status needs (`Allow` for a 405).
 */
export class ClientError extends Error {
  override readonly name = 'ClientError';

  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** What `POST /orders` asks for, once checked. */
export interface NewOrder {
  readonly item: string;
  readonly quantity: number;
}

const MAX_ITEM_LENGTH = 200;
// Ids are PostgreSQL integers; a longer number could only fail in SQL.
const ORDER_ID = /^[1-9][0-9]{0,8}$/;

/**
 * The `{id}` path parameter, checked before it reaches SQL.
 *
 * Phase: each invoke. Throws a 400 {@link ClientError} naming the field.
 *
 * @example
 * ```ts
 * parseOrderId('42'); // '42'
 * ```
 */
export function parseOrderId(id: string): string {
  if (!ORDER_ID.test(id)) {
    throw new ClientError(400, '"id" must be a positive integer');
  }
  return id;
}

function bodyText(event: APIGatewayProxyEventV2): string {
  const body = event.body ?? '';
  // HTTP APIs base64-encode bodies they do not take for text.
  return event.isBase64Encoded
    ? Buffer.from(body, 'base64').toString('utf8')
    : body;
}

/**
 * The body of `POST /orders`, checked: `{ "item": string, "quantity":
 * integer }` with 1 <= quantity <= `maxQuantity`.
 *
 * Phase: each invoke. Throws a 400 {@link ClientError} that names the
 * field and what it must be.
 *
 * @example
 * ```ts
 * parseNewOrder(event, 100); // { item: 'green tea', quantity: 2 }
 * ```
 */
export function parseNewOrder(
  event: APIGatewayProxyEventV2,
  maxQuantity: number,
): NewOrder {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText(event));
  } catch {
    throw new ClientError(400, 'body must be JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ClientError(400, 'body must be a JSON object');
  }
  const { item, quantity } = parsed as Record<string, unknown>;

  if (typeof item !== 'string' || item.trim() === '') {
    throw new ClientError(400, '"item" must be a non-empty string');
  }
  // PostgreSQL text cannot hold NUL (it refuses it with SQLSTATE 22021).
  if (item.includes('\u0000')) {
    throw new ClientError(400, '"item" must not contain the NUL character');
  }
  if (item.length > MAX_ITEM_LENGTH) {
    throw new ClientError(
      400,
      `"item" must be at most ${MAX_ITEM_LENGTH} characters`,
    );
  }
  if (!Number.isInteger(quantity) || (quantity as number) < 1) {
    throw new ClientError(400, '"quantity" must be a positive integer');
  }
  if ((quantity as number) > maxQuantity) {
    throw new ClientError(400, `"quantity" must be at most ${maxQuantity}`);
  }
  return { item, quantity: quantity as number };
}

/** The largest quantity an order may ask for without ORDERS_MAX_QUANTITY. */
export const DEFAULT_MAX_QUANTITY = 100;

/**
 * `ORDERS_MAX_QUANTITY`, the cap on an order's quantity: a positive
 * integer, {@link DEFAULT_MAX_QUANTITY} when unset or empty.
 *
 * Phase: init. Throws an error naming the variable and its value when it is
 * not a positive integer, so that INIT fails rather than lift the cap.
 *
 * @example
 * ```ts
 * parseMaxQuantity(process.env.ORDERS_MAX_QUANTITY); // 100
 * ```
 */
export function parseMaxQuantity(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_QUANTITY;

  const quantity = Number(value);
  if (
    !/^\s*[0-9]+\s*$/.test(value) ||
    !Number.isSafeInteger(quantity) ||
    quantity < 1
  ) {
    throw new Error(
      `ORDERS_MAX_QUANTITY must be a positive integer, not ${JSON.stringify(value)}`,
    );
  }
  return quantity;
}
