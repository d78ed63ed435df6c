import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An API Gateway HTTP API (v2) event for the orders routes. */
export function httpEvent(
  method: string,
  path: string,
  body?: unknown,
): APIGatewayProxyEventV2 {
  const id = /^\/orders\/(.+)$/.exec(path)?.[1];
  const route = `${method} ${id === undefined ? '/orders' : '/orders/{id}'}`;

  return {
    version: '2.0',
    routeKey: route,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    ...(id === undefined ? {} : { pathParameters: { id } }),
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
      routeKey: route,
      stage: '$default',
      time: '03/Dec/2026:19:00:00 +0000',
      timeEpoch: 1_796_324_400_000,
    },
  };
}

/** The JSON body of an HTTP API response. */
export function bodyOf(response: unknown): Record<string, unknown> {
  return JSON.parse((response as { body: string }).body);
}
