import * as clock from '../../../src/lifecycle/clock';
import { createTestBed } from 'lambda-lifecycle/testing';
import {
  CONFIG_LOADER,
  type ConfigLoader,
  type PricingConfig,
} from '../../../samples/pricing/config-loader';
import {
  CONFIG_TTL_MS,
  PricingHandler,
} from '../../../samples/pricing/pricing.handler';
import { QuoteError } from '../../../samples/pricing/quote-request';

function config(version: string): PricingConfig {
  return {
    version,
    currency: 'EUR',
    taxRate: 0.2,
    prices: { 'green-tea': 450, teapot: 2_500 },
  };
}

/** A loader the test answers by hand: each load waits for `answer`. */
class ManualLoader implements ConfigLoader {
  loads = 0;
  readonly #waiting: ((result: () => PricingConfig) => void)[] = [];

  load(): Promise<PricingConfig> {
    this.loads++;
    return new Promise((resolve, reject) => {
      this.#waiting.push((result) => {
        try {
          resolve(result());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** Settles every load in flight with `result`'s value or error. */
  answer(result: () => PricingConfig): void {
    for (const settle of this.#waiting.splice(0)) settle(result);
  }
}

/** A loader that answers at once, with each version in turn. */
function versions(...answers: (string | Error)[]): ConfigLoader & {
  loads: number;
} {
  return {
    loads: 0,
    async load() {
      const answer = answers[Math.min(this.loads++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return config(answer);
    },
  };
}

const BASKET = {
  items: [
    { sku: 'green-tea', quantity: 2 },
    { sku: 'teapot', quantity: 1 },
  ],
};

async function start(loader: ConfigLoader) {
  return createTestBed(PricingHandler, {
    providers: [{ token: CONFIG_LOADER, useValue: loader }],
  });
}

describe(PricingHandler.name, () => {
  let now = 0;

  beforeEach(() => {
    now = 1_000;
    jest.spyOn(clock, 'now').mockImplementation(() => now);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('prices a basket with the loaded configuration', async () => {
    const bed = await start(versions('v1'));

    const quote = await bed.invoke(BASKET);

    expect(quote).toEqual({
      currency: 'EUR',
      lines: [
        { sku: 'green-tea', quantity: 2, unitPrice: 450, amount: 900 },
        { sku: 'teapot', quantity: 1, unitPrice: 2_500, amount: 2_500 },
      ],
      subtotal: 3_400,
      tax: 680,
      total: 4_080,
      configVersion: 'v1',
    });
  });

  it('loads the configuration once for the invocations within its time-to-live', async () => {
    const loader = versions('v1');
    const bed = await start(loader);

    for (let i = 0; i < 5; i++) {
      await bed.invoke(BASKET);
      now += CONFIG_TTL_MS / 10;
    }

    expect(loader.loads).toBe(1);
  });

  it('shares one load between the invocations that arrive while it loads', async () => {
    const loader = new ManualLoader();
    const bed = await start(loader);

    const quotes = Array.from({ length: 5 }, () => bed.invoke(BASKET));
    await new Promise(setImmediate);
    const whileLoading = { ...bed.stats.lazies[0].value.stats };
    loader.answer(() => config('v1'));

    await expect(Promise.all(quotes)).resolves.toEqual(
      Array(5).fill(expect.objectContaining({ configVersion: 'v1' })),
    );
    expect(whileLoading).toMatchObject({ misses: 1, hits: 4, loads: 0 });
    expect(loader.loads).toBe(1);
  });

  it('loads again on the first invocation after the time-to-live', async () => {
    const loader = versions('v1', 'v2');
    const bed = await start(loader);

    const first = await bed.invoke(BASKET);
    now += CONFIG_TTL_MS - 1;
    const fresh = await bed.invoke(BASKET);
    now += 1;
    const refreshed = await bed.invoke(BASKET);

    expect(first.configVersion).toBe('v1');
    expect(fresh.configVersion).toBe('v1');
    expect(refreshed.configVersion).toBe('v2');
    expect(loader.loads).toBe(2);
  });

  it('fails the invocation whose load failed, and loads again on the next', async () => {
    const loader = versions(new Error('agent not ready'), 'v1');
    const bed = await start(loader);

    const failed = bed.invoke(BASKET);
    await expect(failed).rejects.toThrow('agent not ready');
    const next = await bed.invoke(BASKET);

    expect(next.configVersion).toBe('v1');
    expect(loader.loads).toBe(2);
  });

  it('keeps the last configuration when a refresh fails, until the next refresh', async () => {
    const loader = versions('v1', new Error('agent timed out'), 'v2');
    const bed = await start(loader);
    await bed.invoke(BASKET);

    now += CONFIG_TTL_MS;
    const kept = await bed.invoke(BASKET);
    now += CONFIG_TTL_MS;
    const refreshed = await bed.invoke(BASKET);

    expect(kept.configVersion).toBe('v1');
    expect(refreshed.configVersion).toBe('v2');
    expect(bed.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'pricing configuration refresh failed; kept the last',
      }),
    );
  });

  it.each([
    ['no items', {}, '"items" must be a non-empty array'],
    ['an empty basket', { items: [] }, '"items" must be a non-empty array'],
    [
      'a blank SKU',
      { items: [{ sku: '', quantity: 1 }] },
      'items[0].sku must be a non-empty string',
    ],
    [
      'a zero quantity',
      { items: [{ sku: 'teapot', quantity: 0 }] },
      'items[0].quantity must be an integer from 1 to 1000',
    ],
    [
      'an unknown SKU',
      { items: [{ sku: 'samovar', quantity: 1 }] },
      'unknown SKU "samovar"',
    ],
    [
      'a SKU named like an object member',
      { items: [{ sku: 'constructor', quantity: 1 }] },
      'unknown SKU "constructor"',
    ],
  ])('refuses %s with a QuoteError naming it', async (_, event, message) => {
    const bed = await start(versions('v1'));

    const quote = bed.invoke(event as never);

    await expect(quote).rejects.toThrow(QuoteError);
    await expect(quote).rejects.toThrow(message);
  });
});
