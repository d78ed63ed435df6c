import * as clock from '../../src/lifecycle/clock';
import { injectable } from 'tsyringe';
import { Handler, Lazy, LazyValue, OnInit } from '../../src';
import { createTestBed } from '../../src/testing';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe(LazyValue.name, () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('loads on first read and serves later reads from the cache', () => {
    const load = jest.fn(() => 42);
    const lazy = new LazyValue(load);

    expect(load).not.toHaveBeenCalled();
    expect(lazy.get()).toBe(42);
    expect(lazy.get()).toBe(42);
    expect(load).toHaveBeenCalledTimes(1);
    expect(lazy.stats).toEqual({ hits: 1, misses: 1, loads: 1, failures: 0 });
  });

  it('shares one in-flight load between concurrent first reads', async () => {
    const pending = deferred<string>();
    const load = jest.fn(() => pending.promise);
    const lazy = new LazyValue(load);

    const reads = Array.from({ length: 10 }, () => lazy.get());
    pending.resolve('settings');

    await expect(Promise.all(reads)).resolves.toEqual(
      Array(10).fill('settings'),
    );
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failed load: the next read tries again', async () => {
    let calls = 0;
    const lazy = new LazyValue(async () => {
      calls++;
      if (calls === 1) throw new Error('throttled');
      return 'loaded';
    });

    await expect(lazy.get()).rejects.toThrow('throttled');
    await expect(lazy.get()).resolves.toBe('loaded');
    expect(lazy.stats.failures).toBe(1);
    expect(lazy.stats.loads).toBe(1);
  });

  it('gives a failed in-flight load to every concurrent reader, then tries again', async () => {
    const first = deferred<string>();
    const load = jest
      .fn<Promise<string>, []>()
      .mockReturnValueOnce(first.promise)
      .mockResolvedValue('recovered');
    const lazy = new LazyValue(load);

    const readers = Array.from({ length: 8 }, () =>
      lazy.get().catch((error: Error) => error),
    );
    first.reject(new Error('throttled'));
    const failures = await Promise.all(readers);
    const retried = await Promise.all([lazy.get(), lazy.get()]);

    expect(new Set(failures).size).toBe(1);
    expect((failures[0] as Error).message).toBe('throttled');
    expect(retried).toEqual(['recovered', 'recovered']);
    expect(load).toHaveBeenCalledTimes(2);
    expect(lazy.stats).toMatchObject({ misses: 2, failures: 1, loads: 1 });
  });

  it('shares one reload between concurrent reads after the time-to-live', async () => {
    let now = 1_000;
    jest.spyOn(clock, 'now').mockImplementation(() => now);
    const reload = deferred<number>();
    const load = jest
      .fn<Promise<number>, []>()
      .mockResolvedValueOnce(1)
      .mockReturnValueOnce(reload.promise);
    const lazy = new LazyValue(load, 60_000);
    await lazy.get();

    now += 60_000;
    const reads = Array.from({ length: 8 }, () => lazy.get());
    reload.resolve(2);

    await expect(Promise.all(reads)).resolves.toEqual(Array(8).fill(2));
    expect(load).toHaveBeenCalledTimes(2);
    await expect(lazy.get()).resolves.toBe(2);
  });

  it('does not cache a synchronous throw either', () => {
    let calls = 0;
    const lazy = new LazyValue(() => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return calls;
    });

    expect(() => lazy.get()).toThrow('not yet');
    expect(lazy.get()).toBe(2);
  });

  it('loads again on the first read after the time-to-live', async () => {
    let now = 1_000;
    jest.spyOn(clock, 'now').mockImplementation(() => now);
    let version = 0;
    const lazy = new LazyValue(async () => ++version, 60_000);

    await expect(lazy.get()).resolves.toBe(1);
    now += 59_999;
    await expect(lazy.get()).resolves.toBe(1);
    now += 1;
    await expect(lazy.get()).resolves.toBe(2);
  });
});

describe('@Lazy', () => {
  @injectable()
  class SettingsSource {
    loads = 0;
    async fetch(): Promise<{ region: string }> {
      this.loads++;
      return { region: 'eu-west-1' };
    }
  }

  @Handler()
  class Configured {
    constructor(readonly source: SettingsSource) {}

    @Lazy({ ttlMs: 60_000 })
    settings(): Promise<{ region: string }> {
      return this.source.fetch();
    }

    async handle(): Promise<string> {
      return (await this.settings()).region;
    }
  }

  it('loads once per environment across invocations', async () => {
    const bed = await createTestBed(Configured);

    await Promise.all([bed.invoke(undefined), bed.invoke(undefined)]);
    await bed.invoke(undefined);

    expect(bed.get(SettingsSource).loads).toBe(1);
    expect(bed.stats.lazies[0]).toMatchObject({
      name: 'Configured.settings',
      value: { stats: { misses: 1, loads: 1, hits: 2 } },
    });
  });

  it('keeps each environment\u2019s value to itself', async () => {
    const first = await createTestBed(Configured);
    const second = await createTestBed(Configured);

    await first.invoke(undefined);
    await second.invoke(undefined);

    expect(first.get(SettingsSource).loads).toBe(1);
    expect(second.get(SettingsSource).loads).toBe(1);
  });

  it('loads during INIT when eager, after the init hooks', async () => {
    const seen: string[] = [];
    @Handler()
    class Eager {
      @OnInit()
      connect(): void {
        seen.push('connect');
      }

      @Lazy({ eager: true })
      settings(): string {
        seen.push('settings');
        return 'ready';
      }

      handle(): string {
        return this.settings();
      }
    }

    const bed = await createTestBed(Eager);

    expect(seen).toEqual(['connect', 'settings']);
    expect(bed.ran('lazy')).toEqual(['Eager.settings']);
    await expect(bed.invoke(undefined)).resolves.toBe('ready');
    expect(seen).toEqual(['connect', 'settings']);
  });

  it('works on a service the handler depends on, once per environment', async () => {
    let loads = 0;
    @injectable()
    class Catalogue {
      @Lazy()
      async prices(): Promise<Record<string, number>> {
        loads++;
        return { tea: 3 };
      }
    }
    @Handler()
    class Shop {
      constructor(readonly catalogue: Catalogue) {}
      async handle(): Promise<number> {
        return (await this.catalogue.prices()).tea;
      }
    }
    const first = await createTestBed(Shop);
    const second = await createTestBed(Shop);

    const prices = await Promise.all([
      first.invoke(undefined),
      first.invoke(undefined),
      second.invoke(undefined),
    ]);

    expect(prices).toEqual([3, 3, 3]);
    expect(loads).toBe(2);
    expect(first.stats.lazies.map((lazy) => lazy.name)).toEqual([
      'Catalogue.prices',
    ]);
  });

  it('fails INIT naming the member when an eager load fails', async () => {
    @Handler()
    class EagerBroken {
      @Lazy({ eager: true })
      async settings(): Promise<string> {
        throw new Error('parameter not found');
      }

      handle(): void {}
    }

    const error = await createTestBed(EagerBroken).catch((e) => e);

    expect(error.code).toBe('HOOK_FAILED');
    expect(error.message).toContain('@Lazy on EagerBroken.settings');
    expect(error.message).toContain('parameter not found');
  });
});
