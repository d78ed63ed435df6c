import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// Every file the package's exports map points at must be one that the
// build compiles. A stale file left in dist/ by an earlier build hides a
// missing one on a working copy; a fresh clone then fails to resolve it,
// so the check reads what tsc compiles, not what dist/ holds.

const ROOT = path.resolve(__dirname, '..');

type Target = string | Record<string, string>;

const manifest = JSON.parse(
  readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
) as { exports: Record<string, Target> };

/** The sources `tsc -p <project>` compiles, relative to the root. */
function compiled(project: string): Set<string> {
  const run = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', project, '--listFilesOnly'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return new Set(
    run.stdout
      .split('\n')
      .filter((file) => file.startsWith(ROOT) && !file.includes('node_modules'))
      .map((file) => path.relative(ROOT, file)),
  );
}

/** The source of a dist/ file, and the tsc project that writes it. */
function sourceOf(target: string): { source: string; project: string } {
  const file = path.normalize(target);
  const esm = file.startsWith(path.join('dist', 'esm') + path.sep);
  const inDist = path.relative(esm ? path.join('dist', 'esm') : 'dist', file);
  return {
    source: inDist.replace(/\.d\.ts$|\.js$/, '.ts'),
    project: esm ? 'tsconfig.esm.json' : 'tsconfig.build.json',
  };
}

describe('package.json exports', () => {
  const projects = new Map<string, Set<string>>();
  const targets = Object.entries(manifest.exports)
    .filter(([subpath]) => subpath !== './package.json')
    .flatMap(([subpath, target]) =>
      Object.entries(
        typeof target === 'string' ? { default: target } : target,
      ).map(([condition, file]) => ({ subpath, condition, file })),
    );

  it.each(targets)(
    '$subpath ($condition) points at a file the build compiles',
    ({ file }) => {
      const { source, project } = sourceOf(file);
      if (!projects.has(project)) projects.set(project, compiled(project));

      expect(projects.get(project)).toContain(source);
    },
  );
});
