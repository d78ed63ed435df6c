import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// .ci/run as a dry run: the commands it calls to look at and start the
// servers (pg_lsclusters, pg_isready, pg_ctlcluster, redis-cli) and npm are
// small scripts on PATH that record their arguments, so that the shared
// servers of this machine are neither stopped nor started.

const SCRIPT = path.resolve(__dirname, '..', '..', '.ci', 'run');

interface DryRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Each recorded command line, in order. */
  readonly calls: string[];
}

/** Runs .ci/run with PostgreSQL down and these clusters listed. */
function dryRun(clusters: string): DryRun {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'ci-run-'));
  const calls = path.join(bin, 'calls');
  const started = path.join(bin, 'started');
  const stub = (name: string, body: string) => {
    const file = path.join(bin, name);
    writeFileSync(
      file,
      `#!/bin/sh\necho "${name} $*" >> "${calls}"\n${body}\n`,
    );
    chmodSync(file, 0o755);
  };
  stub('pg_lsclusters', `cat <<'EOF'\n${clusters}\nEOF`);
  stub('pg_isready', `[ -e "${started}" ]`);
  stub('pg_ctlcluster', `touch "${started}"`);
  stub('redis-cli', 'echo PONG');
  stub('npm', 'true');

  try {
    const run = spawnSync('bash', [SCRIPT], {
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    const recorded = readFileSync(calls, 'utf8').trim().split('\n');
    return {
      status: run.status,
      stdout: run.stdout,
      stderr: run.stderr,
      calls: recorded.filter((line) => !/^(pg_isready|redis-cli) /.test(line)),
    };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

describe('.ci/run', () => {
  it('starts the stopped cluster on port 5432 when several versions are installed', () => {
    const run = dryRun(
      [
        '16 main    5432 down   postgres /var/lib/postgresql/16/main log',
        '17 main    5433 down   postgres /var/lib/postgresql/17/main log',
        '17 archive 5434 online postgres /var/lib/postgresql/17/archive log',
      ].join('\n'),
    );

    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      'pg_lsclusters --no-header',
      'pg_ctlcluster --skip-systemctl-redirect 16 main start',
      'npm ci',
      'npm test',
    ]);
    expect(run.stdout).toContain('.ci/run: PostgreSQL is up');
  });

  it('starts only the newest of two stopped clusters set to the same port', () => {
    const run = dryRun(
      [
        '13 main 5432 down postgres /var/lib/postgresql/13/main log',
        '16 main 5432 down postgres /var/lib/postgresql/16/main log',
      ].join('\n'),
    );

    expect(run.calls).toContain(
      'pg_ctlcluster --skip-systemctl-redirect 16 main start',
    );
    expect(run.calls.filter((c) => c.startsWith('pg_ctlcluster'))).toHaveLength(
      1,
    );
  });

  it('fails, saying why, when no stopped cluster is set to port 5432', () => {
    const run = dryRun(
      '15 main 5433 down postgres /var/lib/postgresql/15/main log',
    );

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no stopped cluster on port 5432');
    expect(run.calls).not.toContain('npm test');
  });
});
