import { container, injectable, singleton } from 'tsyringe';
import type { GreetingEvent } from './greeting.handler';

// The middle side of the bundle benchmark: the same handler and service
// built by tsyringe alone, with no lifecycle, no graph check, no metrics,
// no logger and no shutdown path. What it costs over the plain handler is
// what reflect-metadata and tsyringe cost; what lambda-lifecycle costs over
// it is the framework's own share.

@singleton()
class Greeter {
  greet(name: string): string {
    return `hello ${name}`;
  }
}

@injectable()
class GreetingHandler {
  constructor(private readonly greeter: Greeter) {}

  handle(event: GreetingEvent): { statusCode: number; body: string } {
    return { statusCode: 200, body: this.greeter.greet(event.name) };
  }
}

const instance = container.resolve(GreetingHandler);

/** What Lambda calls. */
export async function handler(
  event: GreetingEvent,
): Promise<{ statusCode: number; body: string }> {
  return instance.handle(event);
}
