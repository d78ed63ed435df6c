/**
 * Milliseconds on a monotonic clock, for durations: INIT, hooks,
 * invocations, idle gaps, `@Lazy` expiry.
 *
 * `process.hrtime()` rather than `performance.now()`: both cost about 42 ns
 * a call on Node.js 20, but the first read of the global `performance`
 * loads node:perf_hooks and seven internal modules, about 2 ms of INIT that
 * Lambda's runtime clients (aws-lambda-ric 3 and 4) never pay themselves.
 *
 * Phase: any. Does not throw.
 *
 * @example
 * ```ts
 * const started = now();
 * await work();
 * const durationMs = now() - started;
 * ```
 */
export function now(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
