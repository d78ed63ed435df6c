import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  Context,
} from 'aws-lambda';
import { inject } from 'tsyringe';
import {
  AfterInvoke,
  BeforeInvoke,
  Handler,
  LOGGER,
  Lazy,
  type Logger,
  OnError,
} from 'lambda-lifecycle';
import { registerDatabase } from './database-providers';
import { OrderRepository } from './order-repository';
import {
  ClientError,
  parseMaxQuantity,
  parseNewOrder,
  parseOrderId,
} from './order-request';
import { orderRoute } from './order-route';

// Which database backs the orders is decided here, once, while Lambda loads
// this module (INIT): a PostgreSQL server when DATABASE_URL is set, else an
// embedded PostgreSQL. The choice is a registration on tsyringe's root
// container for the DATABASE token, because the generated entry passes
// only JSON options to createHandler and cannot carry a class; the handler
// and the repository never know which one they got. Providers given to
// createHandler or createTestBed take precedence, which is how the tests
// swap it.
registerDatabase(process.env);

interface Limits {
  readonly maxQuantity: number;
}

function json(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

// SQLSTATE class 22, data exception: the database refused a value, and
// every value in the SQL comes from the request. Validation should have
// caught it; answering 400 keeps a gap in it from becoming a 500.
// https://www.postgresql.org/docs/current/errcodes-appendix.html
function dataException(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)
    ? code
    : undefined;
}

/**
 * An HTTP API (API Gateway v2) handler for orders: `GET /orders/{id}` and
 * `POST /orders` with `{ "item": string, "quantity": number }`, stored in
 * PostgreSQL through the environment's connection pool. A bad request gets
 * 400 with the reason, a missing order or an unknown path 404, a method
 * the path does not serve 405 with `Allow`; only server faults reject, and
 * reach Lambda as the invocation's error. `ORDERS_MAX_QUANTITY` (default
 * 100) caps the quantity; INIT fails when it is not a positive integer.
 *
 * @example
 * ```ts
 * export const handler = createHandler(OrdersHandler);
 * ```
 */
@Handler()
export class OrdersHandler {
  constructor(
    private readonly orders: OrderRepository,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Limits read at INIT, so that a bad value fails INIT naming the
   * variable, and refreshed every minute.
   */
  @Lazy({ ttlMs: 60_000, eager: true })
  async limits(): Promise<Limits> {
    return {
      maxQuantity: parseMaxQuantity(process.env.ORDERS_MAX_QUANTITY),
    };
  }

  @BeforeInvoke()
  requireRoute(event: APIGatewayProxyEventV2): void {
    if (!event.requestContext?.http) {
      throw new ClientError(400, 'expected an API Gateway HTTP API event');
    }
  }

  async handle(
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyResultV2> {
    const route = orderRoute(event);

    if (route.action === 'read') {
      const order = await this.orders.find(parseOrderId(route.id));
      if (!order) throw new ClientError(404, `order ${route.id} not found`);
      return json(200, order);
    }
    const { maxQuantity } = await this.limits();
    const { item, quantity } = parseNewOrder(event, maxQuantity);
    return json(201, await this.orders.add(item, quantity));
  }

  @AfterInvoke()
  audit(
    result: APIGatewayProxyResultV2,
    event: APIGatewayProxyEventV2,
    context: Context,
  ): void {
    const status = typeof result === 'object' ? result.statusCode : 200;
    this.logger.info('order request served', {
      requestId: context.awsRequestId,
      route: event.routeKey,
      status,
    });
  }

  @OnError()
  toResponse(error: unknown): APIGatewayProxyResultV2 | undefined {
    if (error instanceof ClientError) {
      return json(error.statusCode, { message: error.message }, error.headers);
    }
    const sqlState = dataException(error);
    if (sqlState !== undefined) {
      this.logger.warn('database refused a value of the request', {
        sqlState,
        errorMessage: (error as Error).message,
      });
      return json(400, {
        message: `a value in the request is not valid (SQLSTATE ${sqlState})`,
      });
    }
    return undefined;
  }
}
