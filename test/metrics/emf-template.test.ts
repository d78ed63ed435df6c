import {
  serializeEmf,
  type EmfDocument,
  type MetricDirective,
} from '../../src';
import { EmfTemplate } from '../../src/metrics/emf-template';

const DIRECTIVES: readonly MetricDirective[] = [
  {
    Namespace: 'LambdaLifecycle',
    Dimensions: [['FunctionName']],
    Metrics: [
      { Name: 'InvocationDuration', Unit: 'Milliseconds' },
      { Name: 'InvocationsInEnvironment', Unit: 'Count' },
    ],
  },
];
const CONSTANTS = {
  FunctionName: 'orders',
  LifecyclePhase: 'INVOKE',
  EnvironmentId: '0a1b2c3d',
};
const NAMES = ['RequestId', 'InvocationDuration', 'InvocationsInEnvironment'];

/** The values of one document, and the object serializeEmf is given. */
function documentOf(
  timestamp: number,
  requestId: unknown,
  duration: unknown,
  count: unknown = 1,
): { timestamp: number; values: unknown[]; document: EmfDocument } {
  const values = [requestId, duration, count];
  const document: Record<string, unknown> = {
    _aws: { Timestamp: timestamp, CloudWatchMetrics: DIRECTIVES },
    ...CONSTANTS,
  };
  NAMES.forEach((name, i) => (document[name] = values[i]));
  return { timestamp, values, document: document as unknown as EmfDocument };
}

type Case = ReturnType<typeof documentOf>;

const text = (template: EmfTemplate, { timestamp, values }: Case) => {
  const { bytes, length } = template.encode(timestamp, values);
  return Buffer.from(bytes.subarray(0, length)).toString('utf8');
};

describe(EmfTemplate.name, () => {
  const template = new EmfTemplate(DIRECTIVES, CONSTANTS, NAMES);
  const now = Date.UTC(2025, 0, 1, 12);

  it('encodes a document as serializeEmf writes it, newline added', () => {
    const cases = [
      documentOf(now, 'c0ffee00-6460-443e-b33c-30dff5b29cc9', 1.34, 2),
      documentOf(now + 1, 'r-1', 0.005, 0),
      documentOf(now + 999, 'r-2', 254.41, 12_345),
      documentOf(now, 'r-3', 1.2, -7),
      documentOf(now, 'r-4', 1000.1, Number.MAX_SAFE_INTEGER),
      documentOf(now, '', 0, 1),
    ];

    for (const each of cases) {
      expect(text(template, each)).toBe(`${serializeEmf(each.document)}\n`);
    }
  });

  it('writes values it cannot place byte by byte through the string path', () => {
    const cases = [
      documentOf(now, 'café', 1),
      documentOf(now, 'quote"d', 1),
      documentOf(now, 'line\nbreak', 1),
      documentOf(now, 'x'.repeat(300), 1),
      documentOf(now, 'r-1', 1 / 3),
      documentOf(now, 'r-1', Number.NaN),
      documentOf(now, 'r-1', 1e300),
      documentOf(now, 'r-1', -2.5),
      documentOf(now, 'r-1', 2, undefined),
      documentOf(999, 'r-1', 2),
      documentOf(now + 0.5, 'r-1', 2),
    ];

    for (const each of cases) {
      expect(text(template, each)).toBe(`${serializeEmf(each.document)}\n`);
    }
  });

  it('overwrites its buffer on the next call, shorter lines included', () => {
    const long = documentOf(now, 'long-request-id', 123.456, 999_999);
    const short = documentOf(now + 1, 'r', 1, 1);

    text(template, long);
    const second = text(template, short);

    expect(second).toBe(`${serializeEmf(short.document)}\n`);
  });

  it('builds the same line as a string, without the newline', () => {
    const { timestamp, values, document } = documentOf(now, 'r-1', 1.5);

    expect(template.line(timestamp, values)).toBe(serializeEmf(document));
  });
});
