import { Readable } from 'node:stream';
import { runReportCommand } from '../../src/cli/report-command';
import type { LogLine } from '../../src/runtime/local';
import { CapturedIo } from '../cli/temp-project';
import { emfProblems } from '../metrics/emf-spec';

/** A line that carries a CloudWatch EMF document. */
const EMF = /\{"_aws":/;

/** The EMF lines among what the environments wrote. */
export function emfLines(lines: readonly LogLine[]): string[] {
  return lines.map((line) => line.text).filter((text) => EMF.test(text));
}

/**
 * What makes each EMF line invalid, by line: an empty list when every line
 * is a valid EMF document.
 */
export function invalidEmfLines(lines: readonly string[]): string[] {
  return lines.flatMap((line, i) => {
    let document: unknown;
    try {
      document = JSON.parse(line.slice(line.search(EMF)));
    } catch {
      return [`line ${i + 1} is not JSON: ${line}`];
    }
    return emfProblems(document).map((problem) => `line ${i + 1}: ${problem}`);
  });
}

/** What `lambda-lifecycle report --json` makes of the lines. */
export interface ReportOutput {
  readonly code: number;
  readonly text: string;
  readonly json: Record<string, unknown> | undefined;
  readonly err: string;
}

/** Feeds the lines to `lambda-lifecycle report`, as text and as JSON. */
export async function reportOn(
  lines: readonly string[],
): Promise<ReportOutput> {
  const run = async (argv: string[]) => {
    const io = new CapturedIo(process.cwd());
    const code = await runReportCommand(argv, {
      ...io,
      stdout: io.stdout,
      stderr: io.stderr,
      stdin: Readable.from([lines.join('\n')]),
    });
    return { code, io };
  };
  const text = await run([]);
  const json = await run(['--json']);

  return {
    code: text.code || json.code,
    text: text.io.out,
    json: json.code === 0 ? JSON.parse(json.io.out) : undefined,
    err: text.io.err + json.io.err,
  };
}
