import { quoteYaml, toYaml } from '../../src/cli/yaml-emitter';
import { readYaml } from './yaml-reader';

describe(toYaml.name, () => {
  it('writes nested mappings and sequences in block style, two spaces a level', () => {
    const text = toYaml({
      Transform: 'AWS::Serverless-2016-10-31',
      Globals: {
        Function: { Architectures: ['arm64'], MemorySize: 256 },
      },
      Empty: {},
      None: [],
    });

    expect(text).toBe(
      [
        'Transform: AWS::Serverless-2016-10-31',
        'Globals:',
        '  Function:',
        '    Architectures:',
        '      - arm64',
        '    MemorySize: 256',
        'Empty: {}',
        'None: []',
        '',
      ].join('\n'),
    );
  });

  it('reads back as the value it was written from', () => {
    const value = {
      Top: 'AWS::Serverless-2016-10-31',
      Nested: { List: ['a', 'b c', '1'], Count: 3, On: true, Empty: {} },
      Items: ['y: z', 'plain', 2, false],
      None: [],
    };

    expect(readYaml(toYaml(value))).toEqual(value);
  });

  it.each([
    ['index.handler'],
    ['dist-lambda/orders/'],
    ['nodejs22.x'],
    ['x86_64'],
    ['AWS::Serverless::Function'],
  ])('writes %j bare', (value) => {
    expect(toYaml({ Value: value })).toBe(`Value: ${value}\n`);
  });

  it.each([
    ['2010-09-09'],
    ['256'],
    ['0x1F'],
    ['yes'],
    ['No'],
    ['null'],
    ['~'],
    [''],
    ['key: value'],
    ['ends:'],
    ['# not a comment'],
    ['- item'],
    ['*alias'],
    ['&anchor'],
    ['!Ref Orders'],
    ['{ a: 1 }'],
    ['a b'],
    [' padded '],
    ['.inf'],
    ['"quoted"'],
    ["it's"],
    ['back\\slash'],
    ['line\nbreak'],
    ['tab\there'],
    ['bell\u0007'],
    ['del\u007f'],
    ['caf\u00e9'],
    ['line\u2028separator'],
    ['bom\ufeff'],
    ['smile \u{1f600}'],
  ])('quotes %j so that it reads back as the same string', (value) => {
    const text = toYaml({ Value: value });

    expect(text).toMatch(/^Value: "/);
    expect(text.split('\n')).toHaveLength(2);
    expect(readYaml(text)).toEqual({ Value: value });
  });

  it('writes only printable ASCII', () => {
    const text = quoteYaml('caf\u00e9 \u{1f600} \u2028');

    expect(text).toBe('"caf\\u00E9 \\U0001F600 \\u2028"');
  });

  it('quotes keys that are not plain names', () => {
    const text = toYaml({ 'a key': 1, plain_Key1: 2 });

    expect(text).toBe('"a key": 1\nplain_Key1: 2\n');
  });

  it('refuses numbers that are not whole', () => {
    expect(() => toYaml({ Value: 0.5 })).toThrow(
      'YAML: only whole numbers are written, not 0.5',
    );
  });

  it('writes the same text for the same value', () => {
    const value = { B: { D: ['x', 'y'], C: 'z w' }, A: 1 };

    expect(toYaml(value)).toBe(toYaml(structuredClone(value)));
  });
});
