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
import { OrderStore } from './order-store';

/** A request the handler refuses, answered with 4xx and the reason. */
export class ClientError extends Error {
  override readonly name = 'ClientError';

  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

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
 * `POST /orders` with `{ "item": string, "quantity": number }`.
 */
@Handler()
export class OrdersHandler {
  constructor(
    private readonly store: OrderStore,
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

    if (method === 'GET' && event.pathParameters?.id) {
      const order = this.store.get(event.pathParameters.id);
      if (!order) throw new ClientError(404, 'order not found');
      return json(200, order);
    }
    if (method === 'POST') {
      const { item, quantity } = await this.#parse(event.body);
      return json(201, this.store.add(item, quantity));
    }
    throw new ClientError(405, `${method} is not supported here`);
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

  async #parse(
    body: string | undefined,
  ): Promise<{ item: string; quantity: number }> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body ?? '');
    } catch {
      throw new ClientError(400, 'body must be JSON');
    }
    const { item, quantity } = (parsed ?? {}) as Record<string, unknown>;
    const { maxQuantity } = await this.limits();

    if (typeof item !== 'string' || item.trim() === '') {
      throw new ClientError(400, '"item" must be a non-empty string');
    }
    if (!Number.isInteger(quantity) || (quantity as number) < 1) {
      throw new ClientError(400, '"quantity" must be a positive integer');
    }
    if ((quantity as number) > maxQuantity) {
      throw new ClientError(400, `"quantity" must be at most ${maxQuantity}`);
    }
    return { item, quantity: quantity as number };
  }
}
