import type { ShutdownReport } from '../../../src/lifecycle/hook-runner';
import { shutdownSummary } from '../../../src/lifecycle/shutdown-summary';
import { formatLogLine } from '../../../src/logging/log-line';
import type { LogFormat } from '../../../src/logging/log-settings';
import type { LogLine } from '../../../src/runtime/local';
import { readShutdownSteps } from '../../../src/runtime/local/shutdown-steps';

const REPORT: ShutdownReport = {
  budgetMs: 450,
  durationMs: 101.64,
  steps: [
    {
      kind: 'onShutdown',
      name: 'Orders.stop',
      outcome: 'ok',
      durationMs: 0.12,
    },
    {
      kind: 'onShutdown',
      name: 'Outbox.flush',
      outcome: 'timed-out',
      durationMs: 100.9,
    },
    { kind: 'dispose', name: '"PG_POOL".end', outcome: 'ok', durationMs: 0.4 },
  ],
  problems: [],
};

/** The line the framework's default logger writes for `REPORT`. */
function loggedLine(format: LogFormat, source = 'runtime'): LogLine {
  const { message, fields } = shutdownSummary('Orders', REPORT);
  const text = formatLogLine(format, {
    level: 'INFO',
    message,
    requestId: undefined,
    fields,
  });
  return { atMs: 1, source, stream: 'stdout', text };
}

const other = (text: string): LogLine => ({
  atMs: 0,
  source: 'runtime',
  stream: 'stdout',
  text,
});

describe(readShutdownSteps.name, () => {
  it.each(['JSON', 'Text'] as const)(
    'reads every step from the %s log format, in order',
    (format) => {
      const steps = readShutdownSteps([
        other('[e2e] Orders.stop'),
        loggedLine(format),
      ]);

      expect(steps).toEqual([
        {
          kind: 'onShutdown',
          name: 'Orders.stop',
          outcome: 'ok',
          durationMs: 0.1,
        },
        {
          kind: 'onShutdown',
          name: 'Outbox.flush',
          outcome: 'timed-out',
          durationMs: 100.9,
        },
        {
          kind: 'dispose',
          name: '"PG_POOL".end',
          outcome: 'ok',
          durationMs: 0.4,
        },
      ]);
    },
  );

  it('joins the lines of several handlers in the order they were written', () => {
    const steps = readShutdownSteps([loggedLine('JSON'), loggedLine('Text')]);

    expect(steps?.map((step) => step.name)).toEqual([
      'Orders.stop',
      'Outbox.flush',
      '"PG_POOL".end',
      'Orders.stop',
      'Outbox.flush',
      '"PG_POOL".end',
    ]);
  });

  it('reads the line a logger of another shape writes as JSON', () => {
    const { message, fields } = shutdownSummary('Orders', REPORT);
    const powertoolsShaped = JSON.stringify({
      level: 'INFO',
      message,
      service: 'orders',
      timestamp: '2025-01-01T00:00:00.000Z',
      ...fields,
    });

    const steps = readShutdownSteps([other(powertoolsShaped)]);

    expect(steps).toHaveLength(3);
  });

  it('is undefined when the runtime wrote no shutdown line', () => {
    const steps = readShutdownSteps([
      other('{"level":"INFO","message":"cache closed"}'),
      other(
        '2025-01-01T00:00:00.000Z\t-\tINFO\tShutdown finished, but no fields',
      ),
      loggedLine('JSON', 'telemetry.mjs'),
    ]);

    expect(steps).toBeUndefined();
  });
});
