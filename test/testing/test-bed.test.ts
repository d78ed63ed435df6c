import { container, singleton } from 'tsyringe';
import {
  AfterInvoke,
  BeforeInvoke,
  Handler,
  OnInit,
  OnShutdown,
} from '../../src';
import { createFakeContext, createTestBed } from '../../src/testing';

@singleton()
class PaymentsClient {
  static built = 0;
  readonly id = ++PaymentsClient.built;

  charge(amount: number): string {
    return `real charge of ${amount}`;
  }
}

@Handler()
class Checkout {
  constructor(readonly payments: PaymentsClient) {}

  @OnInit()
  init(): void {}

  @BeforeInvoke()
  before(): void {}

  handle(event: { amount: number }): string {
    return this.payments.charge(event.amount);
  }

  @AfterInvoke()
  after(): void {}

  @OnShutdown()
  close(): void {}
}

describe('createTestBed', () => {
  describe('when a singleton provider is replaced', () => {
    it('gives the handler the replacement', async () => {
      const fake = { charge: (amount: number) => `fake charge of ${amount}` };
      const bed = await createTestBed(Checkout, {
        providers: [{ token: PaymentsClient, useValue: fake }],
      });

      await expect(bed.invoke({ amount: 5 })).resolves.toBe('fake charge of 5');
    });

    it('leaves other beds and the global container untouched', async () => {
      const fake = { charge: () => 'fake' };
      await createTestBed(Checkout, {
        providers: [{ token: PaymentsClient, useValue: fake }],
      });

      const plain = await createTestBed(Checkout);

      await expect(plain.invoke({ amount: 1 })).resolves.toBe(
        'real charge of 1',
      );
      expect(container.resolve(PaymentsClient)).not.toBe(fake);
    });
  });

  describe('when a singleton the handler reaches only through a service is replaced', () => {
    @singleton()
    class Ledger {
      record(amount: number): string {
        return `real ledger: ${amount}`;
      }
    }

    @singleton()
    class Billing {
      constructor(readonly ledger: Ledger) {}
      bill(amount: number): string {
        return this.ledger.record(amount);
      }
    }

    @Handler()
    class Invoices {
      constructor(readonly billing: Billing) {}
      handle(event: { amount: number }): string {
        return this.billing.bill(event.amount);
      }
    }

    it('gives the service the replacement, in this bed only', async () => {
      const fake = { record: (amount: number) => `fake ledger: ${amount}` };
      const swapped = await createTestBed(Invoices, {
        providers: [{ token: Ledger, useValue: fake }],
      });
      const plain = await createTestBed(Invoices);

      await expect(swapped.invoke({ amount: 3 })).resolves.toBe(
        'fake ledger: 3',
      );
      await expect(plain.invoke({ amount: 3 })).resolves.toBe('real ledger: 3');
      expect(swapped.get(Billing).ledger).toBe(fake);
      expect(container.resolve(Billing).ledger).not.toBe(fake);
    });
  });

  it('builds a fresh singleton in every bed', async () => {
    const first = await createTestBed(Checkout);
    const second = await createTestBed(Checkout);

    expect(first.get(PaymentsClient)).not.toBe(second.get(PaymentsClient));
    expect(first.get(Checkout).payments).toBe(first.get(PaymentsClient));
  });

  it('reports a cold start for the first invocation only', async () => {
    const bed = await createTestBed(Checkout);

    await bed.invoke({ amount: 1 });
    const first = bed.coldStart;
    await bed.invoke({ amount: 2 });

    expect(first).toBe(true);
    expect(bed.coldStart).toBe(false);
    expect(bed.stats).toMatchObject({ coldStart: true, invocations: 2 });
  });

  it.each(['provisioned-concurrency', 'snap-start'] as const)(
    'reports no cold start for a %s environment',
    async (initializationType) => {
      const bed = await createTestBed(Checkout, { initializationType });

      await bed.invoke({ amount: 1 });

      expect(bed.coldStart).toBe(false);
    },
  );

  it('records which hooks ran, in order, through the whole lifecycle', async () => {
    const bed = await createTestBed(Checkout);

    await bed.invoke({ amount: 1 });
    await bed.shutdown();

    expect(bed.ran()).toEqual([
      'Checkout.init',
      'Checkout.before',
      'Checkout.handle',
      'Checkout.after',
      'Checkout.close',
    ]);
    expect(bed.phases).toEqual([
      'INIT',
      'READY',
      'INVOKING',
      'READY',
      'SHUTTING_DOWN',
      'STOPPED',
    ]);
  });

  it('tags per-invocation hooks with the request id', async () => {
    const bed = await createTestBed(Checkout);

    await bed.invoke({ amount: 1 }, { awsRequestId: 'req-1' });

    expect(bed.hooks.filter((hook) => hook.kind === 'beforeInvoke')).toEqual([
      expect.objectContaining({ requestId: 'req-1', outcome: 'ok' }),
    ]);
  });
});

describe('createFakeContext', () => {
  it('has the fields and formats of the Node.js runtime', () => {
    const context = createFakeContext({ functionName: 'orders' });

    expect(context).toMatchObject({
      functionName: 'orders',
      functionVersion: '$LATEST',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/orders',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.invokedFunctionArn).toMatch(
      /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:orders$/,
    );
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.logStreamName).toMatch(
      /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/,
    );
  });

  it('counts the remaining time down from the timeout', () => {
    let now = 10_000;
    const context = createFakeContext({ timeoutMs: 3_000, now: () => now });

    expect(context.getRemainingTimeInMillis()).toBe(3_000);
    now += 2_500;
    expect(context.getRemainingTimeInMillis()).toBe(500);
    now += 1_000;
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('refuses the callback-style members', () => {
    const context = createFakeContext();

    expect(() => context.succeed('x')).toThrow('callback handlers');
  });
});
