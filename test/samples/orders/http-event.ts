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

/**
 * An HTTP API event from a catch-all route (`$default`, `ANY /{proxy+}`),
 * which names no resource: the handler has the path to go by, led by the
 * stage's name unless the stage is `$default`.
 */
export function catchAllEvent(
  method: string,
  path: string,
  {
    routeKey = '$default',
    stage = '$default',
    body = undefined as unknown,
  } = {},
): APIGatewayProxyEventV2 {
  const rawPath = stage === '$default' ? path : `/${stage}${path}`;
  const event = httpEvent(method, path, body);
  return {
    ...event,
    routeKey,
    rawPath,
    pathParameters:
      routeKey === '$default' ? undefined : { proxy: path.slice(1) },
    requestContext: {
      ...event.requestContext,
      routeKey,
      stage,
      http: { ...event.requestContext.http, path: rawPath },
    },
  };
}
