import type { GreetingEvent } from './greeting.handler';

// The plain side of the bundle benchmark: the same answer, hand-written.

function greet(name: string): string {
  return `hello ${name}`;
}

/** What Lambda calls. */
export async function handler(
  event: GreetingEvent,
): Promise<{ statusCode: number; body: string }> {
  return { statusCode: 200, body: greet(event.name) };
}
