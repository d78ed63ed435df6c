#!/usr/bin/env node
// Installs what the end-to-end tests run generated entries under: the real
// Lambda runtime interface clients (aws-lambda-ric 3.3.0 and 4.x) and a
// Node.js 24 binary, all from the npm registry, into test/e2e/runtimes; and,
// when the tests run on a Node.js major other than 20, a Node.js 20 binary
// from the same registry package into test/e2e/runtimes/node-20, so that
// ric 3.3.0 really runs on Node.js 20.
// The clients compile native code, which needs autoconf, automake and
// libtool besides the compilers; as root this installs them with apt-get.
// Runs before `npm test`; does nothing when everything is in place.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'test', 'e2e', 'runtimes');
const node20Dir = join(dir, 'node-20');
const node20 = join(node20Dir, 'node_modules', 'node-20', 'bin', 'node');
const say = (line) => process.stdout.write(`e2e runtimes: ${line}\n`);

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

function ensureBuildTools() {
  const missing = [
    ['autoconf', 'autoconf'],
    ['automake', 'automake'],
    ['libtoolize', 'libtool'],
  ].filter(([command]) => !has(command));
  if (missing.length === 0) return;

  const packages = missing.map(([, pkg]) => pkg);
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing ${packages.join(', ')}: install them (apt-get install ` +
        `${packages.join(' ')}) to build aws-lambda-ric's native addon`,
    );
  }
  say(`installing ${packages.join(', ')} with apt-get`);
  const apt = {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  };
  execFileSync('apt-get', ['update', '-qq'], apt);
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], apt);
}

/** Whether `where` holds an install of exactly its lockfile. */
function installed(where) {
  const lock = readFileSync(join(where, 'package-lock.json'));
  const digest = createHash('sha256').update(lock).digest('hex');
  const marker = join(where, 'node_modules', '.installed');
  const current = existsSync(marker) && readFileSync(marker, 'utf8');
  return {
    done: current === digest,
    mark: () => writeFileSync(marker, digest),
  };
}

/** `npm ci` in `where`, unless it is installed already. */
function install(where, what, before = () => undefined) {
  const state = installed(where);
  if (state.done) return;

  before();
  say(`installing ${what}`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: where,
    stdio: 'inherit',
  });
  state.mark();
  say('ready');
}

install(
  dir,
  'aws-lambda-ric 3.3.0 and 4.x and Node.js 24 (builds native code, about 2 minutes)',
  ensureBuildTools,
);

// The ric 3.3.0 cases run on the node running the tests when it is 20.
if (process.versions.node.split('.')[0] !== '20') {
  install(node20Dir, 'Node.js 20');
  const version = execFileSync(node20, ['--version'], { encoding: 'utf8' });
  if (!version.startsWith('v20.')) {
    throw new Error(`${node20} is Node.js ${version.trim()}, not 20`);
  }
}
