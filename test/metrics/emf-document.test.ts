import { singleton } from 'tsyringe';
import {
  Handler,
  Lazy,
  OnInit,
  createHandler,
  serializeEmf,
  silentLogger,
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

  it('writes to stdout the documents it would hand a sink', async () => {
    const stdout = capturedStdout();
    let written: string[];
    try {
      await lifecycle({ metrics: {}, logger: silentLogger });
    } finally {
      stdout.restore();
      written = stdout.lines.filter((line) => line.includes('"_aws"'));
    }
    const handed = await lifecycle();

    expect(written.map((line) => comparable(JSON.parse(line)))).toEqual(
      handed.map((doc) => comparable(JSON.parse(serializeEmf(doc)))),
    );
  });

  describe('when Lambda filters JSON logs above INFO', () => {
    const FILTERED = {
      ...LAMBDA_ENV,
      AWS_LAMBDA_LOG_FORMAT: 'JSON',
      AWS_LAMBDA_LOG_LEVEL: 'warn',
    };

    it('gives every document the level and an RFC 3339 timestamp', async () => {
      const documents = await lifecycle({ env: FILTERED });

      expect(documents).toHaveLength(4);
      for (const document of documents) {
        expect(document.level).toBe('WARN');
        expect(document.timestamp).toBe(
          new Date(document._aws.Timestamp).toISOString(),
        );
        expect(emfProblems(document)).toEqual([]);
      }
    });

    it('writes them so on stdout too', async () => {
      const stdout = capturedStdout();
      try {
        await lifecycle({ env: FILTERED, metrics: {}, logger: silentLogger });
      } finally {
        stdout.restore();
      }

      const emf = stdout.lines
        .filter((line) => line.includes('"_aws"'))
        .map((line) => JSON.parse(line));
      expect(emf).toHaveLength(4);
      for (const document of emf) {
        expect(document).toMatchObject({
          level: 'WARN',
          timestamp: new Date(document._aws.Timestamp).toISOString(),
        });
        expect(emfProblems(document)).toEqual([]);
      }
    });

    it('uses the level configured, FATAL included', async () => {
      const [init] = await lifecycle({
        env: { ...FILTERED, AWS_LAMBDA_LOG_LEVEL: 'FATAL' },
      });

      expect(init.level).toBe('FATAL');
    });

    it('adds nothing at INFO, under the text format or without a format', async () => {
      const settings = [
        { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'INFO' },
        { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'DEBUG' },
        { AWS_LAMBDA_LOG_FORMAT: 'Text', AWS_LAMBDA_LOG_LEVEL: 'ERROR' },
        { AWS_LAMBDA_LOG_LEVEL: 'ERROR' },
      ];

      for (const logging of settings) {
        const documents = await lifecycle({
          env: { ...LAMBDA_ENV, ...logging },
        });
        for (const document of documents) {
          expect(document).not.toHaveProperty('level');
          expect(document).not.toHaveProperty('timestamp');
        }
      }
    });
  });
});

/** A document without what differs between two runs: ids, times, memory. */
function comparable(document: Record<string, unknown>) {
  const varying = [
    'EnvironmentId',
    'InitDuration',
    'InvocationDuration',
    'BilledDurationEstimate',
    'IdleTime',
    'ShutdownDuration',
    'EnvironmentLifetime',
    'HeapUsed',
    'Rss',
    'MemoryUtilization',
    'RequestId',
  ];
  const { _aws, ...members } = document as {
    _aws: { CloudWatchMetrics: unknown };
  };
  return {
    keys: Object.keys(document),
    directives: _aws.CloudWatchMetrics,
    members: Object.fromEntries(
      Object.entries(members).filter(
        ([name]) => !varying.includes(name) && !name.includes('Duration.'),
      ),
    ),
  };
}
