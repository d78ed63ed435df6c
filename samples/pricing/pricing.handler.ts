import { container, inject } from 'tsyringe';
import { Handler, LOGGER, Lazy, type Logger } from 'lambda-lifecycle';
import {
  APPCONFIG_AGENT_URL,
  AppConfigLoader,
  CONFIG_URL,
} from './app-config-loader';
import {
  CONFIG_LOADER,
  type ConfigLoader,
  type PricingConfig,
} from './config-loader';
import {
  QuoteError,
  parseQuoteRequest,
  type QuoteRequest,
} from './quote-request';

// Where the configuration comes from is decided here, once, while Lambda
// loads this module (INIT); tests replace CONFIG_LOADER with their own.
container.register(CONFIG_URL, {
  useValue: process.env.PRICING_CONFIG_URL || APPCONFIG_AGENT_URL,
});
container.register(CONFIG_LOADER, { useClass: AppConfigLoader });

/** How long a loaded configuration is used before it is loaded again. */
export const CONFIG_TTL_MS = 60_000;

/** One priced line of a {@link Quote}. */
export interface QuoteLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly amount: number;
}

/** What the pricing handler answers; amounts are in cents. */
export interface Quote {
  readonly currency: string;
  readonly lines: readonly QuoteLine[];
  readonly subtotal: number;
  readonly tax: number;
  readonly total: number;
  /** The configuration version the quote was priced with. */
  readonly configVersion: string;
}

/**
 * Prices a basket from a configuration loaded lazily: on the first
 * invocation that needs it, shared by invocations that arrive while it
 * loads, refreshed on the first invocation after {@link CONFIG_TTL_MS}.
 * A failed load is not kept, so the next invocation tries again; a failed
 * refresh keeps the last good configuration for another period. A request
 * it cannot price rejects with a {@link QuoteError}.
 *
 * @example
 * ```ts
 * export const handler = createHandler(PricingHandler);
 * ```
 */
@Handler()
export class PricingHandler {
  #lastGood: PricingConfig | undefined;

  constructor(
    @inject(CONFIG_LOADER) private readonly loader: ConfigLoader,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The pricing configuration, loaded at most once per time-to-live. */
  @Lazy({ ttlMs: CONFIG_TTL_MS })
  async config(): Promise<PricingConfig> {
    try {
      const config = await this.loader.load();
      this.#lastGood = config;
      this.logger.info('pricing configuration loaded', {
        version: config.version,
      });
      return config;
    } catch (error) {
      if (this.#lastGood === undefined) throw error;
      this.logger.warn('pricing configuration refresh failed; kept the last', {
        version: this.#lastGood.version,
        errorMessage: error instanceof Error ? error.message : String(error),
      });
      return this.#lastGood;
    }
  }

  async handle(event: QuoteRequest): Promise<Quote> {
    const { items } = parseQuoteRequest(event);
    const config = await this.config();

    const lines = items.map(({ sku, quantity }): QuoteLine => {
      if (!Object.hasOwn(config.prices, sku)) {
        throw new QuoteError(`unknown SKU "${sku}"`);
      }
      const unitPrice = config.prices[sku];
      return { sku, quantity, unitPrice, amount: unitPrice * quantity };
    });
    const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
    const tax = Math.round(subtotal * config.taxRate);

    return {
      currency: config.currency,
      lines,
      subtotal,
      tax,
      total: subtotal + tax,
      configVersion: config.version,
    };
  }
}
