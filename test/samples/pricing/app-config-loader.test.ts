import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppConfigLoader } from '../../../samples/pricing/app-config-loader';

const CONFIG = {
  version: 'from-document',
  currency: 'EUR',
  taxRate: 0.2,
  prices: { teapot: 2_500 },
};

interface Answer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

/** A stand-in for the AppConfig agent on loopback, answering `answer`. */
async function agent(answer: Answer): Promise<{ url: string; server: Server }> {
  const server = createServer((_, response) => {
    response.writeHead(answer.status ?? 200, answer.headers ?? {});
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/applications/pricing`, server };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe(AppConfigLoader.name, () => {
  const servers: Server[] = [];

  async function loaderFor(answer: Answer): Promise<AppConfigLoader> {
    const { url, server } = await agent(answer);
    servers.push(server);
    return new AppConfigLoader(url);
  }

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(stop));
  });

  it('loads the configuration, versioned by the agent’s header', async () => {
    const loader = await loaderFor({
      headers: { 'Configuration-Version': '7' },
      body: JSON.stringify(CONFIG),
    });

    const config = await loader.load();

    expect(config).toEqual({ ...CONFIG, version: '7' });
  });

  it('takes the document’s version when the agent sends none', async () => {
    const loader = await loaderFor({ body: JSON.stringify(CONFIG) });

    await expect(loader.load()).resolves.toMatchObject({
      version: 'from-document',
    });
  });

  it('names the URL and the status when the agent answers with an error', async () => {
    const loader = await loaderFor({ status: 404, body: 'no such profile' });

    await expect(loader.load()).rejects.toThrow(
      /pricing configuration from http:\/\/127\.0\.0\.1:\d+\/applications\/pricing: HTTP 404 no such profile/,
    );
  });

  it('names the URL when the answer is not JSON', async () => {
    const loader = await loaderFor({ body: '<html>' });

    await expect(loader.load()).rejects.toThrow(/pricing: not JSON$/);
  });

  it('names the field that is wrong', async () => {
    const loader = await loaderFor({
      body: JSON.stringify({ ...CONFIG, taxRate: 20 }),
    });

    await expect(loader.load()).rejects.toThrow(
      /pricing: "taxRate" must be a number from 0 up to 1$/,
    );
  });

  it('names the URL when nothing listens there', async () => {
    const { url, server } = await agent({ body: '' });
    await stop(server);

    const loading = new AppConfigLoader(url).load();

    await expect(loading).rejects.toThrow(
      /pricing configuration from http:\/\/127\.0\.0\.1:\d+\/applications\/pricing: request failed/,
    );
  });
});
