import { singleton } from 'tsyringe';
import {
  Handler,
  Lazy,
  OnInit,
  createHandler,
  serializeEmf,
  type EmfDocument,
  type PoolStats,
  type Pooled,
} from '../../src';
import { createFakeContext } from '../../src/testing';
import { emfProblems } from './emf-spec';

const LAMBDA_ENV = {
  AWS_LAMBDA_FUNCTION_NAME: 'orders',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
};

@singleton()
class Pool implements Pooled {
  opened = 0;

  @OnInit()
  connect(): void {
    this.opened++;
  }

  poolStats(): PoolStats {
    return { opened: this.opened, open: 1 };
  }
}

@Handler()
class Orders {
  constructor(readonly pool: Pool) {}

  @Lazy()
  settings(): { region: string } {
    return { region: 'eu-west-1' };
  }

  handle(event: { fail?: boolean }): string {
    if (event.fail) throw new Error('refused');
    return this.settings().region;
  }
}

async function lifecycle(options: Parameters<typeof createHandler>[1] = {}) {
  const documents: EmfDocument[] = [];
  const handler = createHandler(Orders, {
    env: LAMBDA_ENV,
    shutdownSignal: false,
    metrics: { sink: (document) => documents.push(document) },
    ...options,
  });
  await handler.ready;
  await handler({}, createFakeContext());
  await handler({ fail: true }, createFakeContext()).catch(() => undefined);
  await handler.shutdown();
  return documents;
}

function capturedStdout(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  return { lines, restore: () => spy.mockRestore() };
}

describe('EMF documents', () => {
  it('writes one document at INIT, one per invocation and one at SHUTDOWN', async () => {
    const documents = await lifecycle();

    expect(documents.map((doc) => doc.LifecyclePhase)).toEqual([
      'INIT',
      'INVOKE',
      'INVOKE',
      'SHUTDOWN',
    ]);
  });

  it('follows the EMF specification in every document', async () => {
    const documents = await lifecycle();

    for (const document of documents) {
      expect(emfProblems(JSON.parse(serializeEmf(document)))).toEqual([]);
    }
  });

  it('serialises exactly as JSON.stringify does', async () => {
    const documents = await lifecycle();

    for (const document of documents) {
      expect(JSON.parse(serializeEmf(document))).toEqual(
        JSON.parse(JSON.stringify(document)),
      );
    }
  });

  it('names the function as the dimension and uses the default namespace', async () => {
    const [init] = await lifecycle();

    expect(init._aws.CloudWatchMetrics).toEqual([
      expect.objectContaining({
        Namespace: 'LambdaLifecycle',
        Dimensions: [['FunctionName']],
      }),
    ]);
    expect(init.FunctionName).toBe('orders');
  });

  it('takes the namespace and dimensions it is given', async () => {
    const documents: EmfDocument[] = [];

    await lifecycle({
      metrics: {
        namespace: 'Shop/Orders',
        dimensions: { Service: 'orders', Stage: 'prod' },
        sink: (document) => documents.push(document),
      },
    });

    expect(documents[1]._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Shop/Orders',
      Dimensions: [['Service', 'Stage']],
    });
    expect(documents[1]).toMatchObject({ Service: 'orders', Stage: 'prod' });
    expect(emfProblems(documents[1])).toEqual([]);
  });

  it('writes each document as a single line to stdout by default', async () => {
    const stdout = capturedStdout();

    try {
      await lifecycle({ metrics: {}, logger: undefined });
    } finally {
      stdout.restore();
    }

    const emf = stdout.lines.filter((line) => line.includes('"_aws"'));
    expect(emf).toHaveLength(4);
    for (const line of emf) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      expect(emfProblems(JSON.parse(line))).toEqual([]);
    }
  });

  it('records nothing with metrics: false', async () => {
    const stdout = capturedStdout();

    try {
      await lifecycle({ metrics: false });
    } finally {
      stdout.restore();
    }

    expect(stdout.lines.filter((line) => line.includes('"_aws"'))).toEqual([]);
  });

  it('is on by default inside Lambda and off elsewhere', async () => {
    const stdout = capturedStdout();

    try {
      await lifecycle({ metrics: undefined });
      await lifecycle({ metrics: undefined, env: {} });
    } finally {
      stdout.restore();
    }

    const emf = stdout.lines.filter((line) => line.includes('"_aws"'));
    expect(emf).toHaveLength(4);
    expect(emf.map((line) => JSON.parse(line).FunctionName)).toEqual(
      Array(4).fill('orders'),
    );
  });
});
