/** One line of a quote request. */
export interface QuoteItem {
  readonly sku: string;
  readonly quantity: number;
}

/** What the pricing handler is invoked with. */
export interface QuoteRequest {
  readonly items: readonly QuoteItem[];
}

/** A request the handler cannot quote; the caller gets it as the error. */
export class QuoteError extends Error {
  override readonly name = 'QuoteError';
}

const MAX_ITEMS = 50;
const MAX_QUANTITY = 1_000;

/**
 * The request, checked: 1 to 50 items, each a SKU and a quantity from 1 to
 * 1000.
 *
 * Phase: each invoke. Throws a {@link QuoteError} naming the item and
 * field.
 *
 * @example
 * ```ts
 * parseQuoteRequest({ items: [{ sku: 'green-tea', quantity: 2 }] });
 * ```
 */
export function parseQuoteRequest(event: unknown): QuoteRequest {
  const items = (event as { items?: unknown } | null)?.items;
  if (!Array.isArray(items) || items.length === 0) {
    throw new QuoteError('"items" must be a non-empty array');
  }
  if (items.length > MAX_ITEMS) {
    throw new QuoteError(`"items" must hold at most ${MAX_ITEMS} items`);
  }

  return {
    items: items.map((item: unknown, index): QuoteItem => {
      const { sku, quantity } = (item ?? {}) as Record<string, unknown>;
      if (typeof sku !== 'string' || sku === '') {
        throw new QuoteError(`items[${index}].sku must be a non-empty string`);
      }
      if (
        !Number.isInteger(quantity) ||
        (quantity as number) < 1 ||
        (quantity as number) > MAX_QUANTITY
      ) {
        throw new QuoteError(
          `items[${index}].quantity must be an integer from 1 to ` +
            MAX_QUANTITY,
        );
      }
      return { sku, quantity: quantity as number };
    }),
  };
}
