import 'reflect-metadata';
import { createHandler, type LifecycleObserver } from 'lambda-lifecycle';
import { createFakeContext } from 'lambda-lifecycle/testing';
import { OrdersHandler } from './orders/orders.handler';

// Limitation: the demo runs the handler in this process; it does not yet go
// through a local Lambda Runtime API, so SHUTDOWN is called, not signalled.

const out = process.stdout;
const ms = (value: number) => `${value.toFixed(2).padStart(8)} ms`;

const timeline: LifecycleObserver = {
  hookEnded: ({ kind, name, outcome, durationMs }) =>
    out.write(
      `  ${kind.padEnd(13)}${name.padEnd(28)}${outcome.padEnd(10)}${ms(durationMs)}\n`,
    ),
  invocationEnded: ({ coldStart, durationMs, idleMs, outcome }) =>
    out.write(
      `INVOKE  ${coldStart ? 'cold' : 'warm'}  ${outcome.padEnd(7)}` +
        `${ms(durationMs)}   idle before ${ms(idleMs)}\n`,
    ),
  phaseChanged: ({ to }) => {
    if (to !== 'INVOKING' && to !== 'READY') out.write(`${to}\n`);
  },
};

function request(method: string, body?: unknown) {
  return {
    version: '2.0',
    routeKey: `${method} /orders`,
    rawPath: '/orders/1',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    pathParameters: { id: '1' },
    body: body === undefined ? undefined : JSON.stringify(body),
    requestContext: { http: { method, path: '/orders/1' } },
  } as never;
}

async function main(): Promise<void> {
  const handler = createHandler(OrdersHandler, {
    observers: [timeline],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  await handler.ready;
  out.write(`READY   init took ${ms(handler.stats.initDurationMs ?? 0)}\n`);

  const events = [
    request('POST', { item: 'tea', quantity: 2 }),
    request('GET'),
    request('POST', { item: '', quantity: 1 }),
  ];
  for (const event of events) {
    await handler(event, createFakeContext({ functionName: 'orders' }));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  await handler(request('GET'), createFakeContext({ functionName: 'orders' }));

  const report = await handler.shutdown();
  out.write(
    `shutdown took ${ms(report.durationMs)}, ${report.problems.length} problems\n`,
  );
}

main().catch((error: unknown) => {
  process.exitCode = 1;
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
});
