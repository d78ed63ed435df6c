import { singleton } from 'tsyringe';
import { Handler } from 'lambda-lifecycle';

// The framework side of the bundle benchmark: a handler with one injected
// service and no other dependency. tsc compiles it (with its decorator
// metadata) before it is bundled, as `lambda-lifecycle build` expects.

/** The event both sides of the benchmark handle. */
export interface GreetingEvent {
  readonly name: string;
}

/** Built once per environment and injected into the handler. */
@singleton()
export class Greeter {
  greet(name: string): string {
    return `hello ${name}`;
  }
}

@Handler()
export class GreetingHandler {
  constructor(private readonly greeter: Greeter) {}

  handle(event: GreetingEvent): { statusCode: number; body: string } {
    return { statusCode: 200, body: this.greeter.greet(event.name) };
  }
}
