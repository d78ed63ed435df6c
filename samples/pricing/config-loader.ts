import type { InjectionToken } from 'tsyringe';

/** What the pricing handler is configured with. */
export interface PricingConfig {
  /** Which deployment of the configuration this is. */
  readonly version: string;
  /** ISO 4217 code of every price. */
  readonly currency: string;
  /** Tax on the subtotal: 0.2 is 20 %. */
  readonly taxRate: number;
  /** Unit price of each SKU, in the currency's minor unit (cents). */
  readonly prices: Readonly<Record<string, number>>;
}

/**
 * Loads the {@link PricingConfig} from wherever it lives. The handler reads
 * it through `@Lazy`, so a loader is called once per time-to-live, never
 * per invocation; tests give their own.
 */
export interface ConfigLoader {
  /**
   * Phase: the invocation that finds the configuration missing or expired.
   * Rejects with an error naming the source when it cannot load a valid
   * configuration.
   *
   * @example
   * ```ts
   * const { taxRate } = await loader.load();
   * ```
   */
  load(): Promise<PricingConfig>;
}

/**
 * Token of the environment's {@link ConfigLoader}.
 *
 * @example
 * ```ts
 * constructor(@inject(CONFIG_LOADER) private readonly loader: ConfigLoader) {}
 * ```
 */
export const CONFIG_LOADER: InjectionToken<ConfigLoader> = Symbol.for(
  'lambda-lifecycle/samples/config-loader',
);

function invalid(source: string, what: string): Error {
  return new Error(`pricing configuration from ${source}: ${what}`);
}

function isPrice(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0;
}

/**
 * Checks a parsed configuration document field by field.
 *
 * Phase: whenever a loader loads. Throws an error naming `source` and the
 * first field that is wrong.
 *
 * @example
 * ```ts
 * parsePricingConfig(await response.json(), url);
 * ```
 */
export function parsePricingConfig(
  value: unknown,
  source: string,
): PricingConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(source, 'expected a JSON object');
  }
  const { version, currency, taxRate, prices } = value as Record<
    string,
    unknown
  >;

  if (typeof version !== 'string' || version === '') {
    throw invalid(source, '"version" must be a non-empty string');
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw invalid(source, '"currency" must be a three-letter ISO 4217 code');
  }
  if (typeof taxRate !== 'number' || !(taxRate >= 0 && taxRate < 1)) {
    throw invalid(source, '"taxRate" must be a number from 0 up to 1');
  }
  if (
    typeof prices !== 'object' ||
    prices === null ||
    !Object.values(prices).every(isPrice)
  ) {
    throw invalid(
      source,
      '"prices" must map each SKU to a whole, non-negative price in cents',
    );
  }
  return {
    version,
    currency,
    taxRate,
    prices: prices as Record<string, number>,
  };
}
