import { serializeEmf, type EmfDocument } from '../../src';

const DIRECTIVES = Object.freeze([
  Object.freeze({
    Namespace: 'Shop',
    Dimensions: Object.freeze([Object.freeze(['FunctionName'])]),
    Metrics: Object.freeze([
      Object.freeze({ Name: 'Latency', Unit: 'Milliseconds' as const }),
    ]),
  }),
]);

function document(members: Record<string, unknown>): EmfDocument {
  return {
    _aws: { Timestamp: 1_700_000_000_000, CloudWatchMetrics: DIRECTIVES },
    FunctionName: 'orders',
    ...members,
  };
}

describe(serializeEmf.name, () => {
  it('writes _aws first and the members in their order', () => {
    const line = serializeEmf(document({ Latency: 1.5, Outcome: 'ok' }));

    expect(line.startsWith('{"_aws":{"Timestamp":1700000000000,')).toBe(true);
    expect(Object.keys(JSON.parse(line))).toEqual([
      '_aws',
      'FunctionName',
      'Latency',
      'Outcome',
    ]);
  });

  it.each([
    ['a millisecond value', 12.345],
    ['a value under one', 0.007],
    ['trailing zeros', 2.5],
    ['a long fraction', 1 / 3],
    ['a negative value', -4.25],
    ['a large integer', 2 ** 40],
    ['zero', 0],
    ['a zero in the tenths', 3.05],
    ['hundredths', 3.25],
  ])('writes %s as JSON.stringify does', (_, value) => {
    const line = serializeEmf(document({ Latency: value }));

    expect(line).toBe(JSON.stringify(document({ Latency: value })));
  });

  it('writes numbers JSON cannot hold as null', () => {
    const line = serializeEmf(document({ A: Number.NaN, B: Infinity }));

    expect(JSON.parse(line)).toMatchObject({ A: null, B: null });
  });

  it.each([
    ['quotes and backslashes', 'say "hi" \\ bye'],
    ['a newline', 'two\nlines'],
    ['a lone surrogate', 'broken \ud800 pair'],
    ['a long string', 'x'.repeat(1000)],
  ])('escapes a string with %s as JSON does', (_, text) => {
    const line = serializeEmf(document({ Note: text }));

    expect(line).not.toContain('\n');
    expect(JSON.parse(line).Note).toBe(text);
    expect(line).toContain(JSON.stringify(text));
  });

  it('writes objects and arrays as JSON and leaves out what JSON leaves out', () => {
    const line = serializeEmf(
      document({ Values: [1, 2], Meta: { a: 1 }, Gone: undefined, f: () => 1 }),
    );

    expect(JSON.parse(line)).toEqual({
      ...JSON.parse(JSON.stringify(document({}))),
      Values: [1, 2],
      Meta: { a: 1 },
    });
  });

  it('serialises directives that are not frozen each time anew', () => {
    const directives = [
      { Namespace: 'A', Dimensions: [[]], Metrics: [] as never[] },
    ];
    const doc = { _aws: { Timestamp: 1, CloudWatchMetrics: directives } };

    serializeEmf(doc);
    directives[0].Namespace = 'B';

    expect(JSON.parse(serializeEmf(doc))._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'B', Dimensions: [[]], Metrics: [] },
    ]);
  });
});
