import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { runGenerateCommand } from '../../src/cli/generate-command';
import { TempProject } from './temp-project';

const run = promisify(execFile);

const GREETER = {
  module: './handlers/greeter.handler.cjs',
  export: 'GreeterHandler',
};

describe(runGenerateCommand.name, () => {
  let project: TempProject;

  beforeEach(() => {
    project = new TempProject();
  });

  afterEach(() => {
    project.remove();
  });

  async function generate(...argv: string[]) {
    const io = project.io();
    const code = await runGenerateCommand(argv, io);
    return { code, out: io.out, err: io.err };
  }

  describe('when given a config file', () => {
    it('writes both entries and prints one aligned line per file', async () => {
      project.writeConfig({
        outDir: 'entries',
        formats: ['esm', 'cjs'],
        handlers: { greeter: GREETER, hello: GREETER },
      });

      const { code, out } = await generate();

      expect(code).toBe(0);
      expect(out.split('\n')).toEqual([
        'wrote  entries/greeter.mjs  GreeterHandler  (./handlers/greeter.handler.cjs)',
        'wrote  entries/greeter.cjs  GreeterHandler  (./handlers/greeter.handler.cjs)',
        'wrote  entries/hello.mjs    GreeterHandler  (./handlers/greeter.handler.cjs)',
        'wrote  entries/hello.cjs    GreeterHandler  (./handlers/greeter.handler.cjs)',
        '',
      ]);
      expect(project.read('entries/greeter.mjs')).toContain(
        "import { GreeterHandler } from '../handlers/greeter.handler.cjs';",
      );
    });

    it('writes the same bytes when run again, and says so', async () => {
      project.writeConfig({ handlers: { greeter: GREETER } });
      await generate();
      const first = project.read('entries/greeter.mjs');

      const { out } = await generate();

      expect(project.read('entries/greeter.mjs')).toBe(first);
      expect(out).toMatch(/^unchanged {2}entries\/greeter\.mjs/);
    });

    it('removes entries it generated for a handler no longer listed', async () => {
      project.writeConfig({ handlers: { greeter: GREETER, old: GREETER } });
      await generate();
      project.write('entries/mine.mjs', 'export const handler = 1;\n');
      project.writeConfig({ handlers: { greeter: GREETER } });

      const { out } = await generate();

      expect(out).toContain('removed    entries/old.mjs');
      expect(existsSync(project.file('entries/old.mjs'))).toBe(false);
      expect(existsSync(project.file('entries/mine.mjs'))).toBe(true);
    });

    it('reads the config named by --config, relative to itself', async () => {
      project.writeConfig(
        {
          outDir: 'out',
          handlers: {
            greeter: { ...GREETER, module: '../handlers/greeter.handler.cjs' },
          },
        },
        'config/lambda.json',
      );

      const { code } = await generate('--config', 'config/lambda.json');

      expect(code).toBe(0);
      expect(project.read('config/out/greeter.mjs')).toContain(
        '// Source: lambda.json, handler "greeter".',
      );
    });
  });

  describe('when given --handlers', () => {
    it('writes the entries the flag names', async () => {
      const { code, out } = await generate(
        '--handlers',
        'greeter=./handlers/greeter.handler.cjs#GreeterHandler',
        '--out-dir',
        'lambda',
        '--format',
        'cjs',
      );

      expect(code).toBe(0);
      expect(out).toContain('wrote  lambda/greeter.cjs  GreeterHandler');
      expect(project.read('lambda/greeter.cjs')).toContain(
        '// Source: --handlers, handler "greeter".',
      );
    });
  });

  describe('when run with --check', () => {
    beforeEach(async () => {
      project.writeConfig({
        formats: ['esm', 'cjs'],
        handlers: { greeter: GREETER },
      });
      await generate();
    });

    it('exits 0 and writes nothing when entries are up to date', async () => {
      const { code, out } = await generate('--check');

      expect(code).toBe(0);
      expect(out).toBe('up to date  2 entries\n');
    });

    it('exits 1 listing stale and missing entries, writing nothing', async () => {
      project.write('entries/greeter.mjs', '// edited by hand\n');
      project.writeConfig({
        formats: ['esm', 'cjs'],
        handlers: { greeter: GREETER, hello: GREETER },
      });

      const { code, out } = await generate('--check');

      expect(code).toBe(1);
      expect(out).toContain('stale    entries/greeter.mjs  GreeterHandler');
      expect(out).toContain('missing  entries/hello.mjs    GreeterHandler');
      expect(out).toContain('missing  entries/hello.cjs    GreeterHandler');
      expect(project.read('entries/greeter.mjs')).toBe('// edited by hand\n');
      expect(existsSync(project.file('entries/hello.mjs'))).toBe(false);
    });
  });

  describe('when a handler does not check out', () => {
    it.each([
      ['./handlers/missing.cjs', 'GreeterHandler', 'no such file'],
      ['./handlers/greeter.handler.cjs', 'Absent', 'no export "Absent"'],
      ['./handlers/greeter.handler.cjs', 'notAClass', 'is not a class'],
      [
        './handlers/greeter.handler.cjs',
        'Unmarked',
        'not marked with @Handler()',
      ],
    ])(
      'refuses %s#%s, naming the handler',
      async (module, exportName, what) => {
        project.writeConfig({
          handlers: { greeter: { module, export: exportName } },
        });

        const { code, err } = await generate();

        expect(code).toBe(1);
        expect(err).toContain(
          `lambda-lifecycle.config.json, handler "greeter" (${module}): `,
        );
        expect(err).toContain(what);
        expect(existsSync(project.file('entries'))).toBe(false);
      },
    );

    it('refuses a module that fails to load', async () => {
      project.write(
        'handlers/broken.cjs',
        "throw new Error('boom at load');\n",
      );
      project.writeConfig({
        handlers: { broken: { module: './handlers/broken.cjs', export: 'X' } },
      });

      const { code, err } = await generate();

      expect(code).toBe(1);
      expect(err).toContain(
        'handler "broken" (./handlers/broken.cjs): import failed: boom at load',
      );
    });

    it('writes anyway with --no-verify', async () => {
      project.writeConfig({
        handlers: { greeter: { ...GREETER, export: 'Absent' } },
      });

      const { code } = await generate('--no-verify');

      expect(code).toBe(0);
      expect(project.read('entries/greeter.mjs')).toContain(
        'createHandler(Absent)',
      );
    });
  });

  describe('when the usage is wrong', () => {
    it.each([
      [['--bogus'], 'unknown option "--bogus"'],
      [['--config'], 'option "--config" needs a value'],
      [['extra'], 'unexpected argument "extra"'],
      [['--format', 'umd'], '--format takes esm, cjs or esm,cjs'],
      [[], 'no config file at lambda-lifecycle.config.json'],
      [['--config', 'a.json', '--handlers', 'a=./a.js#A'], 'not both'],
    ])('exits 2 for %j and prints the usage', async (argv, message) => {
      const { code, err } = await generate(...argv);

      expect(code).toBe(2);
      expect(err).toContain(message);
      expect(err).toContain('Usage: lambda-lifecycle generate');
    });

    it('prints the usage on stdout for --help and exits 0', async () => {
      const { code, out } = await generate('--help');

      expect(code).toBe(0);
      expect(out).toContain('--check');
    });
  });

  describe('when the generated entries are loaded by node', () => {
    const invoke = (load: string) =>
      [
        load,
        'const phaseAtLoad = handler.environment.phase;',
        'const context = {',
        "  awsRequestId: 'req-1',",
        '  getRemainingTimeInMillis: () => 3000,',
        '};',
        "const result = await handler({ name: 'Ada' }, context);",
        'process.stdout.write(JSON.stringify({ phaseAtLoad, result }));',
      ].join('\n');

    beforeEach(async () => {
      project.writeConfig({
        formats: ['esm', 'cjs'],
        handlers: { greeter: GREETER },
      });
      await generate();
    });

    it('runs INIT while the ES module entry loads and answers events', async () => {
      const script = invoke(
        "const { handler } = await import('./entries/greeter.mjs');",
      );

      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd: project.dir },
      );

      expect(JSON.parse(stdout)).toEqual({
        phaseAtLoad: 'READY',
        result: { message: 'hello Ada', requestId: 'req-1' },
      });
    });

    it('starts INIT as the CommonJS entry loads and awaits it on the first event', async () => {
      const script = invoke(
        "const { handler } = require('./entries/greeter.cjs');",
      );

      const { stdout } = await run(
        process.execPath,
        ['-e', `(async () => {\n${script}\n})();`],
        { cwd: project.dir },
      );

      expect(JSON.parse(stdout)).toEqual({
        phaseAtLoad: 'INIT',
        result: { message: 'hello Ada', requestId: 'req-1' },
      });
    });
  });
});
