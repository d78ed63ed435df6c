import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createTestBed } from 'lambda-lifecycle/testing';
import { OrderStore } from '../../../samples/orders/order-store';
import { OrdersHandler } from '../../../samples/orders/orders.handler';

function httpEvent(
  method: string,
  path: string,
  body?: unknown,
): APIGatewayProxyEventV2 {
  const id = /^\/orders\/(.+)$/.exec(path)?.[1];
  return {
    version: '2.0',
    routeKey: `${method} ${id ? '/orders/{id}' : '/orders'}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    ...(id ? { pathParameters: { id } } : {}),
    ...(body === undefined
      ? {}
      : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'jest',
      },
      requestId: 'request',
      routeKey: `${method} /orders`,
      stage: '$default',
      time: '03/Dec/2026:19:00:00 +0000',
      timeEpoch: 1_796_324_400_000,
    },
  };
}

describe(OrdersHandler.name, () => {
  it('creates an order and reads it back', async () => {
    const bed = await createTestBed(OrdersHandler);

    const created = await bed.invoke(
      httpEvent('POST', '/orders', { item: 'tea', quantity: 2 }),
    );
    const read = await bed.invoke(httpEvent('GET', '/orders/1'));

    expect(created).toMatchObject({ statusCode: 201 });
    expect(read).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((read as { body: string }).body)).toEqual({
      id: '1',
      item: 'tea',
      quantity: 2,
    });
  });

  it.each([
    ['not JSON', '{', 'body must be JSON'],
    ['a missing item', { quantity: 1 }, '"item" must be a non-empty string'],
    ['a zero quantity', { item: 'tea', quantity: 0 }, '"quantity" must be'],
    ['too many', { item: 'tea', quantity: 1000 }, 'at most 100'],
  ])('answers 400 with the reason for %s', async (_, body, reason) => {
    const bed = await createTestBed(OrdersHandler);

    const response = await bed.invoke(httpEvent('POST', '/orders', body));

    expect(response).toMatchObject({ statusCode: 400 });
    expect(JSON.parse((response as { body: string }).body).message).toContain(
      reason,
    );
  });

  it('answers 404 for a missing order', async () => {
    const bed = await createTestBed(OrdersHandler);

    const response = await bed.invoke(httpEvent('GET', '/orders/404'));

    expect(response).toMatchObject({ statusCode: 404 });
  });

  it('closes the store at shutdown and logs each served request', async () => {
    const bed = await createTestBed(OrdersHandler);
    await bed.invoke(
      httpEvent('POST', '/orders', { item: 'tea', quantity: 1 }),
    );

    await bed.shutdown();

    expect(bed.ran('onShutdown')).toEqual(['OrderStore.close']);
    expect(bed.logs.map((log) => log.message)).toEqual([
      'order store opened',
      'order request served',
      'order store closed',
    ]);
  });

  it('runs against a replaced store', async () => {
    const orders = [{ id: '9', item: 'fake', quantity: 9 }];
    const bed = await createTestBed(OrdersHandler, {
      providers: [
        {
          token: OrderStore,
          useValue: { get: (id: string) => orders.find((o) => o.id === id) },
        },
      ],
    });

    const response = await bed.invoke(httpEvent('GET', '/orders/9'));

    expect(response).toMatchObject({ statusCode: 200 });
  });
});
