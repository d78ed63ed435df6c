import { existsSync, mkdirSync } from 'node:fs';
import { runSamCommand } from '../../src/cli/sam-command';
import { TempProject } from './temp-project';
import { readYaml } from './yaml-reader';

const GREETER = {
  module: './handlers/greeter.handler.cjs',
  export: 'GreeterHandler',
};

interface Template {
  Globals: { Function: Record<string, unknown> };
  Resources: Record<string, { Properties: Record<string, unknown> }>;
}

describe(runSamCommand.name, () => {
  let project: TempProject;

  beforeEach(() => {
    project = new TempProject();
  });

  afterEach(() => {
    project.remove();
  });

  async function sam(...argv: string[]) {
    const io = project.io();
    const code = await runSamCommand(argv, io);
    return { code, out: io.out, err: io.err };
  }

  function written(file = 'template.yaml'): Template {
    return readYaml(project.read(file)) as Template;
  }

  it('writes template.yaml with one function per handler and lists them', async () => {
    project.writeConfig({
      handlers: { greeter: { ...GREETER, memory: 512, timeout: 20 } },
    });
    mkdirSync(project.file('dist-lambda/greeter'), { recursive: true });

    const { code, out } = await sam();

    expect(code).toBe(0);
    expect(out).toBe(
      'wrote  template.yaml\n  GreeterFunction  dist-lambda/greeter/\n',
    );
    expect(written().Resources.GreeterFunction.Properties).toMatchObject({
      CodeUri: 'dist-lambda/greeter/',
      MemorySize: 512,
      Timeout: 20,
    });
  });

  it('says which bundles are not built yet', async () => {
    project.writeConfig({ handlers: { greeter: GREETER } });

    const { out } = await sam();

    expect(out).toContain(
      '  GreeterFunction  dist-lambda/greeter/  not built yet: run lambda-lifecycle build',
    );
  });

  it('takes the runtime, architecture, template file and bundle folder from flags', async () => {
    project.writeConfig({ handlers: { greeter: GREETER } });

    const { code } = await sam(
      '--runtime',
      'nodejs24.x',
      '--arch',
      'arm64',
      '--out',
      'deploy/stack.yaml',
      '--bundle-dir',
      'out/lambda',
    );

    expect(code).toBe(0);
    expect(written('deploy/stack.yaml').Globals.Function).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    expect(
      written('deploy/stack.yaml').Resources.GreeterFunction.Properties.CodeUri,
    ).toBe('../out/lambda/greeter/');
  });

  it('defaults to nodejs22.x on x86_64', async () => {
    project.writeConfig({ handlers: { greeter: GREETER } });

    await sam();

    expect(written().Globals.Function).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['x86_64'],
    });
  });

  it('writes the same bytes when run again, and says so', async () => {
    project.writeConfig({ handlers: { greeter: GREETER } });
    await sam();
    const first = project.read('template.yaml');

    const { out } = await sam();

    expect(project.read('template.yaml')).toBe(first);
    expect(out).toMatch(/^unchanged {2}template\.yaml\n/);
  });

  it('with --check, exits 1 for a missing or stale template and 0 for a current one', async () => {
    project.writeConfig({ handlers: { greeter: GREETER } });

    const missing = await sam('--check');
    await sam();
    const current = await sam('--check');
    project.writeConfig({ handlers: { greeter: { ...GREETER, timeout: 5 } } });
    const stale = await sam('--check');

    expect(missing).toMatchObject({
      code: 1,
      out: expect.stringContaining('missing  template.yaml'),
    });
    expect(current).toMatchObject({
      code: 0,
      out: 'up to date  template.yaml\n',
    });
    expect(stale).toMatchObject({
      code: 1,
      out: expect.stringContaining('stale  template.yaml'),
    });
  });

  it.each([
    [
      { memory: 64 },
      '"memory" must be a whole number of MB from 128 to 10240, got 64',
    ],
    [
      { memory: 20_480 },
      '"memory" must be a whole number of MB from 128 to 10240',
    ],
    [
      { timeout: 0 },
      '"timeout" must be a whole number of seconds from 1 to 900, got 0',
    ],
    [
      { timeout: 3600 },
      '"timeout" must be a whole number of seconds from 1 to 900',
    ],
    [
      { environment: { 'db-url': 'x' } },
      'environment variable "db-url": a name starts with a letter',
    ],
    [{ environment: { _PRIVATE: 'x' } }, 'environment variable "_PRIVATE"'],
    [
      { environment: { AWS_LAMBDA_FUNCTION_NAME: 'x' } },
      'environment variable "AWS_LAMBDA_FUNCTION_NAME" is reserved',
    ],
  ])(
    'refuses %j naming the handler, and writes nothing',
    async (fields, problem) => {
      project.writeConfig({ handlers: { greeter: { ...GREETER, ...fields } } });

      const { code, err } = await sam();

      expect(code).toBe(1);
      expect(err).toContain(
        `lambda-lifecycle sam: lambda-lifecycle.config.json, handler "greeter": ${problem}`,
      );
      expect(existsSync(project.file('template.yaml'))).toBe(false);
    },
  );

  it.each([
    [
      ['--runtime', 'nodejs18.x'],
      '--runtime takes nodejs20.x, nodejs22.x, nodejs24.x; got "nodejs18.x"',
    ],
    [['--arch', 'arm'], '--arch takes x86_64, arm64; got "arm"'],
    [['--config', 'missing.json'], 'no config file at missing.json'],
  ])('exits 2 with the usage for %j', async (argv, problem) => {
    project.writeConfig({ handlers: { greeter: GREETER } });

    const { code, err } = await sam(...argv);

    expect(code).toBe(2);
    expect(err).toContain(`lambda-lifecycle sam: ${problem}`);
    expect(err).toContain('Usage: lambda-lifecycle sam');
  });
});
