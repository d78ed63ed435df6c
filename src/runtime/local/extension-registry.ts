import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { parseJson, sendAccepted, sendError, sendJson } from './http-io';
import type { ExtensionInfo, LambdaError } from './timeline-entry';

/** What the Extensions API tells an extension about its function. */
export interface FunctionMetadata {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly handler: string;
}

/** An event for extensions, as `event/next` answers it. */
export type ExtensionEvent = Readonly<Record<string, unknown>> & {
  readonly eventType: 'INVOKE' | 'SHUTDOWN';
};

/** How the registry reaches the session it belongs to. */
export interface RegistryHooks {
  /** Whether the runtime has asked for its first event. */
  readonly registrationClosed: () => boolean;
  /** An extension became ready or finished an event. */
  readonly changed: () => void;
  /** An extension posted `init/error` or `exit/error`. */
  readonly failed: (error: LambdaError) => void;
}

interface ExtensionState {
  readonly info: ExtensionInfo;
  readonly queue: ExtensionEvent[];
  poll?: ServerResponse;
  /** Has called `event/next` at least once (INIT waits for it). */
  ready: boolean;
  /** Was given an INVOKE and has not asked for the next event yet. */
  busy: boolean;
}

const EVENT_TYPES: ReadonlySet<string> = new Set(['INVOKE', 'SHUTDOWN']);

/**
 * The Extensions API side of one execution environment: registration
 * during INIT, events held until each extension asks for them, and the
 * errors extensions report.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
 */
export class ExtensionRegistry {
  readonly #metadata: FunctionMetadata;
  readonly #externalNames: ReadonlySet<string>;
  readonly #hooks: RegistryHooks;
  readonly #extensions = new Map<string, ExtensionState>();
  readonly #registrationWaiters: Array<() => void> = [];

  constructor(
    metadata: FunctionMetadata,
    externalNames: ReadonlySet<string>,
    hooks: RegistryHooks,
  ) {
    this.#metadata = metadata;
    this.#externalNames = externalNames;
    this.#hooks = hooks;
  }

  get list(): ExtensionInfo[] {
    return [...this.#extensions.values()].map((state) => state.info);
  }

  /** Every extension has called `event/next` at least once. */
  get allReady(): boolean {
    return [...this.#extensions.values()].every((state) => state.ready);
  }

  /** Some extension still works on an INVOKE event. */
  get anyBusy(): boolean {
    return [...this.#extensions.values()].some((state) => state.busy);
  }

  /** Settles once an extension named `name` has registered. */
  async registered(name: string): Promise<void> {
    while (!this.list.some((info) => info.name === name)) {
      await new Promise<void>((wake) => this.#registrationWaiters.push(wake));
    }
  }

  /** Gives `event` to every extension subscribed to its type. */
  broadcast(event: ExtensionEvent): void {
    for (const state of this.#extensions.values()) {
      if (state.info.events.includes(event.eventType)) this.#send(state, event);
    }
  }

  /** Drops every request still held open. */
  close(): void {
    for (const state of this.#extensions.values()) state.poll?.destroy();
  }

  register(
    name: string | undefined,
    bodyText: string,
    response: ServerResponse,
  ): void {
    if (!name) {
      return sendError(
        response,
        403,
        'Extension.InvalidExtensionName',
        'extension/register without a Lambda-Extension-Name header.',
      );
    }
    const refusal = this.#refusal(name, bodyText);
    if (refusal !== undefined) return sendError(response, 403, ...refusal);

    const id = randomUUID();
    const { events } = JSON.parse(bodyText) as Pick<ExtensionInfo, 'events'>;
    const kind = this.#externalNames.has(name) ? 'external' : 'internal';
    this.#extensions.set(id, {
      info: { name, kind, events },
      queue: [],
      ready: false,
      busy: false,
    });
    sendJson(response, 200, this.#metadata, {
      'Lambda-Extension-Identifier': id,
    });
    this.#registrationWaiters.splice(0).forEach((wake) => wake());
  }

  next(id: string | undefined, response: ServerResponse): void {
    const state = this.#lookup(id, response);
    if (state === undefined) return;

    const event = state.queue.shift();
    state.ready = true;
    state.busy = event?.eventType === 'INVOKE';
    if (event === undefined) {
      state.poll = response;
      response.on('close', () => {
        if (state.poll === response) state.poll = undefined;
      });
    } else {
      this.#reply(response, event);
    }
    this.#hooks.changed();
  }

  error(
    id: string | undefined,
    what: 'init' | 'exit',
    error: LambdaError,
    response: ServerResponse,
  ): void {
    const state = this.#lookup(id, response);
    if (state === undefined) return;

    sendAccepted(response);
    this.#hooks.failed({
      ...error,
      errorMessage:
        `extension "${state.info.name}" posted ${what}/error` +
        (error.errorMessage ? `: ${error.errorMessage}` : ''),
    });
  }

  /** Why a registration is refused, as [errorType, message], if it is. */
  #refusal(name: string, bodyText: string): [string, string] | undefined {
    const events = (parseJson(bodyText) as { events?: unknown } | undefined)
      ?.events;
    const internal = !this.#externalNames.has(name);

    if (!Array.isArray(events) || !events.every((e) => EVENT_TYPES.has(e))) {
      return [
        'Extension.InvalidEventType',
        `extension "${name}": the body must be {"events": [...]} with ` +
          `INVOKE and/or SHUTDOWN; got ${bodyText || 'nothing'}.`,
      ];
    }
    if (internal && events.includes('SHUTDOWN')) {
      return [
        'Extension.InvalidEventType',
        `extension "${name}": internal extensions cannot subscribe to ` +
          'SHUTDOWN; handle SIGTERM in the runtime process instead.',
      ];
    }
    if (this.#hooks.registrationClosed()) {
      return [
        'Extension.RegistrationClosed',
        `extension "${name}" registered after INIT: registration closes ` +
          'when the runtime asks for its first invocation.',
      ];
    }
    if (this.list.some((info) => info.name === name)) {
      return [
        'Extension.InvalidExtensionState',
        `an extension named "${name}" is already registered.`,
      ];
    }
    return undefined;
  }

  #lookup(
    id: string | undefined,
    response: ServerResponse,
  ): ExtensionState | undefined {
    const state = id === undefined ? undefined : this.#extensions.get(id);
    if (state !== undefined) return state;

    sendError(
      response,
      403,
      id === undefined
        ? 'Extension.MissingExtensionIdentifier'
        : 'Extension.UnknownExtensionIdentifier',
      id === undefined
        ? 'the Lambda-Extension-Identifier header is missing.'
        : `no extension is registered as "${id}".`,
    );
    return undefined;
  }

  #send(state: ExtensionState, event: ExtensionEvent): void {
    const poll = state.poll;
    if (event.eventType === 'INVOKE') state.busy = true;
    if (poll === undefined) {
      state.queue.push(event);
      return;
    }
    state.poll = undefined;
    this.#reply(poll, event);
  }

  #reply(response: ServerResponse, event: ExtensionEvent): void {
    sendJson(response, 200, event, {
      'Lambda-Extension-Event-Identifier': randomUUID(),
    });
  }
}
