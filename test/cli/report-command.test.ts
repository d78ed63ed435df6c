import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/main';
import { runReportCommand } from '../../src/cli/report-command';
import { FIXTURE, fixtureLines, fixtureLog } from './report-fixture';
import { CapturedIo } from './temp-project';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'lambda-lifecycle-report-'));
}

function withFile(text: string): { dir: string; file: string } {
  const dir = tempDir();
  const file = path.join(dir, 'orders.log');
  writeFileSync(file, text);
  return { dir, file };
}

async function report(argv: string[], stdin?: string) {
  const io = Object.assign(new CapturedIo(tempDir()), {
    stdin: stdin === undefined ? undefined : Readable.from([stdin]),
  });
  const code = await runReportCommand(argv, io);
  return { code, out: io.out, err: io.err };
}

/** The cells of the row that starts with `label` in the summary. */
function row(out: string, label: string): string[] {
  const line = out
    .split('\n')
    .find((l) => l.trimStart().startsWith(`${label}  `));
  if (line === undefined) throw new Error(`no row "${label}" in:\n${out}`);
  return line
    .trim()
    .slice(label.length)
    .trim()
    .split(/\s{2,}/);
}

describe(runReportCommand.name, () => {
  it('summarises a CloudWatch log at a glance', async () => {
    const { file } = withFile(fixtureLog());

    const { code, out } = await report([file]);

    expect(code).toBe(0);
    expect(out).toContain(
      'lambda-lifecycle report: orders, 2 environments, 13 documents',
    );
    expect(row(out, 'Invocations')).toEqual([
      '10 (2 cold, 8 warm), cold-start rate 20.0%, 1 error',
    ]);
    expect(row(out, 'Environments')).toEqual([
      '2 INITs (0 failed), 1 SHUTDOWN (0 problems)',
    ]);
    expect(row(out, 'INIT')).toEqual([
      '2',
      '80 ms',
      '120 ms',
      '120 ms',
      '120 ms',
    ]);
    expect(row(out, 'Database.connect')).toEqual([
      '2',
      '75 ms',
      '115 ms',
      '115 ms',
      '115 ms',
    ]);
    expect(row(out, 'Invocation')).toEqual([
      '10',
      '5 ms',
      '9 ms',
      '10 ms',
      '10 ms',
    ]);
    expect(row(out, 'Billed (estimate)')).toEqual([
      '10',
      '5 ms',
      '9 ms',
      '10 ms',
      '10 ms',
    ]);
    expect(row(out, 'Idle before warm')).toEqual([
      '8',
      '200 ms',
      '400 ms',
      '400 ms',
      '400 ms',
    ]);
    expect(row(out, 'Idle after INIT')).toEqual([
      '2',
      ...Array(4).fill('5 ms'),
    ]);
    expect(row(out, 'Connection reuse')).toEqual([
      `${FIXTURE.reuseRate} (6 reused, 2 opened one, 2 used none; 4 connections opened in all)`,
    ]);
    expect(row(out, 'Lazy hit rate')).toEqual([
      `${FIXTURE.lazyHitRate} (10 hits, 2 misses, 2 loads)`,
    ]);
    expect(row(out, 'Memory')[0]).toMatch(
      /^RSS max [\d.]+ MiB of 512 MiB \([\d.]+%\); heap max [\d.]+ MiB; 7 samples$/,
    );
  });

  it('skips lines without EMF and says how many', async () => {
    const { file } = withFile(fixtureLog());

    const { out } = await report([file]);

    expect(out).toContain(
      '(39 lines without EMF and 0 other EMF documents skipped)',
    );
  });

  it('counts EMF documents the engine did not write apart', async () => {
    const other = JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          { Namespace: 'Shop', Dimensions: [[]], Metrics: [{ Name: 'Sold' }] },
        ],
      },
      Sold: 1,
    });

    const { out } = await report([], [...fixtureLines(), other].join('\n'));

    expect(out).toContain('13 documents');
    expect(out).toContain('1 other EMF document skipped');
  });

  it('reads stdin when no file is given', async () => {
    const { code, out } = await report([], fixtureLines().join('\n'));

    expect(code).toBe(0);
    expect(row(out, 'Invocations')[0]).toContain('cold-start rate 20.0%');
  });

  it('reads the timeline that invoke prints, its log lines indented', async () => {
    const lines = fixtureLines();
    const timeline = [
      'INIT              81 ms  ok',
      ...lines.map((line) => `          | ${line}`),
      'SHUTDOWN  SIGTERM -> exit 5.7 ms  (1 extension registered)',
    ];

    const { out } = await report([], timeline.join('\n'));

    expect(out).toContain('13 documents');
    expect(out).toContain('(2 lines without EMF');
  });

  it("reads the local runtime's invoke --json output", async () => {
    const lines = fixtureLines();
    const timeline = {
      timeline: [
        { phase: 'INIT', logs: [{ text: lines[0] }] },
        {
          phase: 'INVOKE',
          logs: lines.slice(1).map((text) => ({ source: 'runtime', text })),
        },
      ],
    };

    const { out } = await report([], JSON.stringify(timeline, null, 2));

    expect(out).toContain('13 documents');
  });

  it("reads CloudWatch Logs' filter-log-events output", async () => {
    const events = fixtureLines().map((message, i) => ({
      timestamp: i,
      message: `2025-01-01T00:00:00.000Z\tr-${i}\tINFO\t${message}\n`,
    }));

    const { out } = await report([], JSON.stringify({ events }, null, 2));

    expect(out).toContain('13 documents');
  });

  it('keeps to one function with --function', async () => {
    const other = fixtureLines().map((line) =>
      line.replace('"FunctionName":"orders"', '"FunctionName":"payments"'),
    );
    const text = [...fixtureLines(), ...other.slice(0, 3)].join('\n');

    const mixed = await report([], text);
    const orders = await report(['--function', 'orders'], text);
    const none = await report(['--function', 'refunds'], text);

    expect(mixed.out).toContain('report: orders, payments, 3 environments');
    expect(orders.out).toContain(
      'report: orders, 2 environments, 13 documents',
    );
    expect(none.code).toBe(1);
    expect(none.err).toContain('no lambda-lifecycle metrics of refunds');
  });

  it('prints the summary as JSON with --json', async () => {
    const { out } = await report(['--json'], fixtureLines().join('\n'));

    const summary = JSON.parse(out);
    expect(summary).toMatchObject({
      invocations: 10,
      coldStarts: 2,
      coldStartRate: 0.2,
      invocationDuration: { count: 10, p50: 5, p90: 9, p99: 10, max: 10 },
      connections: {
        reused: 6,
        opening: 2,
        unused: 2,
        reuseRate: 0.75,
        opened: 4,
      },
    });
    expect(summary.invocationDuration.values).toBeUndefined();
  });

  it('reads the reuse of providers that do not count acquisitions', async () => {
    const invoke = (members: Record<string, number>) =>
      JSON.stringify({
        _aws: { Timestamp: Date.UTC(2025, 0, 1), CloudWatchMetrics: [] },
        FunctionName: 'orders',
        LifecyclePhase: 'INVOKE',
        EnvironmentId: 'e1',
        InvocationDuration: 1,
        ...members,
      });
    const lines = [
      invoke({ ConnectionsOpened: 0, ConnectionReused: 1, ConnectionsOpen: 1 }),
      invoke({ ConnectionsOpened: 1, ConnectionReused: 0, ConnectionsOpen: 1 }),
      invoke({ ConnectionsOpened: 0, ConnectionReused: 0, ConnectionsOpen: 0 }),
    ];

    const { out } = await report(['--json'], lines.join('\n'));

    expect(JSON.parse(out).connections).toEqual({
      reused: 1,
      opening: 1,
      unused: 1,
      reuseRate: 0.5,
      opened: 1,
    });
  });

  it('writes a self-contained HTML page with --html', async () => {
    const { dir, file } = withFile(fixtureLog());
    const page = path.join(dir, 'out', 'report.html');

    const { code, out } = await report([file, '--html', page]);

    expect(code).toBe(0);
    expect(out).toContain(`wrote ${page}`);
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link rel="stylesheet"|src=|url\(/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html.match(/<svg /g)).toHaveLength(5);
  });

  it('exits 1 when the log holds no lifecycle metrics', async () => {
    const { code, err } = await report([], 'START RequestId: 1\nhello\n');

    expect(code).toBe(1);
    expect(err).toContain('no lambda-lifecycle metrics in stdin (2 lines');
  });

  it('exits 1 naming a file it cannot read', async () => {
    const { code, err } = await report(['missing.log']);

    expect(code).toBe(1);
    expect(err).toContain('cannot read missing.log (ENOENT)');
  });

  it.each([
    [['a.log', 'b.log'], 'one file expected, got a.log b.log'],
    [['--pdf'], "Unknown option '--pdf'"],
  ])('exits 2 on bad usage %j', async (argv, problem) => {
    const { code, err } = await report(argv);

    expect(code).toBe(2);
    expect(err).toContain(problem);
    expect(err).toContain('Usage: lambda-lifecycle report');
  });

  it('is the CLI command "report"', async () => {
    const { file } = withFile(fixtureLog());
    const io = new CapturedIo(tempDir());

    const code = await runCli(['report', file], io);

    expect(code).toBe(0);
    expect(io.out).toContain('lambda-lifecycle report: orders');
  });
});
