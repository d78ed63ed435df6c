import type {
  ExtensionInfo,
  LambdaError,
  ShutdownEntry,
  ShutdownStep,
  TimelineEntry,
} from './timeline-entry';

/** How {@link formatTimeline} lays the timeline out. */
export interface TimelineFormatOptions {
  /** Leave out the lines the processes wrote. */
  readonly quiet?: boolean;
}

const INDENT = ' '.repeat(10);
const LOG_INDENT = `${INDENT}| `;
const STEP_KINDS: Readonly<Record<string, string>> = {
  onShutdown: '@OnShutdown',
  dispose: 'disposer',
};

function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function oneLine(error: LambdaError | undefined): string {
  if (error === undefined) return '';
  return `${error.errorType}: ${error.errorMessage}`.replace(/\s*\n\s*/g, ' ');
}

function row(
  label: string,
  kind: string,
  durationMs: number,
  outcome = '',
  detail = '',
): string {
  const columns =
    `${label.padEnd(10)}${kind.padEnd(5)}${ms(durationMs).padStart(8)}` +
    `  ${outcome.padEnd(8)} ${detail}`;
  return columns.trimEnd();
}

function extensionsText(extensions: readonly ExtensionInfo[]): string {
  const names = extensions.map((e) => `${e.name} (${e.kind})`).join(', ');
  const count = extensions.length;
  return `${count} extension${count === 1 ? '' : 's'} registered: ${names}`;
}

function shutdownRow(entry: ShutdownEntry): string {
  if (entry.signal === 'none') {
    return 'SHUTDOWN  nothing to stop  (no environment was running)';
  }
  if (entry.signal === 'SIGKILL') {
    return (
      'SHUTDOWN  SIGKILL  (no extension registered: no SIGTERM, no ' +
      'cleanup runs)'
    );
  }

  const exit =
    entry.sigtermToExitMs === undefined
      ? 'exit'
      : `exit ${ms(entry.sigtermToExitMs)}`;
  const killed = entry.killedAfterBudget
    ? `, SIGKILL after the ${entry.budgetMs} ms budget`
    : '';
  return `SHUTDOWN  SIGTERM -> ${exit}  (${extensionsText(entry.extensions)}${killed})`;
}

/** One aligned line per shutdown step, under the SHUTDOWN row. */
function stepRows(steps: readonly ShutdownStep[]): string[] {
  const kind = (step: ShutdownStep) => STEP_KINDS[step.kind] ?? step.kind;
  const kindWidth = Math.max(...steps.map((step) => kind(step).length));
  const nameWidth = Math.max(...steps.map((step) => step.name.length));

  return steps.map(
    (step) =>
      `${INDENT}${kind(step).padEnd(kindWidth)} ${step.name.padEnd(nameWidth)}` +
      `${ms(step.durationMs).padStart(8)}  ${step.outcome}`,
  );
}

/** What SHUTDOWN did inside the runtime, and what an extension reported. */
function shutdownDetails(entry: ShutdownEntry): string[] {
  const steps = entry.steps;
  return [
    ...(steps === undefined
      ? []
      : steps.length === 0
        ? [`${INDENT}no shutdown steps: nothing to release`]
        : stepRows(steps)),
    ...(entry.error === undefined
      ? []
      : [`${INDENT}error  ${oneLine(entry.error)}`]),
  ];
}

function entryRow(entry: TimelineEntry): string {
  switch (entry.phase) {
    case 'INIT': {
      const again = entry.reinit ? `re-init after ${entry.reinit}` : '';
      const detail = [oneLine(entry.error), again].filter(Boolean).join('; ');
      return row('INIT', '', entry.durationMs, entry.outcome, detail);
    }
    case 'INVOKE': {
      const detail =
        entry.outcome === 'ok'
          ? `${entry.requestId.slice(0, 8)}…`
          : oneLine(entry.error);
      const kind = entry.coldStart ? 'cold' : 'warm';
      return row('INVOKE', kind, entry.durationMs, entry.outcome, detail);
    }
    case 'IDLE':
      return row('IDLE', '', entry.durationMs);
    case 'SHUTDOWN':
      return shutdownRow(entry);
  }
}

/**
 * The lifecycle timeline for people: one aligned row per phase, with the
 * lines the processes wrote indented under the phase they appeared in.
 * Under SHUTDOWN come the hooks and disposers the framework ran, each with
 * its duration and outcome, and an error an extension posted.
 *
 * Phase: after the run; it only reads the timeline and never throws.
 *
 * @example
 * ```ts
 * for (const line of formatTimeline(runtime.timeline)) stdout.write(line + '\n');
 * // INIT               41 ms  ok
 * // INVOKE    cold    5.2 ms  ok       3f0c1a2b…
 * // SHUTDOWN  SIGTERM -> exit 7.5 ms  (1 extension registered: …)
 * //           @OnShutdown Database.close  0.4 ms  ok
 * ```
 */
export function formatTimeline(
  timeline: readonly TimelineEntry[],
  options: TimelineFormatOptions = {},
): string[] {
  return timeline.flatMap((entry) => [
    entryRow(entry),
    ...(entry.phase === 'SHUTDOWN' ? shutdownDetails(entry) : []),
    ...(options.quiet
      ? []
      : entry.logs.map(
          (line) =>
            LOG_INDENT +
            (line.source === 'runtime' ? '' : `[${line.source}] `) +
            line.text,
        )),
  ]);
}
