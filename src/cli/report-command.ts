import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, type CliIo } from './cli-io';
import { reportPage } from './report-html';
import { readEmfDocuments } from './report-input';
import { summarise, type ReportSummary } from './report-summary';
import { formatReport } from './report-text';

const USAGE_LINE = 'Usage: lambda-lifecycle report [file] [options]';

/** Help for `lambda-lifecycle report`. */
export const REPORT_USAGE = `${USAGE_LINE}

Reads the lifecycle metrics (CloudWatch EMF lines) that lambda-lifecycle
writes, from a file or stdin, and prints a summary: cold-start rate, INIT and
invocation duration percentiles, idle time, connection reuse, lazy hit rate
and memory. Lines without EMF are skipped; a prefix before the JSON (as in
CloudWatch logs) is fine. Reads the output of \`lambda-lifecycle invoke\`
(with or without --json), a downloaded CloudWatch log, or the JSON that
\`aws logs filter-log-events\` prints.

Options:
  --function <name>  only the documents of this function (FunctionName)
  --html <file>      also write a self-contained HTML page with charts
  --json             print the summary as JSON instead of text
  -h, --help         show this help

Examples:
  lambda-lifecycle invoke entries/orders.mjs --event e.json --json \\
    | lambda-lifecycle report
  lambda-lifecycle report orders.log --html report.html
`;

const OPTIONS = {
  function: { type: 'string' },
  html: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Bad usage found while reading: answered with exit 2. */
class UsageProblem extends Error {}

async function readInput(
  file: string | undefined,
  io: CliIo,
): Promise<{ text: string; source: string }> {
  if (file !== undefined && file !== '-') {
    const where = path.resolve(io.cwd, file);
    try {
      return { text: await readFile(where, 'utf8'), source: file };
    } catch (error) {
      const code = (error as { code?: string }).code ?? String(error);
      throw new Error(`cannot read ${file} (${code})`, { cause: error });
    }
  }
  const stdin = io.stdin;
  if (stdin === undefined || stdin.isTTY) {
    throw new UsageProblem('no file given and stdin is a terminal');
  }
  let text = '';
  for await (const chunk of stdin) text += String(chunk);
  return { text, source: 'stdin' };
}

function jsonSummary(summary: ReportSummary): string {
  const withoutValues = (key: string, value: unknown) =>
    key === 'values' ? undefined : value;
  return `${JSON.stringify(summary, withoutValues, 2)}\n`;
}

/**
 * `lambda-lifecycle report [file]`: summarises the lifecycle metrics in a
 * log for people (text, or `--html` for a page with charts) or programs
 * (`--json`).
 *
 * Phase: none (after the fact, locally). Never throws: resolves 0 with the
 * summary, 1 when the input holds no lifecycle document or cannot be read,
 * 2 on bad usage, with the reason on `io.stderr`.
 *
 * @example
 * ```ts
 * process.exitCode = await runReportCommand(['orders.log', '--html', 'r.html'], {
 *   stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(),
 * });
 * ```
 */
export async function runReportCommand(
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const fail = (message: string, code: number) => {
    io.stderr.write(`lambda-lifecycle report: ${message}\n`);
    if (code === EXIT.usage) io.stderr.write(`${USAGE_LINE}\n`);
    return code;
  };

  let values: {
    function?: string;
    html?: string;
    json?: boolean;
    help?: boolean;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
    }));
  } catch (error) {
    return fail((error as Error).message.split('.')[0], EXIT.usage);
  }
  if (values.help) {
    io.stdout.write(REPORT_USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 1) {
    return fail(`one file expected, got ${positionals.join(' ')}`, EXIT.usage);
  }

  let input: { text: string; source: string };
  try {
    input = await readInput(positionals[0], io);
  } catch (error) {
    const usage = error instanceof UsageProblem;
    return fail((error as Error).message, usage ? EXIT.usage : EXIT.failed);
  }

  const found = readEmfDocuments(input.text);
  const only = values.function;
  const summary = summarise(
    only === undefined
      ? found
      : {
          ...found,
          documents: found.documents.filter((d) => d.FunctionName === only),
        },
  );
  if (summary.documents === 0) {
    return fail(
      `no lambda-lifecycle metrics${only ? ` of ${only}` : ''} in ` +
        `${input.source} (${summary.ignoredLines} ` +
        `lines without EMF, ${summary.otherEmf} other EMF documents). Metrics ` +
        'are on inside Lambda and the local runtime; see the metrics option.',
      EXIT.failed,
    );
  }

  io.stdout.write(values.json ? jsonSummary(summary) : formatReport(summary));
  if (values.html !== undefined) {
    const file = path.resolve(io.cwd, values.html);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, reportPage(summary));
    if (!values.json) io.stdout.write(`\nwrote ${values.html}\n`);
  }
  return EXIT.ok;
}
