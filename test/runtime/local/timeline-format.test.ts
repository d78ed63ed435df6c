import { formatTimeline, type TimelineEntry } from '../../../src/runtime/local';

const TIMELINE: TimelineEntry[] = [
  {
    phase: 'INIT',
    startMs: 0,
    durationMs: 212.4,
    outcome: 'ok',
    extensions: [{ name: 'cleanup', kind: 'internal', events: [] }],
    logs: [],
  },
  {
    phase: 'INVOKE',
    requestId: '3f0c1a2b-0000-4000-8000-000000000000',
    coldStart: true,
    startMs: 213,
    durationMs: 18.2,
    outcome: 'ok',
    result: {},
    logs: [
      { atMs: 220, source: 'runtime', stream: 'stdout', text: 'loaded' },
      { atMs: 221, source: 'telemetry', stream: 'stderr', text: 'sent' },
    ],
  },
  { phase: 'IDLE', startMs: 232, durationMs: 200, logs: [] },
  {
    phase: 'INVOKE',
    requestId: '9d2e0000-0000-4000-8000-000000000000',
    coldStart: false,
    startMs: 432,
    durationMs: 2.04,
    outcome: 'error',
    error: {
      errorType: 'TypeError',
      errorMessage: 'no items\nin order 42',
      trace: [],
    },
    logs: [],
  },
  {
    phase: 'SHUTDOWN',
    startMs: 435,
    durationMs: 41,
    signal: 'SIGTERM',
    extensions: [{ name: 'cleanup', kind: 'internal', events: [] }],
    runtimeBudgetMs: 500,
    budgetMs: 500,
    sigtermToExitMs: 40.6,
    killedAfterBudget: false,
    exitCode: 0,
    exitSignal: null,
    logs: [],
  },
];

describe('formatTimeline', () => {
  it('prints one aligned row per phase with log lines indented under it', () => {
    const lines = formatTimeline(TIMELINE);

    expect(lines).toEqual([
      'INIT             212 ms  ok',
      'INVOKE    cold    18 ms  ok       3f0c1a2b…',
      '          | loaded',
      '          | [telemetry] sent',
      'IDLE             200 ms',
      'INVOKE    warm   2.0 ms  error    TypeError: no items in order 42',
      'SHUTDOWN  SIGTERM -> exit 41 ms  (1 extension registered: cleanup ' +
        '(internal))',
    ]);
  });

  it('leaves the log lines out when quiet', () => {
    const lines = formatTimeline(TIMELINE, { quiet: true });

    expect(lines).not.toContain('          | loaded');
    expect(lines).toHaveLength(5);
  });

  it('says when the shutdown was a SIGKILL without cleanup', () => {
    const [line] = formatTimeline([
      {
        ...(TIMELINE[4] as Extract<TimelineEntry, { phase: 'SHUTDOWN' }>),
        signal: 'SIGKILL',
        extensions: [],
        sigtermToExitMs: undefined,
      },
    ]);

    expect(line).toBe(
      'SHUTDOWN  SIGKILL  (no extension registered: no SIGTERM, no cleanup ' +
        'runs)',
    );
  });

  it('names the re-init cause and the budget a runtime outlived', () => {
    const lines = formatTimeline([
      {
        phase: 'INIT',
        startMs: 0,
        durationMs: 35,
        outcome: 'ok',
        reinit: 'timeout',
        extensions: [],
        logs: [],
      },
      {
        ...(TIMELINE[4] as Extract<TimelineEntry, { phase: 'SHUTDOWN' }>),
        sigtermToExitMs: 503,
        killedAfterBudget: true,
      },
    ]);

    expect(lines).toEqual([
      'INIT              35 ms  ok       re-init after timeout',
      'SHUTDOWN  SIGTERM -> exit 503 ms  (1 extension registered: cleanup ' +
        '(internal), SIGKILL after the 500 ms budget)',
    ]);
  });

  describe('when the framework logged its shutdown steps', () => {
    const shutdown = TIMELINE[4] as Extract<
      TimelineEntry,
      { phase: 'SHUTDOWN' }
    >;

    it('lists each step under the SHUTDOWN row, aligned, in the order they ran', () => {
      const lines = formatTimeline([
        {
          ...shutdown,
          steps: [
            {
              kind: 'onShutdown',
              name: 'OrdersHandler.stop',
              outcome: 'ok',
              durationMs: 0.1,
            },
            {
              kind: 'onShutdown',
              name: 'Outbox.flush',
              outcome: 'timed-out',
              durationMs: 100.6,
            },
            {
              kind: 'dispose',
              name: '"PG_POOL".end',
              outcome: 'failed',
              durationMs: 2.25,
            },
          ],
        },
      ]);

      expect(lines).toEqual([
        'SHUTDOWN  SIGTERM -> exit 41 ms  (1 extension registered: cleanup ' +
          '(internal))',
        '          @OnShutdown OrdersHandler.stop  0.1 ms  ok',
        '          @OnShutdown Outbox.flush        101 ms  timed-out',
        '          disposer    "PG_POOL".end       2.3 ms  failed',
      ]);
    });

    it('says so when there was nothing to release', () => {
      const lines = formatTimeline([{ ...shutdown, steps: [] }]);

      expect(lines[1]).toBe('          no shutdown steps: nothing to release');
    });
  });

  it('shows an error an extension posted during SHUTDOWN', () => {
    const lines = formatTimeline([
      {
        ...(TIMELINE[4] as Extract<TimelineEntry, { phase: 'SHUTDOWN' }>),
        error: {
          errorType: 'Extension.FlushFailed',
          errorMessage: 'extension "telemetry" posted exit/error: 3 spans lost',
          trace: [],
        },
      },
    ]);

    expect(lines[1]).toBe(
      '          error  Extension.FlushFailed: extension "telemetry" posted ' +
        'exit/error: 3 spans lost',
    );
  });
});
