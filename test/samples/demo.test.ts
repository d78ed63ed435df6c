import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// [slow] `npm start` as a newcomer runs it: in a copy of the project (its
// sources, samples and config, with this checkout's node_modules linked),
// so that its `npm run build` writes a dist/ of its own and not the one the
// other tests load; with no DATABASE_URL (the embedded PostgreSQL) and the
// Redis server this machine runs. It compiles the package twice and starts
// pglite, which takes tens of seconds on a busy machine.

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..', '..');
const COPIED = [
  'package.json',
  'tsconfig.base.json',
  'tsconfig.build.json',
  'tsconfig.esm.json',
  'src',
  'decorators',
  'samples',
];
const SAMPLES = ['orders', 'pricing', 'order-events'];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function npmStart(cwd: string): Promise<Run> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;

  return new Promise((done, fail) => {
    const child = spawn('npm', ['start'], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The lines the demo printed under `lambda-lifecycle invoke` of `sample`. */
function section(stdout: string, sample: string): string[] {
  const heading = `lambda-lifecycle invoke build/entries/${sample}.mjs`;
  const start = stdout.indexOf(heading);
  if (start < 0) return [];
  const next = stdout.indexOf('\nlambda-lifecycle ', start + heading.length);
  return stdout.slice(start, next < 0 ? undefined : next).split('\n');
}

describe('npm start [slow]', () => {
  let copy: string;
  let run: Run;

  beforeAll(async () => {
    copy = mkdtempSync(path.join(os.tmpdir(), 'lambda-lifecycle-start-'));
    for (const entry of COPIED) {
      cpSync(path.join(ROOT, entry), path.join(copy, entry), {
        recursive: true,
      });
    }
    symlinkSync(
      path.join(ROOT, 'node_modules'),
      path.join(copy, 'node_modules'),
      'dir',
    );

    run = await npmStart(copy);
  });

  afterAll(() => {
    if (copy !== undefined) rmSync(copy, { recursive: true, force: true });
  });

  it('exits 0', () => {
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
  });

  it.each(SAMPLES)(
    'runs %s through INIT, a cold and warm invocations, and SHUTDOWN by SIGTERM',
    (sample) => {
      const lines = section(run.stdout, sample);

      expect(lines).toContainEqual(expect.stringMatching(/^INIT +\S+ ms +ok/));
      expect(lines).toContainEqual(
        expect.stringMatching(/^INVOKE +cold +\S+ ms +ok/),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^INVOKE +warm +\S+ ms +ok/),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^SHUTDOWN +SIGTERM -> exit/),
      );
    },
  );

  it('uses the embedded PostgreSQL when DATABASE_URL is not set', () => {
    expect(section(run.stdout, 'orders').join('\n')).toContain(
      '"embedded database opened"',
    );
  });

  it('ends with the report of every sample', () => {
    const report = run.stdout.slice(
      run.stdout.indexOf('lambda-lifecycle report'),
    );

    expect(report).toMatch(
      /lambda-lifecycle report: orders, pricing, order-events, 3 environments/,
    );
    expect(report).toMatch(/Invocations +9 \(3 cold, 6 warm\)/);
    expect(report).toMatch(/Environments +3 INITs \(0 failed\)/);
  });
});
