import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/main';
import { CapturedIo } from './temp-project';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'dist/src/cli/main.js');

describe(runCli.name, () => {
  it('prints the usage on stdout for --help and exits 0', async () => {
    const io = new CapturedIo(ROOT);

    const code = await runCli(['--help'], io);

    expect(code).toBe(0);
    expect(io.out).toContain('Usage: lambda-lifecycle <command>');
    expect(io.out).toMatch(/generate +write one Lambda entry file/);
    expect(io.out).toMatch(/build +bundle each entry into one minified file/);
    expect(io.out).toMatch(/sam +write an AWS SAM template/);
    expect(io.out).toMatch(/invoke +run a handler locally/);
  });

  it.each([
    [[], 'no command given'],
    [['deploy'], 'unknown command "deploy"'],
    [['__proto__'], 'unknown command "__proto__"'],
  ])('exits 2 for %j and prints the usage on stderr', async (argv, problem) => {
    const io = new CapturedIo(ROOT);

    const code = await runCli(argv, io);

    expect(code).toBe(2);
    expect(io.err).toContain(`lambda-lifecycle: ${problem}`);
    expect(io.err).toContain('Usage: lambda-lifecycle <command>');
  });

  it('passes the remaining arguments to the generate command', async () => {
    const io = new CapturedIo(ROOT);

    const code = await runCli(['generate', '--help'], io);

    expect(code).toBe(0);
    expect(io.out).toContain('Usage: lambda-lifecycle generate');
  });

  it.each([
    ['build', 'Usage: lambda-lifecycle build'],
    ['sam', 'Usage: lambda-lifecycle sam'],
  ])(
    'passes the remaining arguments to the %s command',
    async (name, usage) => {
      const io = new CapturedIo(ROOT);

      const code = await runCli([name, '--help'], io);

      expect(code).toBe(0);
      expect(io.out).toContain(usage);
    },
  );

  it('passes the remaining arguments to the invoke command', async () => {
    const io = new CapturedIo(ROOT);

    const code = await runCli(['invoke', '--help'], io);

    expect(code).toBe(0);
    expect(io.out).toContain('Usage: lambda-lifecycle invoke');
  });

  describe('when run as the compiled bin', () => {
    it('starts with a node shebang', () => {
      const firstLine = readFileSync(BIN, 'utf8').split('\n')[0];

      expect(firstLine).toBe('#!/usr/bin/env node');
    });

    it('exits with the code of the command', async () => {
      const help = await run(process.execPath, [BIN, '--help']);
      const unknown = await run(process.execPath, [BIN, 'deploy']).catch(
        (error: { code: number; stderr: string }) => error,
      );

      expect(help.stdout).toContain('Usage: lambda-lifecycle <command>');
      expect(unknown).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('unknown command "deploy"'),
      });
    });
  });
});
