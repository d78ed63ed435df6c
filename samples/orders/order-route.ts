import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ClientError } from './order-request';

/** What a request asks for, once its path and method are checked. */
export type OrderRoute =
  | { readonly action: 'create' }
  | { readonly action: 'read'; readonly id: string };

// The methods each resource serves: a 405 lists them in its Allow header.
// https://www.rfc-editor.org/rfc/rfc9110#name-405-method-not-allowed
const ALLOWED = { collection: 'POST', order: 'GET' } as const;

type Resource =
  | { readonly kind: 'collection' }
  | { readonly kind: 'order'; readonly id: string };

const ROUTE_KEY = /^[A-Z]+ \/orders(\/\{id\})?$/;
const ORDERS_PATH = /^\/orders\/?$/;
const ORDER_PATH = /^\/orders\/([^/]+)\/?$/;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// A named stage is part of the URL, and so leads rawPath; the $default
// stage is served from the base of the URL and adds nothing.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html
// Limitation: a custom domain's base path stays; catch-all routes 404.
function pathInStage(event: APIGatewayProxyEventV2): string {
  const { rawPath, requestContext } = event;
  const prefix = `/${requestContext.stage}`;
  return requestContext.stage !== '$default' &&
    (rawPath === prefix || rawPath.startsWith(`${prefix}/`))
    ? rawPath.slice(prefix.length) || '/'
    : rawPath;
}

/** The resource, from the route that matched or, for catch-alls, the path. */
function resourceOf(event: APIGatewayProxyEventV2): Resource | undefined {
  const route = ROUTE_KEY.exec(event.routeKey ?? '');
  if (route) {
    const id = event.pathParameters?.id;
    return route[1] === undefined || id === undefined
      ? { kind: 'collection' }
      : { kind: 'order', id };
  }

  // $default, ANY /{proxy+} and the like: the route says nothing.
  const path = pathInStage(event);
  if (ORDERS_PATH.test(path)) return { kind: 'collection' };
  const order = ORDER_PATH.exec(path);
  return order ? { kind: 'order', id: decoded(order[1]) } : undefined;
}

/**
 * What an HTTP API request asks of the orders: `POST /orders` creates one,
 * `GET /orders/{id}` reads one. The resource comes from the route that
 * matched (`routeKey`), or from the path under a catch-all route such as
 * `$default` or `ANY /{proxy+}`.
 *
 * Phase: each invoke. Throws a 404 {@link ClientError} for a path that is
 * no resource, and a 405 with an `Allow` header for a method the resource
 * does not serve.
 *
 * @example
 * ```ts
 * orderRoute(event); // { action: 'read', id: '42' }
 * ```
 */
export function orderRoute(event: APIGatewayProxyEventV2): OrderRoute {
  const { method } = event.requestContext.http;
  const resource = resourceOf(event);

  if (resource === undefined) {
    throw new ClientError(404, `no route for ${method} ${event.rawPath}`);
  }
  const allowed = ALLOWED[resource.kind];
  if (method !== allowed) {
    throw new ClientError(
      405,
      `${method} ${event.rawPath} is not supported; use ${allowed}`,
      { allow: allowed },
    );
  }
  return resource.kind === 'order'
    ? { action: 'read', id: resource.id }
    : { action: 'create' };
}
