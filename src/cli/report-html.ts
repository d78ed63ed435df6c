import { distributionSvg, escapeXml, timelineSvg } from './report-charts';
import {
  connectionText,
  distributionCells,
  formatMiB,
  formatRate,
  functionNames,
  lazyText,
  memoryText,
  plural,
} from './report-format';
import type { Distribution, ReportSummary } from './report-summary';

const STYLE = `
:root { color-scheme: light; --ink: #1e293b; --muted: #64748b; --line: #e2e8f0;
  --init: #6366f1; --cold: #f97316; --warm: #10b981; --failed: #ef4444;
  --shutdown: #64748b; --bar: #0ea5e9; }
* { box-sizing: border-box; }
body { margin: 0; padding: 28px 36px 40px; font: 14px/1.45 system-ui,
  -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: #f8fafc; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 16px; margin: 28px 0 10px; }
.sub { color: var(--muted); margin: 0 0 18px; }
.tiles { display: grid; grid-template-columns: repeat(6, minmax(130px, 1fr));
  gap: 12px; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 12px 14px; }
.tile .label { color: var(--muted); font-size: 12px; text-transform: uppercase;
  letter-spacing: .04em; }
.tile .value { font-size: 26px; font-weight: 650; margin-top: 2px; }
.tile .detail { color: var(--muted); font-size: 12px; }
.meter { height: 6px; background: var(--line); border-radius: 3px;
  margin-top: 8px; overflow: hidden; }
.meter span { display: block; height: 100%; background: var(--bar); }
.meter.over span { background: var(--failed); }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 16px; }
.charts { display: grid; grid-template-columns: repeat(2, 1fr); gap: 12px; }
.charts h3 { font-size: 13px; margin: 0 0 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line);
  text-align: right; font-variant-numeric: tabular-nums; }
th:first-child, td:first-child { text-align: left; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.hook { padding-left: 26px; color: var(--muted); }
table.facts td { text-align: left; }
table.facts td:first-child { width: 200px; color: var(--muted); }
.legend { display: flex; gap: 16px; color: var(--muted); font-size: 12px;
  margin-bottom: 6px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 5px; vertical-align: -1px; }
svg.chart { max-width: 100%; height: auto; font-size: 11px; }
svg .grid { stroke: var(--line); }
svg .axis { stroke: #94a3b8; }
svg .tick, svg .lane, svg .empty { fill: var(--muted); }
svg .lane { dominant-baseline: middle; }
svg .idle { stroke: #cbd5e1; stroke-dasharray: 3 3; }
svg .span.init { fill: var(--init); } svg .span.cold { fill: var(--cold); }
svg .span.warm { fill: var(--warm); } svg .span.failed { fill: var(--failed); }
svg .span.shutdown { fill: var(--shutdown); }
svg .bar { fill: var(--bar); opacity: .85; }
svg .mark { stroke: var(--ink); stroke-dasharray: 4 3; stroke-width: 1; }
svg .mark.p90 { stroke: var(--cold); } svg .mark.p99 { stroke: var(--failed); }
svg .mark-label { fill: var(--ink); font-size: 10px; }
svg .span-label { fill: #fff; font-size: 11px; dominant-baseline: middle; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
`;

function tile(
  metric: string,
  label: string,
  value: string,
  detail: string,
  share?: number,
): string {
  const meter =
    share === undefined
      ? ''
      : `<div class="meter${share > 1 ? ' over' : ''}"><span style="width:${Math.min(100, share * 100).toFixed(1)}%"></span></div>`;
  return (
    `<div class="tile" data-metric="${metric}"><div class="label">` +
    `${escapeXml(label)}</div><div class="value">${escapeXml(value)}</div>` +
    `<div class="detail">${escapeXml(detail)}</div>${meter}</div>`
  );
}

function tiles(s: ReportSummary): string {
  const memory = s.memory;
  const memoryShare =
    memory?.utilizationMax === undefined
      ? undefined
      : memory.utilizationMax / 100;
  return [
    tile(
      'invocations',
      'Invocations',
      String(s.invocations),
      `${plural(s.environments.length, 'environment')}, ${plural(s.errors, 'error')}`,
    ),
    tile(
      'cold-start-rate',
      'Cold-start rate',
      formatRate(s.coldStartRate),
      `${s.coldStarts} cold of ${s.invocations}`,
      s.coldStartRate,
    ),
    tile(
      'init-p50',
      'INIT p50',
      s.initDuration ? distributionCells(s.initDuration)[1] : '-',
      `${plural(s.inits, 'INIT')}, ${s.initFailures} failed`,
    ),
    tile(
      'connection-reuse',
      'Connection reuse',
      formatRate(s.connections?.reuseRate),
      s.connections
        ? `${s.connections.reused} reused, ${s.connections.opening} opened`
        : 'no Pooled provider',
      s.connections?.reuseRate,
    ),
    tile(
      'lazy-hit-rate',
      'Lazy hit rate',
      formatRate(s.lazy?.hitRate),
      s.lazy
        ? `${plural(s.lazy.hits, 'hit')}, ${plural(s.lazy.misses, 'miss', 'misses')}`
        : 'no @Lazy',
      s.lazy?.hitRate,
    ),
    tile(
      'memory',
      'Peak RSS',
      memory ? formatMiB(memory.rssMax) : '-',
      memory?.memorySizeMb
        ? `of ${memory.memorySizeMb} MiB configured`
        : 'memory size unknown',
      memoryShare,
    ),
  ].join('');
}

function durationTable(s: ReportSummary): string {
  const row = (
    name: string,
    d: Distribution | undefined,
    className = '',
  ): string =>
    `<tr><td${className ? ` class="${className}"` : ''}>${escapeXml(name)}</td>` +
    distributionCells(d)
      .map((cell) => `<td>${escapeXml(cell)}</td>`)
      .join('') +
    '</tr>';
  return (
    '<table data-table="durations"><thead><tr><th>phase</th><th>count</th>' +
    '<th>p50</th><th>p90</th><th>p99</th><th>max</th></tr></thead><tbody>' +
    row('INIT', s.initDuration) +
    s.initHooks
      .map((hook) => row(`@OnInit ${hook.name}`, hook.duration, 'hook'))
      .join('') +
    row('Invocation', s.invocationDuration) +
    row('Billed duration (estimate)', s.billedDuration) +
    row('Idle before warm invocations', s.idle) +
    row('Idle between INIT and first invocation', s.firstIdle) +
    row('SHUTDOWN', s.shutdownDuration) +
    '</tbody></table>'
  );
}

function chart(title: string, d: Distribution | undefined): string {
  return `<div class="panel"><h3>${escapeXml(title)}</h3>${distributionSvg(title, d)}</div>`;
}

/**
 * The report as one self-contained HTML page: inline CSS and inline SVG,
 * no script and no external request. Tiles for the headline figures, the
 * lifecycle timeline, a percentile table, and charts of the INIT,
 * invocation, billed and idle distributions.
 *
 * Phase: none (after the fact). Never throws; every text from the log is
 * escaped.
 *
 * @example
 * ```ts
 * writeFileSync('report.html', reportPage(summary));
 * ```
 */
export function reportPage(s: ReportSummary): string {
  const title = `Lifecycle report: ${functionNames(s)}`;
  const legend = [
    ['init', 'INIT'],
    ['cold', 'cold invocation'],
    ['warm', 'warm invocation'],
    ['failed', 'failed invocation'],
    ['shutdown', 'SHUTDOWN'],
  ]
    .map(([c, l]) => `<span><i style="background:var(--${c})"></i>${l}</span>`)
    .join('');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="sub">${plural(s.documents, 'EMF document')} from ${plural(s.environments.length, 'execution environment')}. Billed durations are estimates; the exact figure is in Lambda's REPORT line.</p>
<section class="tiles">${tiles(s)}</section>
<h2>Lifecycle timeline</h2>
<div class="panel"><div class="legend">${legend}</div>${timelineSvg(s.environments)}</div>
<h2>Durations</h2>
<div class="panel">${durationTable(s)}</div>
<h2>Distributions</h2>
<section class="charts">
${chart('Invocation duration', s.invocationDuration)}
${chart('Idle time before warm invocations', s.idle)}
${chart('INIT duration', s.initDuration)}
${chart('Billed duration (estimate)', s.billedDuration)}
</section>
<h2>Resources</h2>
<div class="panel"><table class="facts" data-table="resources"><tbody>
<tr><td>Connection reuse</td><td>${escapeXml(connectionText(s))}</td></tr>
<tr><td>Lazy hit rate</td><td>${escapeXml(lazyText(s))}</td></tr>
<tr><td>Memory</td><td>${escapeXml(memoryText(s))}</td></tr>
</tbody></table></div>
<footer>Written by lambda-lifecycle report.</footer>
</body>
</html>
`;
}
