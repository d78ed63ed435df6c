import { inject } from 'tsyringe';
import {
  Handler,
  LOGGER,
  LifecycleError,
  REDACTED,
  Sensitive,
  createRedactor,
  type LogFields,
  type Logger,
} from '../../src';
import { createTestBed } from '../../src/testing';

class DatabaseSettings {
  host = 'db.internal';
  @Sensitive() password = 'hunter2';
}

class ReplicaSettings extends DatabaseSettings {
  @Sensitive() replicaToken = 'abc';
  region = 'eu-west-1';
}

class CardError extends Error {
  @Sensitive() cardNumber = '4111111111111111';
}

describe(createRedactor.name, () => {
  it('redacts credential headers at any depth, whatever their case', () => {
    const redact = createRedactor();

    const fields = redact({
      event: {
        headers: {
          Authorization: 'Bearer abc',
          COOKIE: 'session=1',
          'X-Api-Key': 'k',
          accept: 'application/json',
        },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      },
      response: { headers: { 'set-cookie': 'c=3' } },
    });

    expect(fields).toEqual({
      event: {
        headers: {
          Authorization: REDACTED,
          COOKIE: REDACTED,
          'X-Api-Key': REDACTED,
          accept: 'application/json',
        },
        multiValueHeaders: { 'Set-Cookie': REDACTED },
      },
      response: { headers: { 'set-cookie': REDACTED } },
    });
  });

  it('redacts the cookies of an HTTP API event and credentials of an environment dump', () => {
    const redact = createRedactor();

    const fields = redact({
      event: { cookies: ['session=1', 'theme=dark'], rawPath: '/orders' },
      env: {
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
        AWS_REGION: 'eu-west-1',
      },
    });

    expect(fields).toEqual({
      event: { cookies: REDACTED, rawPath: '/orders' },
      env: {
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: REDACTED,
        AWS_SESSION_TOKEN: REDACTED,
        AWS_REGION: 'eu-west-1',
      },
    });
  });

  it('redacts the names it is given anywhere and paths from the top', () => {
    const redact = createRedactor(['Password', 'order.card.number']);

    const fields = redact({
      user: { name: 'ada', password: 'x' },
      order: { card: { number: '4111', expiry: '12/30' } },
      other: { card: { number: 'not a secret here' } },
      items: [{ PASSWORD: 'y' }],
    });

    expect(fields).toEqual({
      user: { name: 'ada', password: REDACTED },
      order: { card: { number: REDACTED, expiry: '12/30' } },
      other: { card: { number: 'not a secret here' } },
      items: [{ PASSWORD: REDACTED }],
    });
  });

  it('redacts paths through arrays without counting them as a step', () => {
    const redact = createRedactor(['orders.card']);

    expect(redact({ orders: [{ card: '4111', id: 1 }] })).toEqual({
      orders: [{ card: REDACTED, id: 1 }],
    });
  });

  it('redacts members marked @Sensitive(), inherited ones included', () => {
    const redact = createRedactor();

    const fields = redact({
      primary: new DatabaseSettings(),
      replica: new ReplicaSettings(),
    });

    expect(fields).toEqual({
      primary: { host: 'db.internal', password: REDACTED },
      replica: {
        host: 'db.internal',
        password: REDACTED,
        replicaToken: REDACTED,
        region: 'eu-west-1',
      },
    });
  });

  it('writes an error as its name, message and stack, sensitive members redacted', () => {
    const redact = createRedactor();
    const error = new CardError('declined');

    const { error: logged } = redact({ error }) as { error: LogFields };

    expect(logged).toMatchObject({
      errorType: 'Error',
      errorMessage: 'declined',
      stack: expect.stringContaining('declined'),
      cardNumber: REDACTED,
    });
  });

  it('writes the cause of an error it finds, redacted like the rest', () => {
    const redact = createRedactor();
    const cause = Object.assign(new Error('upstream refused'), {
      headers: { authorization: 'Bearer abc' },
    });
    const error = new Error('order not stored', { cause });

    const { error: logged } = redact({ error }) as { error: LogFields };

    expect(logged.cause).toMatchObject({
      errorType: 'Error',
      errorMessage: 'upstream refused',
      stack: expect.stringContaining('upstream refused'),
      headers: { authorization: REDACTED },
    });
  });

  it('cuts cycles and very deep values but keeps repeated siblings', () => {
    const redact = createRedactor();
    const shared = { id: 1 };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { bottom: true };
    for (let i = 0; i < 20; i++) deep = { deeper: deep };

    const fields = redact({ a: shared, b: shared, cyclic, deep });

    expect(fields.a).toEqual({ id: 1 });
    expect(fields.b).toEqual({ id: 1 });
    expect(fields.cyclic).toEqual({ name: 'loop', self: '[Circular]' });
    expect(JSON.stringify(fields.deep)).toContain('[Truncated]');
  });

  it('leaves the fields it was given unchanged', () => {
    const redact = createRedactor();
    const headers = { authorization: 'Bearer abc' };

    redact({ headers });

    expect(headers.authorization).toBe('Bearer abc');
  });
});

describe(Sensitive.name, () => {
  it('refuses a static member, naming the class and member', () => {
    const define = () => {
      class Keys {
        @Sensitive() static master = 'k';
      }
      return Keys;
    };

    expect(define).toThrow(LifecycleError);
    expect(define).toThrow('@Sensitive on Keys.master: the member is static');
  });
});

describe('logging through an environment', () => {
  @Handler()
  class Login {
    constructor(@inject(LOGGER) private readonly logger: Logger) {}

    handle(event: { headers: Record<string, string> }): void {
      this.logger.info('login', { headers: event.headers, session: 's-1' });
    }
  }

  it('hands the logger it was given redacted fields with the request id', async () => {
    const bed = await createTestBed(Login, { redact: ['session'] });

    await bed.invoke(
      { headers: { Authorization: 'Bearer abc' } },
      { awsRequestId: 'req-1' },
    );

    expect(bed.logs).toEqual([
      {
        level: 'info',
        message: 'login',
        fields: {
          requestId: 'req-1',
          headers: { Authorization: REDACTED },
          session: REDACTED,
        },
      },
    ]);
  });
});
