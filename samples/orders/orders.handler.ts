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
import { ClientError, parseNewOrder, parseOrderId } from './order-request';

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

function json(statusCode: number, body: unknown): APIGatewayProxyResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/**
 * An HTTP API (API Gateway v2) handler for orders: `GET /orders/{id}` and
 * `POST /orders` with `{ "item": string, "quantity": number }`, stored in
 * PostgreSQL through the environment's connection pool. A bad request gets
 * 400 with the reason, a missing order 404; only server faults reject, and
 * reach Lambda as the invocation's error.
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

  /** Limits read once per environment and refreshed every minute. */
  @Lazy({ ttlMs: 60_000 })
  async limits(): Promise<Limits> {
    return { maxQuantity: Number(process.env.ORDERS_MAX_QUANTITY ?? 100) };
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
    const { method } = event.requestContext.http;
    const id = event.pathParameters?.id;

    if (method === 'GET' && id !== undefined) {
      const order = await this.orders.find(parseOrderId(id));
      if (!order) throw new ClientError(404, `order ${id} not found`);
      return json(200, order);
    }
    if (method === 'POST' && id === undefined) {
      const { maxQuantity } = await this.limits();
      const { item, quantity } = parseNewOrder(event, maxQuantity);
      return json(201, await this.orders.add(item, quantity));
    }
    throw new ClientError(405, `${method} ${event.rawPath} is not supported`);
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
      return json(error.statusCode, { message: error.message });
    }
    return undefined;
  }
}
