import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback server standing in for the AppConfig agent extension. */
export interface ConfigAgent {
  /** What PRICING_CONFIG_URL is set to. */
  readonly url: string;
  /** How many requests it answered. */
  readonly requests: () => number;
  readonly close: () => Promise<void>;
}

/**
 * Serves the pricing configuration the sample tests expect (version "3",
 * EUR, 20 % tax, green tea at 450) and counts the requests.
 */
export async function startConfigAgent(): Promise<ConfigAgent> {
  let requests = 0;
  const agent = createServer((_, response) => {
    requests++;
    response.writeHead(200, { 'Configuration-Version': '3' });
    response.end(
      JSON.stringify({
        version: 'document',
        currency: 'EUR',
        taxRate: 0.2,
        prices: { 'green-tea': 450, teapot: 2_500 },
      }),
    );
  });
  await new Promise<void>((ready) => agent.listen(0, '127.0.0.1', ready));

  const { port } = agent.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/pricing`,
    requests: () => requests,
    close: async () => {
      agent.closeAllConnections();
      await new Promise((done) => agent.close(done));
    },
  };
}
