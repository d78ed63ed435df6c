import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
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

  describe('when the directories on the import path have unsafe names', () => {
    // The entries go to a sibling of the config's directory, so the import
    // path runs through its name: names that would end the string literal
    // and run code, a quote, URL syntax and a newline.
    const NAMES = [
      "x';process.exit(7);'",
      "x'+process.exit(7)+'",
      "O'Brien",
      '100% #1?',
      'new\nline',
    ];

    function writeConfigIn(dir: string, formats = ['esm', 'cjs']): string {
      const fixture = path.join(__dirname, 'fixtures', 'greeter.handler.cjs');
      project.write(
        path.join(dir, 'handlers', 'greeter.handler.cjs'),
        readFileSync(fixture, 'utf8'),
      );
      const config = path.join(dir, 'lambda-lifecycle.config.json');
      project.writeConfig(
        { outDir: '../entries', formats, handlers: { greeter: GREETER } },
        config,
      );
      return config;
    }

    /** Loads an entry in a new node process and invokes it once. */
    async function loadAndInvoke(entry: string) {
      const script = [
        "const { createRequire } = await import('node:module');",
        "const load = createRequire(process.cwd() + '/');",
        entry.endsWith('.mjs')
          ? `const { handler } = await import('${entry}');`
          : `const { handler } = load('${entry}');`,
        "const result = await handler({ name: 'Ada' }, { awsRequestId: 'r-2' });",
        'process.stdout.write(JSON.stringify(result));',
      ].join('\n');

      const child = await run(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd: project.dir },
      );
      return JSON.parse(child.stdout) as unknown;
    }

    it.each(NAMES)(
      'imports the handler through %j and runs nothing else',
      async (dir) => {
        const config = writeConfigIn(dir);

        const { code, err } = await generate('--config', config);

        expect({ code, err }).toEqual({ code: 0, err: '' });
        for (const entry of [
          './entries/greeter.mjs',
          './entries/greeter.cjs',
        ]) {
          await expect(loadAndInvoke(entry)).resolves.toEqual({
            message: 'hello Ada',
            requestId: 'r-2',
          });
        }
      },
    );

    it('refuses an ES module entry under a name with a backslash, naming the field', async () => {
      const config = writeConfigIn('back\\slash');

      const { code, err } = await generate('--config', config);

      expect(code).toBe(1);
      expect(err).toContain(
        'lambda-lifecycle.config.json, handler "greeter": "module" resolves ' +
          `to ${project.file('back\\slash/handlers/greeter.handler.cjs')}`,
      );
      expect(existsSync(project.file('entries'))).toBe(false);
    });

    it('writes a CommonJS entry that requires through a backslash', async () => {
      const config = writeConfigIn('back\\slash', ['cjs']);

      const { code } = await generate('--config', config);

      expect(code).toBe(0);
      await expect(loadAndInvoke('./entries/greeter.cjs')).resolves.toEqual({
        message: 'hello Ada',
        requestId: 'r-2',
      });
    });

    it('finds the entries up to date with --check', async () => {
      const config = writeConfigIn(NAMES[0]);
      await generate('--config', config);

      const { code, out } = await generate('--config', config, '--check');

      expect(code).toBe(0);
      expect(out).toBe('up to date  2 entries\n');
    });
  });
});
