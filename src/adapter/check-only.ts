// Its own module, so that the CLI can name it without loading tsyringe.

/**
 * Set to `true` on `globalThis`, before an entry loads, to make every
 * `createHandler` in the process check its handler's dependency graph
 * instead of starting INIT: nothing is built, no hook runs, no extension
 * registers, and `ready` settles with the outcome of the check (rejecting
 * with the `LifecycleError` that INIT would throw, naming the class).
 * `lambda-lifecycle build` sets it in the process that checks each bundle.
 * A registered symbol, so that the copy of the framework inside a bundle
 * sees it too, and so that no function configuration can switch it on.
 *
 * @example
 * ```ts
 * (globalThis as Record<symbol, unknown>)[CHECK_ONLY] = true;
 * const { handler } = await import('./dist-lambda/orders/index.mjs');
 * ```
 */
export const CHECK_ONLY = Symbol.for('lambda-lifecycle/check-only');
