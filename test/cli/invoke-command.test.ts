import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { runInvokeCommand } from '../../src/cli/invoke-command';
import type { TimelineEntry } from '../../src/runtime/local';

// Child processes on a 2-core CI machine: a few seconds per test at worst.
jest.setTimeout(20_000);

const FIXTURES = path.join(__dirname, '..', 'runtime', 'fixtures');
const fixture = (name: string) => path.join(FIXTURES, 'local-runtime', name);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

async function invoke(
  argv: string[],
  stdin: string[] | 'terminal' = 'terminal',
): Promise<Run> {
  const stdout = sink();
  const stderr = sink();
  const input =
    stdin === 'terminal'
      ? Object.assign(Readable.from([]), { isTTY: true })
      : Readable.from(stdin);

  const code = await runInvokeCommand(argv, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: input,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('runInvokeCommand', () => {
  it('prints the timeline for people with log lines under their phase', async () => {
    const run = await invoke(
      [fixture('echo.mjs'), '--idle', '20'],
      ['{"orderId":1}\n', '{"orderId":2}\n'],
    );

    const lines = run.stdout.trimEnd().split('\n');
    expect(run.code).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(/^INIT {10,}[\d.]+ ms {2}ok$/),
      expect.stringMatching(
        /^INVOKE {4}cold +[\d.]+ ms {2}ok {7}[0-9a-f]{8}…$/,
      ),
      expect.stringMatching(/^ {10}\| handling [0-9a-f-]{36}$/),
      expect.stringMatching(/^IDLE +[\d.]+ ms$/),
      expect.stringMatching(/^INVOKE {4}warm +[\d.]+ ms {2}ok /),
      expect.stringMatching(/^ {10}\| handling /),
      'SHUTDOWN  SIGKILL  (no extension registered: no SIGTERM, no cleanup ' +
        'runs)',
    ]);
  });

  it('leaves the log lines out with --quiet', async () => {
    const run = await invoke([fixture('echo.mjs'), '--quiet']);

    expect(run.stdout).not.toContain('handling');
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(3);
  });

  it('reports SIGTERM and the time to exit when an extension registered', async () => {
    const run = await invoke([fixture('extension.mjs')]);

    expect(run.stdout).toMatch(
      /^SHUTDOWN {2}SIGTERM -> exit [\d.]+ ms {2}\(1 extension registered: cleanup \(internal\)\)\n {10}\| SIGTERM: closing the pool\n {10}\| pool closed\n$/m,
    );
  });

  it('prints the timeline as JSON with --json', async () => {
    const run = await invoke([fixture('echo.mjs'), '--json'], ['[{}, {}]']);

    const { timeline } = JSON.parse(run.stdout) as {
      timeline: TimelineEntry[];
    };
    expect(run.code).toBe(0);
    expect(timeline.map((entry) => entry.phase)).toEqual([
      'INIT',
      'INVOKE',
      'INVOKE',
      'SHUTDOWN',
    ]);
    expect(timeline[1]).toMatchObject({ coldStart: true, outcome: 'ok' });
  });

  it('exits 1 and shows the error when an invocation fails', async () => {
    const run = await invoke(
      [fixture('throws.cjs'), '--quiet'],
      ['{"orderId":7}'],
    );

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^INVOKE {4}cold +[\d.]+ ms {2}error {4}TypeError: order 7 has no items$/m,
    );
  });

  it('exits 1 when INIT fails', async () => {
    const run = await invoke([fixture('init-error.cjs'), '--quiet']);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^INIT +[\d.]+ ms {2}error {4}Error: settings table is missing$/m,
    );
  });

  describe('when events come from files', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'invoke-command-'));
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('sends an --event file as one event and --events as several', async () => {
      writeFileSync(path.join(dir, 'one.json'), '[1, 2]');
      writeFileSync(path.join(dir, 'many.jsonl'), '{"n":1}\n\n{"n":2}\n');

      const run = await invoke([
        fixture('echo.mjs'),
        '--json',
        '--event',
        path.join(dir, 'one.json'),
        '--events',
        path.join(dir, 'many.jsonl'),
      ]);

      const { timeline } = JSON.parse(run.stdout) as {
        timeline: TimelineEntry[];
      };
      const events = timeline.flatMap((entry) =>
        entry.phase === 'INVOKE'
          ? [(entry.result as { event: unknown }).event]
          : [],
      );
      expect(events).toEqual([[1, 2], { n: 1 }, { n: 2 }]);
    });

    it('exits 2 naming an --event file that is not JSON', async () => {
      writeFileSync(path.join(dir, 'broken.json'), '{"orderId": ');

      const run = await invoke([
        fixture('echo.mjs'),
        '--event',
        path.join(dir, 'broken.json'),
      ]);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('broken.json: not a JSON value');
    });
  });

  describe('on bad usage', () => {
    it('exits 2 naming an unknown flag, with the usage line', async () => {
      const run = await invoke([fixture('echo.mjs'), '--bogus']);

      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        'lambda-lifecycle invoke: unknown option --bogus\n' +
          'Usage: lambda-lifecycle invoke <entry> [options]\n',
      );
    });

    it('exits 2 naming a flag with a wrong value', async () => {
      const run = await invoke([fixture('echo.mjs'), '--timeout', 'soon']);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--timeout soon: expected');
    });

    it('exits 2 when the entry does not exist', async () => {
      const run = await invoke([fixture('missing.mjs')]);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('missing.mjs does not exist');
    });

    it('exits 2 when no entry is given', async () => {
      const run = await invoke(['--json']);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('no <entry> given');
    });
  });

  it('prints its options with --help', async () => {
    const run = await invoke(['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--events <file>');
  });
});
