#!/usr/bin/env node
// Installs what the end-to-end tests run generated entries under: the real
// Lambda runtime interface clients (aws-lambda-ric 3.3.0 and 4.x) and a
// Node.js 24 binary, all from the npm registry, into test/e2e/runtimes.
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
const marker = join(dir, 'node_modules', '.installed');
const lock = readFileSync(join(dir, 'package-lock.json'));
const digest = createHash('sha256').update(lock).digest('hex');
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

if (existsSync(marker) && readFileSync(marker, 'utf8') === digest) {
  process.exit(0);
}
ensureBuildTools();
say(
  'installing aws-lambda-ric 3.3.0 and 4.x and Node.js 24 (builds native code, about 2 minutes)',
);
execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
  cwd: dir,
  stdio: 'inherit',
});
writeFileSync(marker, digest);
say('ready');
