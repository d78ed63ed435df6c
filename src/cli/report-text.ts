import { alignRows } from './cli-io';
import {
  connectionText,
  distributionCells,
  formatRate,
  functionNames,
  lazyText,
  memoryText,
  plural,
} from './report-format';
import type { ReportSummary } from './report-summary';

/**
 * The summary a person reads at a glance: what ran, the cold-start rate,
 * duration percentiles for INIT, each init hook, invocations, the billed
 * estimate and idle time, then connection reuse, lazy hits and memory.
 *
 * Phase: none (after the fact). Never throws.
 *
 * @example
 * ```ts
 * io.stdout.write(formatReport(summarise(readEmfDocuments(text))));
 * ```
 */
export function formatReport(summary: ReportSummary): string {
  const s = summary;
  const warm = s.invocations - s.coldStarts;
  const heading =
    `lambda-lifecycle report: ${functionNames(s)}, ` +
    `${plural(s.environments.length, 'environment')}, ` +
    `${plural(s.documents, 'document')}\n\n`;

  const facts = alignRows([
    [
      'Invocations',
      `${s.invocations} (${s.coldStarts} cold, ${warm} warm), cold-start ` +
        `rate ${formatRate(s.coldStartRate)}, ${plural(s.errors, 'error')}`,
    ],
    [
      'Environments',
      `${plural(s.inits, 'INIT')} (${s.initFailures} failed), ` +
        `${plural(s.shutdowns, 'SHUTDOWN')} ` +
        `(${plural(s.shutdownProblems, 'problem')})`,
    ],
  ]);

  const durations = alignRows(
    [
      ['', 'count', 'p50', 'p90', 'p99', 'max'],
      ['INIT', ...distributionCells(s.initDuration)],
      ...s.initHooks.map(({ name, duration }) => [
        `  ${name}`,
        ...distributionCells(duration),
      ]),
      ['Invocation', ...distributionCells(s.invocationDuration)],
      ['Billed (estimate)', ...distributionCells(s.billedDuration)],
      ['Idle before warm', ...distributionCells(s.idle)],
      ['Idle after INIT', ...distributionCells(s.firstIdle)],
      ['SHUTDOWN', ...distributionCells(s.shutdownDuration)],
    ].map((row) =>
      // Right-align the numbers under their headings.
      row.map((cell, i) => (i === 0 ? cell : cell.padStart(8))),
    ),
  );

  const resources = alignRows([
    ['Connection reuse', connectionText(s)],
    ['Lazy hit rate', lazyText(s)],
    ['Memory', memoryText(s)],
  ]);

  const skipped =
    s.ignoredLines > 0 || s.otherEmf > 0
      ? `\n(${plural(s.ignoredLines, 'line')} without EMF and ` +
        `${plural(s.otherEmf, 'other EMF document')} skipped)\n`
      : '';
  return `${heading}${facts}\n${durations}\n${resources}${skipped}`;
}
