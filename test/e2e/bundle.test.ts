import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBuildCommand } from '../../src/cli/build-command';
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

// The bundles `lambda-lifecycle build` makes from the generated entries,
// run under the real Lambda runtime interface clients: the same fixture as
// lambda-runtime.test.ts (compiled with tsc, which emits the decorator
// metadata). Each bundle runs from a copy of its folder outside the
// repository, as it would be deployed: with no node_modules to fall back
// on. Set E2E_TIMELINE=1 to print each test's timeline.

jest.setTimeout(30_000);

const FORMAT_NAMES: Readonly<Record<Format, string>> = {
  esm: 'ES module bundle',
  cjs: 'CommonJS bundle',
};

/**
 * Compiles the fixture into `dir`/handlers, generates both entries, bundles
 * each format into `dir`/<format>/orders/index.<ext>, and copies the bundle
 * folders into `deployed`.
 */
async function buildBundles(dir: string, deployed: string): Promise<void> {
  compileFixture(dir, { formats: ['esm', 'cjs'] });

  await runCommand(runGenerateCommand, [], dir);
  for (const format of ['esm', 'cjs']) {
    await runCommand(
      runBuildCommand,
      ['--format', format, '--out-dir', format],
      dir,
    );
    cpSync(path.join(dir, format), path.join(deployed, format), {
      recursive: true,
    });
  }
}

describe('bundles from lambda-lifecycle build under the Lambda runtime clients', () => {
  // Inside the package, so that the compiled fixture resolves
  // `lambda-lifecycle` by its own name when bundled; build/ is ignored.
  let workDir: string;
  let deployed: string;
  const sigtermToExit: string[] = [];

  beforeAll(async () => {
    checkRuntimesInstalled();
    mkdirSync(path.join(ROOT, 'build'), { recursive: true });
    workDir = mkdtempSync(path.join(ROOT, 'build', 'e2e-bundle-'));
    deployed = mkdtempSync(path.join(os.tmpdir(), 'lambda-lifecycle-task-'));
    await buildBundles(workDir, deployed);
  });

  afterAll(() => {
    for (const dir of [workDir, deployed]) {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
    if (sigtermToExit.length > 0) {
      process.stdout.write(`SIGTERM to exit:\n${sigtermToExit.join('\n')}\n`);
    }
  });

  describe.each(
    MATRIX.map(([client, format]) => ({
      client,
      format,
      label: `${FORMAT_NAMES[format]} under ${client.name}`,
    })),
  )('$label', ({ client, format, label }) => {
    const file = format === 'esm' ? 'index.mjs' : 'index.cjs';

    runtimeCases({
      label,
      client,
      format,
      entry: () => path.join(deployed, format, 'orders', file),
      traceFile: file,
      scratchDir: () => deployed,
      sigtermToExit,
    });
  });
});
