import { parseEvent, parseEvents } from '../../../src/runtime/local';

describe('parseEvents', () => {
  it('reads a JSON array as one event per element', () => {
    const events = parseEvents('[{"id":1},{"id":2}]', 'events.json');

    expect(events).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('reads any other JSON value as one event', () => {
    const events = parseEvents('{"id":1}', 'stdin');

    expect(events).toEqual([{ id: 1 }]);
  });

  it('reads JSON lines, skipping blank lines', () => {
    const events = parseEvents('{"id":1}\n\n"two"\n3\n', 'events.jsonl');

    expect(events).toEqual([{ id: 1 }, 'two', 3]);
  });

  it('reads nothing from blank text', () => {
    expect(parseEvents(' \n', 'stdin')).toEqual([]);
  });

  it('names the source and line that is not JSON', () => {
    const parse = () => parseEvents('{"id":1}\n{"id":\n', 'events.jsonl');

    expect(parse).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        message: expect.stringMatching(/^events\.jsonl:2: not a JSON value/),
      }),
    );
  });
});

describe('parseEvent', () => {
  it('reads a JSON array as a single event', () => {
    expect(parseEvent('[1, 2]', 'event.json')).toEqual([1, 2]);
  });

  it('names the source that is not JSON', () => {
    expect(() => parseEvent('{', 'event.json')).toThrow(
      /^event\.json: not a JSON value/,
    );
  });
});
