import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Compiles the package into dist/ once per test run: tests that start a
 * plain node child process (SIGTERM, generated entries, the local runtime)
 * load the compiled package, by name, as a deployed function does.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');

  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
}
