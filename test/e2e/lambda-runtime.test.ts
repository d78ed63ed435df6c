import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runGenerateCommand } from '../../src/cli/generate-command';
import {
  MATRIX,
  ROOT,
  checkRuntimesInstalled,
  compileFixture,
  runCommand,
  runtimeCases,
  type Format,
} from './e2e-support';

// Generated entries, ES module and CommonJS, run under the real Lambda
// runtime interface clients, driven by the local runtime. The fixture
// handler is compiled with tsc and imports the package by name (dist/, built
// by global-setup); the entries come from the generate command. Set
// E2E_TIMELINE=1 to print each test's timeline.

// Child processes on a 2-core machine: well under a second per test.
jest.setTimeout(30_000);

const FORMAT_NAMES: Readonly<Record<Format, string>> = {
  esm: 'ES module entry',
  cjs: 'CommonJS entry',
};

/** Compiles the fixture into `dir`/handlers and generates both entries. */
async function buildEntries(dir: string): Promise<void> {
  compileFixture(dir);
  for (const format of ['esm', 'cjs']) {
    const argv = ['--config', 'lambda-lifecycle.config.json'];
    await runCommand(
      runGenerateCommand,
      [...argv, '--format', format, '--out-dir', format],
      dir,
    );
  }
}

describe('generated entries under the Lambda runtime clients', () => {
  // Inside the package, so that the entries and the compiled fixture
  // resolve `lambda-lifecycle` to dist/ by its own name; build/ is ignored.
  let workDir: string;
  const sigtermToExit: string[] = [];

  beforeAll(async () => {
    checkRuntimesInstalled();
    mkdirSync(path.join(ROOT, 'build'), { recursive: true });
    workDir = mkdtempSync(path.join(ROOT, 'build', 'e2e-'));
    await buildEntries(workDir);
  });

  afterAll(() => {
    if (workDir !== undefined) {
      rmSync(workDir, { recursive: true, force: true });
    }
    if (sigtermToExit.length > 0) {
      process.stdout.write(`SIGTERM to exit:\n${sigtermToExit.join('\n')}\n`);
    }
  });

  describe.each(
    MATRIX.map(([client, format]) => ({
      client,
      format,
      label: `${client.name}, ${FORMAT_NAMES[format]}`,
    })),
  )('$label', ({ client, format, label }) => {
    const file = format === 'esm' ? 'orders.mjs' : 'orders.cjs';

    runtimeCases({
      label,
      client,
      format,
      entry: () => path.join(workDir, format, file),
      traceFile: 'orders.handler.js',
      scratchDir: () => workDir,
      sigtermToExit,
    });
  });
});
