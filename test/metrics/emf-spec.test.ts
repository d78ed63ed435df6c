import { emfProblems } from './emf-spec';

type Doc = Record<string, unknown> & {
  _aws: {
    Timestamp: unknown;
    CloudWatchMetrics: Record<string, unknown>[];
    [member: string]: unknown;
  };
};

/** A valid document; each test breaks one thing in a fresh copy. */
function valid(): Doc {
  return {
    _aws: {
      Timestamp: Date.UTC(2025, 0, 1),
      CloudWatchMetrics: [
        {
          Namespace: 'Shop',
          Dimensions: [['FunctionName']],
          Metrics: [
            { Name: 'Latency', Unit: 'Milliseconds' },
            { Name: 'Sizes', Unit: 'Bytes', StorageResolution: 1 },
            { Name: 'Orders' },
          ],
        },
      ],
    },
    FunctionName: 'orders',
    Latency: 1.5,
    Sizes: [10, 20, 30],
    Orders: 2,
    requestId: 'r-1',
    nested: { any: ['json', 1, true, null] },
  };
}

const directive = (doc: Doc) => doc._aws.CloudWatchMetrics[0];
const metrics = (doc: Doc) =>
  directive(doc).Metrics as Record<string, unknown>[];

describe(emfProblems.name, () => {
  it('accepts a valid document, with the optional members', () => {
    expect(emfProblems(valid())).toEqual([]);
  });

  it('accepts a valid document as it reads from a line', () => {
    expect(emfProblems(JSON.parse(JSON.stringify(valid())))).toEqual([]);
  });

  it('rejects what is not an object, or has no _aws object', () => {
    expect(emfProblems([valid()])).toEqual([
      'the document is not a JSON object',
    ]);
    expect(emfProblems({ ...valid(), _aws: 'x' })).toEqual([
      '_aws is not an object',
    ]);
  });

  it('rejects a timestamp that is not integer milliseconds', () => {
    for (const Timestamp of ['now', 1.5e12 + 0.5, 1_735_689_600, undefined]) {
      const doc = valid();
      doc._aws.Timestamp = Timestamp;

      expect(emfProblems(doc)).toEqual([
        '_aws.Timestamp is not milliseconds since the epoch',
      ]);
    }
  });

  it('rejects members the specification does not define', () => {
    const doc = valid();
    doc._aws.LogGroupName = 'mine';
    directive(doc).Name = 'extra';
    metrics(doc)[0].Value = 1;

    expect(emfProblems(doc)).toEqual([
      '_aws has a member "LogGroupName" the specification has not',
      'CloudWatchMetrics[0] has a member "Name" the specification has not',
      'CloudWatchMetrics[0].Metrics[0] has a member "Value" the specification has not',
    ]);
  });

  it('rejects a unit CloudWatch does not know, whatever its case', () => {
    const doc = valid();
    metrics(doc)[0].Unit = 'Millis';
    metrics(doc)[2].Unit = 'count';

    expect(emfProblems(doc)).toEqual([
      'CloudWatchMetrics[0].Metrics[0].Unit "Millis" is not a CloudWatch unit',
      'CloudWatchMetrics[0].Metrics[2].Unit "count" is not a CloudWatch unit',
    ]);
  });

  it('rejects a storage resolution other than 1 or 60', () => {
    const doc = valid();
    metrics(doc)[1].StorageResolution = 5;

    expect(emfProblems(doc)).toEqual([
      'CloudWatchMetrics[0].Metrics[1].StorageResolution is neither 1 nor 60',
    ]);
  });

  it('rejects a metric named twice in one directive', () => {
    const doc = valid();
    metrics(doc).push({ Name: 'Latency', Unit: 'Seconds' });

    expect(emfProblems(doc)).toEqual(['metric "Latency" is named twice']);
  });

  it('rejects a metric without a numeric root member', () => {
    const doc = valid();
    doc.Latency = '1.5';
    doc.Sizes = [1, 'two'];
    delete doc.Orders;

    expect(emfProblems(doc)).toEqual([
      'metric "Latency" is not a number',
      'metric "Sizes" holds something other than numbers',
      'metric "Orders" is missing',
    ]);
  });

  it('rejects more than 100 values, metrics or 30 dimensions', () => {
    const doc = valid();
    doc.Sizes = Array.from({ length: 101 }, (_, i) => i);
    const names = Array.from({ length: 31 }, (_, i) => `D${i}`);
    names.forEach((name) => (doc[name] = 'x'));
    directive(doc).Dimensions = [names];

    expect(emfProblems(doc)).toEqual([
      'CloudWatchMetrics[0].Dimensions[0] has more than 30 names',
      'metric "Sizes" has more than 100 values',
    ]);

    const many = valid();
    directive(many).Metrics = Array.from({ length: 101 }, (_, i) => ({
      Name: `M${i}`,
    }));
    expect(emfProblems(many)).toEqual([
      'CloudWatchMetrics[0].Metrics is not an array of at most 100',
    ]);
  });

  it('rejects a dimension that is not a string root member', () => {
    const doc = valid();
    directive(doc).Dimensions = [['FunctionName', 'Stage'], 'Region'];
    doc.FunctionName = 7;

    expect(emfProblems(doc)).toEqual([
      'dimension "FunctionName" is not a string root member',
      'dimension "Stage" is not a string root member',
      'CloudWatchMetrics[0].Dimensions[1] is not an array of names',
    ]);
  });

  it('rejects a namespace or name outside 1-255 characters', () => {
    const doc = valid();
    directive(doc).Namespace = '';
    metrics(doc)[2].Name = 'x'.repeat(256);

    expect(emfProblems(doc)).toEqual([
      'CloudWatchMetrics[0].Namespace is not a string of 1-255 characters',
      'CloudWatchMetrics[0].Metrics[2].Name is not 1-255 characters',
    ]);
  });

  it('rejects root members JSON cannot hold', () => {
    const doc = valid();
    doc.when = new Date(0);
    doc.ratio = Number.NaN;
    doc.later = () => undefined;

    expect(emfProblems(doc)).toEqual([
      'root member "when" is not a JSON value',
      'root member "ratio" is not a JSON value',
      'root member "later" is not a JSON value',
    ]);
  });

  it('rejects a document larger than a CloudWatch Logs event', () => {
    const doc = valid();
    doc.payload = 'x'.repeat(256 * 1024);

    expect(emfProblems(doc)).toEqual([
      expect.stringMatching(/^the document is \d+ bytes, above 256 KB$/),
    ]);
  });

  it('rejects directives that are not an array', () => {
    const doc = valid();
    (doc._aws as Record<string, unknown>).CloudWatchMetrics = {};

    expect(emfProblems(doc)).toEqual([
      '_aws.CloudWatchMetrics is not an array',
    ]);
  });
});
