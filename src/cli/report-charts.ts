import { formatMs } from './report-format';
import type {
  Distribution,
  EnvironmentTrack,
  TimelineSpan,
} from './report-summary';

/** Text made safe inside HTML and SVG, attributes included. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const WIDTH = 920;
const LABEL = 120;
const PLOT = WIDTH - LABEL - 20;
const LANE = 34;

/** The colour class of a span: INIT, cold or warm invocation, failure. */
function spanClass(span: TimelineSpan): string {
  if (span.phase !== 'INVOKE') return span.phase.toLowerCase();
  if (span.failed) return 'failed';
  return span.cold ? 'cold' : 'warm';
}

/** A round step that puts about `count` ticks across `range`. */
function tickStep(range: number, count: number): number {
  const raw = range / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return step * power;
}

function axis(from: number, to: number, x: (t: number) => number, y: number) {
  const step = tickStep(to - from || 1, 6);
  const ticks: string[] = [];
  for (let t = 0; t <= to - from + step / 2; t += step) {
    ticks.push(
      `<line class="grid" x1="${x(from + t)}" x2="${x(from + t)}" y1="0" ` +
        `y2="${y}"/><text class="tick" x="${x(from + t)}" y="${y + 14}" ` +
        `text-anchor="middle">${escapeXml(formatMs(t))}</text>`,
    );
  }
  return ticks.join('');
}

/**
 * The lifecycle timeline: one lane per environment, its INIT, every
 * invocation (cold, warm or failed) and its SHUTDOWN as bars on a shared
 * clock, idle time as the gaps between them. Each bar has a tooltip.
 *
 * Phase: none (report). Never throws; without spans it draws an empty axis.
 */
export function timelineSvg(tracks: readonly EnvironmentTrack[]): string {
  const spans = tracks.flatMap((track) => track.spans);
  const from = Math.min(Infinity, ...spans.map((s) => s.startMs));
  const to = Math.max(...spans.map((s) => s.startMs + s.durationMs));
  const start = Number.isFinite(from) ? from : 0;
  const range = Number.isFinite(to) && to > start ? to - start : 1;
  const x = (t: number) => +(LABEL + ((t - start) / range) * PLOT).toFixed(1);
  const height = tracks.length * LANE + 10;

  const lanes = tracks.map((track, lane) => {
    const y = lane * LANE + 6;
    const bars = track.spans.map((span) => {
      const width = Math.max(
        3,
        x(span.startMs + span.durationMs) - x(span.startMs),
      );
      const tip =
        `${span.phase} ${span.label === span.phase ? '' : span.label} ` +
        `${formatMs(span.durationMs)}${span.cold ? ' (cold start)' : ''}`;
      const text = `${span.phase === 'INVOKE' ? '' : `${span.phase} `}${formatMs(span.durationMs)}`;
      const inside =
        width >= text.length * 6.5 + 8
          ? `<text class="span-label" x="${(x(span.startMs) + 6).toFixed(1)}" ` +
            `y="${y + (LANE - 12) / 2}">${escapeXml(text)}</text>`
          : '';
      return (
        `<rect class="span ${spanClass(span)}" x="${x(span.startMs)}" ` +
        `y="${y}" width="${width.toFixed(1)}" height="${LANE - 12}" rx="2">` +
        `<title>${escapeXml(tip.replace(/\s+/g, ' '))}</title></rect>${inside}`
      );
    });
    return (
      `<text class="lane" x="0" y="${y + LANE / 2}">env ` +
      `${escapeXml(track.id)}</text>` +
      `<line class="idle" x1="${x(track.spans[0]?.startMs ?? start)}" ` +
      `x2="${x(Math.max(...track.spans.map((s) => s.startMs + s.durationMs)))}" ` +
      `y1="${y + (LANE - 12) / 2}" y2="${y + (LANE - 12) / 2}"/>` +
      bars.join('')
    );
  });

  return (
    `<svg class="chart timeline" role="img" aria-label="Lifecycle timeline" ` +
    `viewBox="0 0 ${WIDTH} ${height + 24}" width="100%">` +
    axis(start, start + range, x, height) +
    lanes.join('') +
    '</svg>'
  );
}

const CHART_W = 440;
const CHART_H = 180;
const PAD = { left: 56, right: 12, top: 16, bottom: 28 };
const BINS = 20;
const MAX_BARS = 40;

/** Bars: each value when there are few, a histogram when there are many. */
function bars(values: readonly number[], max: number) {
  if (values.length <= MAX_BARS) {
    return values.map((value) => ({ height: value, tip: formatMs(value) }));
  }
  const counts = new Array<number>(BINS).fill(0);
  for (const value of values) {
    counts[Math.min(BINS - 1, Math.floor((value / max) * BINS))]++;
  }
  return counts.map((count, i) => ({
    height: count,
    tip:
      `${count} between ${formatMs((i * max) / BINS)} and ` +
      formatMs(((i + 1) * max) / BINS),
  }));
}

/**
 * One distribution as a chart: with up to 40 values each is a bar, sorted
 * (a quantile plot); with more, a 20-bin histogram. Dashed lines mark
 * p50, p90 and p99.
 *
 * Phase: none (report). Never throws; without values it says so.
 */
export function distributionSvg(
  title: string,
  distribution: Distribution | undefined,
): string {
  const head =
    `<svg class="chart distribution" role="img" aria-label="${escapeXml(title)}" ` +
    `viewBox="0 0 ${CHART_W} ${CHART_H}" width="${CHART_W}">`;
  if (distribution === undefined) {
    return `${head}<text class="empty" x="${CHART_W / 2}" y="${CHART_H / 2}" text-anchor="middle">no data</text></svg>`;
  }
  const max = distribution.max || 1;
  const histogram = distribution.count > MAX_BARS;
  const columns = bars(distribution.values, max);
  const top = Math.max(...columns.map((c) => c.height)) || 1;
  const plotW = CHART_W - PAD.left - PAD.right;
  const plotH = CHART_H - PAD.top - PAD.bottom;
  const slot = plotW / columns.length;
  const yOf = (v: number) => PAD.top + plotH - (v / top) * plotH;

  const rects = columns.map((column, i) => {
    const h = Math.max(1, (column.height / top) * plotH);
    return (
      `<rect class="bar" x="${(PAD.left + i * slot + slot * 0.1).toFixed(1)}" ` +
      `y="${(PAD.top + plotH - h).toFixed(1)}" width="${(slot * 0.8).toFixed(1)}" ` +
      `height="${h.toFixed(1)}"><title>${escapeXml(column.tip)}</title></rect>`
    );
  });
  // Percentiles that read the same share one line and one label.
  const groups = new Map<string, { value: number; names: string[] }>();
  for (const name of ['p50', 'p90', 'p99'] as const) {
    const value = distribution[name];
    const group = groups.get(formatMs(value)) ?? { value, names: [] };
    group.names.push(name);
    groups.set(formatMs(value), group);
  }
  // Labels of lines close together are pushed apart, top down.
  let lastLabelY = -Infinity;
  const marks = [...groups]
    .sort(([, a], [, b]) => b.value - a.value)
    .map(([text, { value, names }]) => {
      const label = escapeXml(`${names.join(' ')} ${text}`);
      const kind = names.at(-1);
      if (histogram) {
        const x = (PAD.left + (value / max) * plotW).toFixed(1);
        return (
          `<line class="mark ${kind}" x1="${x}" x2="${x}" y1="${PAD.top}" ` +
          `y2="${PAD.top + plotH}"/><text class="mark-label" x="${x}" ` +
          `y="${PAD.top - 4}" text-anchor="middle">${label}</text>`
        );
      }
      const y = yOf(value);
      const labelY = Math.max(y - 3, lastLabelY + 11);
      lastLabelY = labelY;
      return (
        `<line class="mark ${kind}" x1="${PAD.left}" x2="${PAD.left + plotW}" ` +
        `y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/><text class="mark-label" ` +
        `x="${PAD.left + plotW - 2}" y="${labelY.toFixed(1)}" ` +
        `text-anchor="end">${label}</text>`
      );
    });
  const yLabel = histogram ? `${top} invocations` : formatMs(top);
  const xLabel = histogram
    ? `0 to ${formatMs(max)}`
    : `${distribution.count === 1 ? '1 value' : `${distribution.count} values, lowest to highest`}`;

  return (
    head +
    `<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}"/>` +
    `<line class="axis" x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>` +
    `<text class="tick" x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${escapeXml(yLabel)}</text>` +
    `<text class="tick" x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end">0</text>` +
    `<text class="tick" x="${PAD.left + plotW / 2}" y="${CHART_H - 8}" text-anchor="middle">${escapeXml(xLabel)}</text>` +
    rects.join('') +
    marks.join('') +
    '</svg>'
  );
}
