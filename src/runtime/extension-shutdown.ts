import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import {
  listenForEvents,
  registerExtension,
  type ExtensionClientOptions,
} from './extension-client';

/** The name the framework's internal extension registers under. */
export const EXTENSION_NAME = 'lambda-lifecycle';

/** What one handler asks of the process-wide shutdown path. */
export interface ShutdownSignalOptions {
  /** `host:port` of the Extensions API (`AWS_LAMBDA_RUNTIME_API`). */
  readonly runtimeApi: string;
  /** Where a failed registration is reported. */
  readonly logger: Logger;
  /** Runs the handler's shutdown; must not reject. */
  readonly shutdown: () => Promise<unknown>;
  /**
   * Registers before returning, blocking the thread until the API answers,
   * instead of in the background: `registerExtensionBlocking` from
   * `lambda-lifecycle/blocking-registration`, for CommonJS entries, which
   * cannot await. Passed in rather than imported here, so that bundles of
   * ES module entries leave it out.
   */
  readonly blocking?: BlockingRegistration;
}

/**
 * Registers an internal extension and returns its identifier before it
 * returns; throws when the registration fails.
 */
export type BlockingRegistration = (options: ExtensionClientOptions) => string;

/** One handler's hold on the shutdown path. */
export interface ShutdownSubscription {
  /** Settles (never rejects) when the registration attempt has settled. */
  readonly registered: Promise<void>;
  /** Stops running this handler's shutdown on SIGTERM. */
  release(): void;
}

// One registration per API address and one SIGTERM listener per process,
// however many handlers the process creates.
const registrations = new Map<string, Promise<void>>();
const subscribers = new Set<() => Promise<unknown>>();
let stopping: Promise<void> | undefined;

/**
 * Lambda sends SIGTERM, then SIGKILL about 500 ms later when only internal
 * extensions are registered (the Shutdown phase in
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 * Every handler's shutdown runs at once; the process then ends, because the
 * runtime's pending `invocation/next` would otherwise keep it alive.
 */
function onSigterm(): void {
  stopping ??= Promise.allSettled(
    [...subscribers].map((shutdown) => Promise.resolve().then(shutdown)),
  ).then(end);
}

/**
 * Ends the process once shutdown has run. `process.exit()` is not enough:
 * Lambda's Node.js runtime client waits for the next event in a native call
 * that occupies a libuv worker thread, and exit joins that thread, so the
 * process would live on until SIGKILL. With our listener gone, SIGTERM's
 * default action ends the process at once, as a signalled exit.
 */
function end(): void {
  process.off('SIGTERM', onSigterm);
  if (process.listenerCount('SIGTERM') === 0) {
    process.kill(process.pid, 'SIGTERM');
    return;
  }
  // Re-raising would only call the other listeners again, so exit instead.
  // Limitation: beside another SIGTERM listener, exit can wait for SIGKILL.
  process.exit(0);
}

/** Registers now, blocking; resolves once event/next is on the wire. */
async function registerBlocking(
  runtimeApi: string,
  blocking: BlockingRegistration,
): Promise<string> {
  const identifier = blocking({ runtimeApi, name: EXTENSION_NAME });
  await listenForEvents(runtimeApi, identifier);
  return identifier;
}

/** Registers in the background; resolves once event/next is on the wire. */
async function registerInBackground(runtimeApi: string): Promise<string> {
  const extension = await registerExtension({
    runtimeApi,
    name: EXTENSION_NAME,
  });
  await extension.awaitEvents();
  return extension.identifier;
}

function register(
  runtimeApi: string,
  logger: Logger,
  blocking: BlockingRegistration | undefined,
): Promise<void> {
  let registration = registrations.get(runtimeApi);
  if (registration !== undefined) return registration;

  // INIT ends only when every registered extension has called event/next,
  // so that call follows the registration at once, either way.
  let identifier: Promise<string>;
  try {
    identifier = blocking
      ? registerBlocking(runtimeApi, blocking)
      : registerInBackground(runtimeApi);
  } catch (error) {
    identifier = Promise.reject(error);
  }
  registration = identifier
    .then((extensionId) => {
      logger.debug('Registered the internal extension', {
        extensionName: EXTENSION_NAME,
        extensionId,
      });
    })
    .catch((error: unknown) => {
      logger.warn('Extension registration failed; no SIGTERM at shutdown', {
        extensionName: EXTENSION_NAME,
        runtimeApi,
        ...errorFields(error),
      });
    });
  registrations.set(runtimeApi, registration);
  return registration;
}

/**
 * Makes Lambda deliver SIGTERM to this process and runs `shutdown` when it
 * arrives: registers the framework's internal extension once per process,
 * installs one SIGTERM listener for all handlers, and ends the process once
 * every subscribed shutdown has settled (by SIGTERM's default action, or
 * `process.exit(0)` when another SIGTERM listener is installed).
 *
 * Phase: init (registration) and shutdown (on SIGTERM). Never throws and
 * never rejects: a failed registration is logged once, as a warning, and
 * the process then simply gets no SIGTERM from Lambda.
 *
 * @example
 * ```ts
 * const subscription = subscribeToShutdown({
 *   runtimeApi: process.env.AWS_LAMBDA_RUNTIME_API!,
 *   logger: environment.logger,
 *   shutdown: () => environment.shutdown(),
 * });
 * await subscription.registered;
 * ```
 */
export function subscribeToShutdown(
  options: ShutdownSignalOptions,
): ShutdownSubscription {
  const shutdown = options.shutdown;
  if (subscribers.size === 0) process.on('SIGTERM', onSigterm);
  subscribers.add(shutdown);

  return {
    registered: register(options.runtimeApi, options.logger, options.blocking),
    release() {
      if (!subscribers.delete(shutdown)) return;
      if (subscribers.size === 0) process.off('SIGTERM', onSigterm);
    },
  };
}
