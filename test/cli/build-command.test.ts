import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { LifecycleError } from '../../src';
import { loadEsbuild } from '../../src/cli/build-bundle';
import { runBuildCommand } from '../../src/cli/build-command';
import { runGenerateCommand } from '../../src/cli/generate-command';
import { TempProject } from './temp-project';

const run = promisify(execFile);

// Bundling and the check run real esbuild and node child processes.
jest.setTimeout(30_000);

const COUNTER = {
  module: './handlers/counter.handler.cjs',
  export: 'CounterHandler',
};

// Loads a bundle the way Lambda's runtime would, calls its handler twice
// and prints the two results.
const INVOKE_TWICE = `
const { pathToFileURL } = require('node:url');
const file = process.argv[1];
(async () => {
  const { handler } = file.endsWith('.mjs')
    ? await import(pathToFileURL(file).href)
    : require(file);
  await handler.ready;
  const context = { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 3000 };
  const first = await handler({ name: 'a' }, context);
  const second = await handler({ name: 'b' }, context);
  process.stdout.write(JSON.stringify([first, second]));
})();
`;

// Loads a bundle whose INIT fails and prints the error's message.
const PRINT_INIT_ERROR = `
const { pathToFileURL } = require('node:url');
import(pathToFileURL(process.argv[1]).href).catch((error) => {
  process.stdout.write(String(error.message));
});
`;

describe(runBuildCommand.name, () => {
  let project: TempProject;

  beforeEach(() => {
    project = new TempProject();
    for (const name of [
      'counter.handler.cjs',
      'untyped.handler.cjs',
      'ts-input.handler.cjs',
      'clock.ts',
    ]) {
      project.addFixture(name);
    }
  });

  afterEach(() => {
    project.remove();
  });

  async function generate(...argv: string[]) {
    const io = project.io();
    const code = await runGenerateCommand(argv, io);
    if (code !== 0) throw new Error(`generate exited ${code}: ${io.err}`);
  }

  async function build(...argv: string[]) {
    const io = project.io();
    const code = await runBuildCommand(argv, io);
    return { code, out: io.out, err: io.err };
  }

  async function invokeTwice(bundle: string): Promise<unknown> {
    const { stdout } = await run(
      process.execPath,
      ['-e', INVOKE_TWICE, project.file(bundle)],
      { cwd: project.dir, env: { PATH: process.env.PATH } },
    );
    return JSON.parse(stdout);
  }

  it('bundles each entry into one file per handler that keeps injection and CommonJS globals working', async () => {
    project.writeConfig({ handlers: { counter: COUNTER } });
    await generate();

    const { code } = await build();

    expect(code).toBe(0);
    expect(await invokeTwice('dist-lambda/counter/index.mjs')).toEqual([
      { name: 'a', count: 1, file: 'index.mjs' },
      { name: 'b', count: 2, file: 'index.mjs' },
    ]);
  });

  it('prints each bundle size, in bytes and KB, and what it is made of, then the check', async () => {
    project.writeConfig({ handlers: { counter: COUNTER, greeter: COUNTER } });
    await generate();

    const { out } = await build();

    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^bundling 2 handlers with esbuild \d+\.\d+\.\d+ \(esm, node20, minified\)$/,
    );
    expect(lines[1]).toMatch(
      /^counter {2}dist-lambda\/counter\/index\.mjs {2}[\d,]+ B {2}\d+\.\d KB {2}lambda-lifecycle \d+\.\d KB, /,
    );
    expect(lines[1]).toMatch(/tsyringe \d+\.\d KB/);
    expect(lines[1]).toMatch(/reflect-metadata \d+\.\d KB/);
    expect(lines[1]).toMatch(/your code \d+\.\d KB/);
    expect(lines[2].indexOf('dist-lambda')).toBe(
      lines[1].indexOf('dist-lambda'),
    );
    expect(lines[2].indexOf(' KB')).toBe(lines[1].indexOf(' KB'));
    expect(lines[3]).toBe(
      'checked 2 handlers: dependency graphs complete, constructor types kept',
    );
  });

  it("loads Node.js's own modules with require in an ES module bundle", async () => {
    project.writeConfig({ handlers: { counter: COUNTER } });
    await generate();

    await build();

    const bundle = project.read('dist-lambda/counter/index.mjs');
    expect(bundle).not.toMatch(/(from|import)\s*"node:/);
    expect(bundle).toMatch(/\("node:http"\)/);
  });

  it('reports the bundle size that is on disk', async () => {
    project.writeConfig({ handlers: { counter: COUNTER } });
    await generate();

    const { out } = await build();

    const size = readFileSync(
      project.file('dist-lambda/counter/index.mjs'),
    ).length;
    expect(out).toContain(` ${size.toLocaleString('en-US')} B `);
  });

  it('bundles the CommonJS entries with --format cjs and removes the other format', async () => {
    project.writeConfig({
      formats: ['esm', 'cjs'],
      handlers: { counter: COUNTER },
    });
    await generate();
    await build();

    const { code, out } = await build('--format', 'cjs', '--out-dir', 'out');
    await build('--format', 'cjs');

    expect(code).toBe(0);
    expect(out).toContain('(cjs, node20, minified)');
    expect(await invokeTwice('out/counter/index.cjs')).toEqual([
      { name: 'a', count: 1, file: 'index.cjs' },
      { name: 'b', count: 2, file: 'index.cjs' },
    ]);
    expect(existsSync(project.file('dist-lambda/counter/index.cjs'))).toBe(
      true,
    );
    expect(existsSync(project.file('dist-lambda/counter/index.mjs'))).toBe(
      false,
    );
  });

  it('leaves modules named by --external out of the bundle', async () => {
    project.writeConfig({ handlers: { counter: COUNTER } });
    await generate();

    const { code, out } = await build('--external', 'reflect-metadata');

    const bundle = project.read('dist-lambda/counter/index.mjs');
    expect(code).toBe(0);
    expect(out).not.toContain('reflect-metadata ');
    expect(bundle).toMatch(/import\s*"reflect-metadata"/);
  });

  it('leaves the packages the config lists under "external" out too', async () => {
    project.writeConfig({
      external: ['reflect-metadata'],
      handlers: { counter: COUNTER },
    });
    await generate();

    const { code, out } = await build();

    const bundle = project.read('dist-lambda/counter/index.mjs');
    expect(code).toBe(0);
    expect(out).not.toContain('reflect-metadata ');
    expect(bundle).toMatch(/import\s*"reflect-metadata"/);
  });

  it('keeps the names of your classes, and not those of the framework, in a minified bundle', async () => {
    project.addFixture('vault.handler.cjs');
    project.writeConfig({
      handlers: {
        vault: {
          module: './handlers/vault.handler.cjs',
          export: 'VaultHandler',
        },
      },
    });
    await generate();

    await build();

    const { stdout } = await run(
      process.execPath,
      ['-e', PRINT_INIT_ERROR, project.file('dist-lambda/vault/index.mjs')],
      { cwd: project.dir, env: { PATH: process.env.PATH } },
    );
    expect(stdout).toContain('@OnInit on Vault.open: hook failed: sealed');
    const bundle = project.read('dist-lambda/vault/index.mjs');
    expect(bundle).toContain('"VaultHandler"');
    expect(bundle).not.toContain('"MetricsRecorder"');
  });

  it('writes a linked source map with --sourcemap', async () => {
    project.writeConfig({ handlers: { counter: COUNTER } });
    await generate();

    await build('--sourcemap');

    const bundle = project.read('dist-lambda/counter/index.mjs');
    expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\n?$/);
    expect(existsSync(project.file('dist-lambda/counter/index.mjs.map'))).toBe(
      true,
    );
  });

  it('fails, naming the class, when a bundle has lost constructor types, and removes that bundle', async () => {
    project.writeConfig({
      handlers: {
        counter: COUNTER,
        reports: {
          module: './handlers/untyped.handler.cjs',
          export: 'ReportsHandler',
        },
      },
    });
    await generate();

    const { code, err } = await build();

    expect(code).toBe(1);
    expect(err).toContain(
      'lambda-lifecycle build: handler "reports" (dist-lambda/reports/index.mjs): ' +
        'MISSING_TYPE_INFO: Cannot build ReportsHandler: 1 problem in its ' +
        'dependency graph.',
    );
    expect(err).toContain(
      'ReportsHandler parameter #0 -> Repository has 1 constructor ' +
        'parameter(s) but no type metadata',
    );
    expect(err).not.toContain('handler "counter"');
    expect(existsSync(project.file('dist-lambda/reports/index.mjs'))).toBe(
      false,
    );
    expect(existsSync(project.file('dist-lambda/counter/index.mjs'))).toBe(
      true,
    );
  });

  it('fails when a bundle compiled TypeScript sources, naming them and the class', async () => {
    project.writeConfig({
      handlers: {
        clock: {
          module: './handlers/ts-input.handler.cjs',
          export: 'ClockHandler',
        },
      },
    });
    await generate('--no-verify');

    const { code, err } = await build();

    expect(code).toBe(1);
    expect(err).toContain(
      'handler "clock" (dist-lambda/clock/index.mjs): esbuild compiled ' +
        'TypeScript sources (handlers/clock.ts)',
    );
    expect(err).toContain(
      'ClockHandler parameter #0 -> Repository has 1 constructor parameter(s)',
    );
  });

  it("fails with esbuild's errors, file and line, when a module does not parse", async () => {
    project.write('handlers/broken.handler.cjs', 'module.exports = {\n  ;\n');
    project.writeConfig({
      handlers: {
        broken: { module: './handlers/broken.handler.cjs', export: 'Broken' },
      },
    });
    await generate('--no-verify');

    const { code, err } = await build();

    expect(code).toBe(1);
    expect(err).toContain(
      'lambda-lifecycle build: esbuild could not bundle entries/broken.mjs:\n' +
        '  handlers/broken.handler.cjs:2: ',
    );
  });

  it('refuses missing and stale entries and asks for generate', async () => {
    project.writeConfig({ handlers: { counter: COUNTER, other: COUNTER } });
    await generate();
    project.write('entries/counter.mjs', '// edited\n');
    project.writeConfig({
      handlers: { counter: COUNTER, other: COUNTER, third: COUNTER },
    });

    const { code, err } = await build();

    expect(code).toBe(1);
    expect(err).toContain('entries/counter.mjs is out of date');
    expect(err).toContain('entries/third.mjs is missing');
    expect(err).not.toContain('entries/other.mjs');
    expect(err).toContain('Run lambda-lifecycle generate first.');
  });

  it.each([
    [['--format', 'umd'], '--format takes esm, cjs; got "umd"'],
    [
      ['--format', 'cjs'],
      '--format cjs: lambda-lifecycle.config.json generates no cjs entries',
    ],
    [['--bundle'], 'unknown option "--bundle"'],
    [['orders'], 'unexpected argument "orders"'],
  ])('exits 2 with the usage for %j', async (argv, problem) => {
    project.writeConfig({ handlers: { counter: COUNTER } });

    const { code, err } = await build(...argv);

    expect(code).toBe(2);
    expect(err).toContain(`lambda-lifecycle build: ${problem}`);
    expect(err).toContain('Usage: lambda-lifecycle build');
  });

  it('prints its usage for --help', async () => {
    const { code, out } = await build('--help');

    expect(code).toBe(0);
    expect(out).toContain('Usage: lambda-lifecycle build [options]');
  });
});

describe(loadEsbuild.name, () => {
  it('names the package and how to install it when it is missing', async () => {
    const loading = loadEsbuild(__dirname, 'esbuild-that-is-not-installed');

    await expect(loading).rejects.toThrow(LifecycleError);
    await expect(loading).rejects.toThrow(
      'npm install --save-dev esbuild-that-is-not-installed',
    );
  });

  it('loads the installed esbuild', async () => {
    const esbuild = await loadEsbuild(path.resolve(__dirname, '../..'));

    expect(typeof esbuild.build).toBe('function');
  });
});
