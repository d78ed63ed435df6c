import { inject, singleton } from 'tsyringe';
import { LOGGER, type Logger, OnInit, OnShutdown } from 'lambda-lifecycle';

/** An order as the sample API stores it. */
export interface Order {
  readonly id: string;
  readonly item: string;
  readonly quantity: number;
}

/**
 * Where the orders sample keeps its orders: a map opened at INIT and cleared
 * at SHUTDOWN, standing in for the connection pool a real service would own.
 * The pooled-client samples swap it for PostgreSQL.
 */
@singleton()
export class OrderStore {
  #orders: Map<string, Order> | undefined;
  #nextId = 1;

  constructor(@inject(LOGGER) private readonly logger: Logger) {}

  @OnInit()
  open(): void {
    this.#orders = new Map();
    this.logger.info('order store opened');
  }

  @OnShutdown()
  close(): void {
    this.logger.info('order store closed', { orders: this.#orders?.size });
    this.#orders = undefined;
  }

  get(id: string): Order | undefined {
    return this.#open().get(id);
  }

  add(item: string, quantity: number): Order {
    const order = { id: String(this.#nextId++), item, quantity };
    this.#open().set(order.id, order);
    return order;
  }

  #open(): Map<string, Order> {
    if (this.#orders === undefined) {
      throw new Error('OrderStore used before @OnInit or after @OnShutdown');
    }
    return this.#orders;
  }
}
