import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Compiles the package into dist/ once per test run: tests that start a
 * plain node child process (SIGTERM, generated entries, the local runtime)
 * load the compiled package, by name, as a deployed function does, and the
 * bundling tests bundle its ES module build (dist/esm), as esbuild does.
 *
 * tsc emits JavaScript even when it finds type errors; those are the type
 * check's to report (`npm run typecheck`), so here they only get a warning
 * and the tests run against what was emitted.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');

  for (const project of ['tsconfig.build.json', 'tsconfig.esm.json']) {
    const build = spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', project],
      { cwd: root, encoding: 'utf8' },
    );

    if (build.error) throw build.error;
    if (build.status !== 0) {
      const errors = build.stdout
        .split('\n')
        .filter((l) => l.includes('error'));
      process.stderr.write(
        `\nglobal-setup: tsc found ${errors.length} type error(s) while ` +
          `building ${project}; run npm run typecheck.\n`,
      );
    }
  }
}
