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

/** One event on its way to the runtime. */
export interface PendingInvocation {
  readonly requestId: string;
  /** The event as JSON text. */
  readonly payload: string;
  /** Epoch ms at which the function times out. */
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  readonly traceId: string;
  /** JSON text for `Lambda-Runtime-Client-Context`. */
  readonly clientContext?: string;
  /** JSON text for `Lambda-Runtime-Cognito-Identity`. */
  readonly cognitoIdentity?: string;
}

/** What the runtime posted for an invocation. */
export type RuntimeAnswer =
  | { readonly kind: 'response'; readonly body: string }
  | { readonly kind: 'error'; readonly error: LambdaError };

type ExtensionEvent = { readonly eventType: 'INVOKE' | 'SHUTDOWN' };

interface ExtensionState {
  readonly info: ExtensionInfo;
  readonly queue: ExtensionEvent[];
  poll?: ServerResponse;
  /** Has called `event/next` at least once (INIT waits for it). */
  ready: boolean;
  /** Was given an INVOKE and has not asked for the next event yet. */
  busy: boolean;
}

interface InFlight {
  readonly invocation: PendingInvocation;
  readonly settle: (answer: RuntimeAnswer) => void;
  delivered: boolean;
  answer?: RuntimeAnswer;
}

const EVENT_TYPES: ReadonlySet<string> = new Set(['INVOKE', 'SHUTDOWN']);

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/**
 * Reads an error the runtime posted: `{errorType, errorMessage, trace}` (or
 * `stackTrace`), falling back to the error-type header and the raw text.
 */
export function parseErrorBody(
  text: string,
  headerType: string | undefined,
): LambdaError {
  const body = parseJson(text) as Record<string, unknown> | undefined;
  const trace = body?.trace ?? body?.stackTrace;

  return {
    errorType: String(body?.errorType ?? headerType ?? 'Unknown'),
    errorMessage: String(body?.errorMessage ?? (body ? '' : text)),
    trace: Array.isArray(trace) ? trace.map(String) : [],
  };
}

/**
 * The Runtime API and Extensions API state of one execution environment:
 * INIT ends when the runtime has asked for its first invocation and every
 * registered extension has called `event/next`; an invocation ends when the
 * runtime has answered and every extension given the INVOKE event has asked
 * for its next event. Registration is only open until the runtime's first
 * `invocation/next`.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
 */
export class EnvironmentSession {
  readonly #metadata: FunctionMetadata;
  readonly #externalNames: ReadonlySet<string>;
  readonly #extensions = new Map<string, ExtensionState>();
  readonly #registrationWaiters: Array<() => void> = [];
  readonly #answered = new Set<string>();
  readonly #ready = deferred<void>();
  readonly #failure = deferred<LambdaError>();
  #runtimeStarted = false;
  #initDone = false;
  #runtimePoll: ServerResponse | undefined;
  #inFlight: InFlight | undefined;

  constructor(metadata: FunctionMetadata, externalNames: ReadonlySet<string>) {
    this.#metadata = metadata;
    this.#externalNames = externalNames;
  }

  /** Settles when INIT has ended. */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  /** Settles with the first init or exit error the processes posted. */
  get failure(): Promise<LambdaError> {
    return this.#failure.promise;
  }

  /** The runtime has asked for its first event; registration is closed. */
  get runtimeStarted(): boolean {
    return this.#runtimeStarted;
  }

  get extensions(): ExtensionInfo[] {
    return [...this.#extensions.values()].map((state) => state.info);
  }

  /** Settles once an extension named `name` has registered. */
  async registered(name: string): Promise<void> {
    while (!this.extensions.some((info) => info.name === name)) {
      await new Promise<void>((wake) => this.#registrationWaiters.push(wake));
    }
  }

  /** Queues an event for the runtime; settles with what it answers. */
  invoke(invocation: PendingInvocation): Promise<RuntimeAnswer> {
    const { promise, resolve } = deferred<RuntimeAnswer>();
    this.#inFlight = { invocation, settle: resolve, delivered: false };

    for (const state of this.#extensions.values()) {
      if (!state.info.events.includes('INVOKE')) continue;
      this.#send(state, {
        eventType: 'INVOKE',
        deadlineMs: invocation.deadlineMs,
        requestId: invocation.requestId,
        invokedFunctionArn: invocation.invokedFunctionArn,
        tracing: { type: 'X-Amzn-Trace-Id', value: invocation.traceId },
      } as ExtensionEvent);
    }
    this.#deliverToRuntime();
    return promise;
  }

  /** Sends SHUTDOWN to the extensions that subscribed to it. */
  shutdown(reason: 'spindown' | 'timeout' | 'failure', deadlineMs: number) {
    for (const state of this.#extensions.values()) {
      if (!state.info.events.includes('SHUTDOWN')) continue;
      this.#send(state, {
        eventType: 'SHUTDOWN',
        shutdownReason: reason,
        deadlineMs,
      } as ExtensionEvent);
    }
  }

  /** Drops every request still held open. */
  close(): void {
    this.#runtimePoll?.destroy();
    for (const state of this.#extensions.values()) state.poll?.destroy();
  }

  runtimeNext(response: ServerResponse): void {
    const inFlight = this.#inFlight;
    if (inFlight?.delivered && inFlight.answer === undefined) {
      return sendError(
        response,
        403,
        'InvalidStateTransition',
        `invocation/next before invocation ${inFlight.invocation.requestId} ` +
          'was answered: post its response or error first.',
      );
    }

    this.#runtimeStarted = true;
    this.#runtimePoll = response;
    response.on('close', () => {
      if (this.#runtimePoll === response) this.#runtimePoll = undefined;
    });
    this.#checkReady();
    this.#deliverToRuntime();
  }

  runtimeAnswer(
    requestId: string,
    answer: RuntimeAnswer,
    response: ServerResponse,
  ): void {
    const inFlight = this.#inFlight;
    const current = inFlight?.invocation.requestId === requestId;

    if (this.#answered.has(requestId)) {
      return sendError(
        response,
        403,
        'InvalidStateTransition',
        `invocation ${requestId} was already answered.`,
      );
    }
    if (!current || !inFlight?.delivered) {
      return sendError(
        response,
        400,
        'InvalidRequestID',
        `no invocation with request id "${requestId}" is in progress.`,
      );
    }
    this.#answered.add(requestId);
    inFlight.answer = answer;
    sendAccepted(response);
    this.#checkInvocationDone();
  }

  runtimeInitError(error: LambdaError, response: ServerResponse): void {
    if (this.#runtimeStarted) {
      return sendError(
        response,
        403,
        'InvalidStateTransition',
        'init/error after the runtime asked for its first invocation.',
      );
    }
    sendAccepted(response);
    this.#failure.resolve(error);
  }

  register(
    name: string | undefined,
    bodyText: string,
    response: ServerResponse,
  ): void {
    const refuse = (errorType: string, message: string) =>
      sendError(response, 403, errorType, message);
    const events = (parseJson(bodyText) as { events?: unknown } | undefined)
      ?.events;
    const kind = this.#externalNames.has(name ?? '') ? 'external' : 'internal';

    if (!name) {
      return refuse(
        'Extension.InvalidExtensionName',
        'extension/register without a Lambda-Extension-Name header.',
      );
    }
    if (!Array.isArray(events) || !events.every((e) => EVENT_TYPES.has(e))) {
      return refuse(
        'Extension.InvalidEventType',
        `extension "${name}": the body must be {"events": [...]} with ` +
          `INVOKE and/or SHUTDOWN; got ${bodyText || 'nothing'}.`,
      );
    }
    if (kind === 'internal' && events.includes('SHUTDOWN')) {
      return refuse(
        'Extension.InvalidEventType',
        `extension "${name}": internal extensions cannot subscribe to ` +
          'SHUTDOWN; handle SIGTERM in the runtime process instead.',
      );
    }
    if (this.#runtimeStarted) {
      return refuse(
        'Extension.RegistrationClosed',
        `extension "${name}" registered after INIT: registration closes ` +
          'when the runtime asks for its first invocation.',
      );
    }
    if ([...this.#extensions.values()].some((s) => s.info.name === name)) {
      return refuse(
        'Extension.InvalidExtensionState',
        `an extension named "${name}" is already registered.`,
      );
    }

    const id = randomUUID();
    this.#extensions.set(id, {
      info: { name, kind, events: events as ExtensionInfo['events'] },
      queue: [],
      ready: false,
      busy: false,
    });
    sendJson(response, 200, this.#metadata, {
      'Lambda-Extension-Identifier': id,
    });
    this.#registrationWaiters.splice(0).forEach((wake) => wake());
  }

  extensionNext(id: string | undefined, response: ServerResponse): void {
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
    this.#checkReady();
    this.#checkInvocationDone();
  }

  extensionError(
    id: string | undefined,
    what: 'init' | 'exit',
    error: LambdaError,
    response: ServerResponse,
  ): void {
    const state = this.#lookup(id, response);
    if (state === undefined) return;

    sendAccepted(response);
    this.#failure.resolve({
      ...error,
      errorMessage:
        `extension "${state.info.name}" posted ${what}/error` +
        (error.errorMessage ? `: ${error.errorMessage}` : ''),
    });
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

  #deliverToRuntime(): void {
    const inFlight = this.#inFlight;
    const poll = this.#runtimePoll;
    if (poll === undefined || inFlight === undefined || inFlight.delivered) {
      return;
    }

    const { invocation } = inFlight;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(invocation.payload),
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': invocation.deadlineMs,
      'Lambda-Runtime-Invoked-Function-Arn': invocation.invokedFunctionArn,
      'Lambda-Runtime-Trace-Id': invocation.traceId,
    };
    if (invocation.clientContext !== undefined) {
      headers['Lambda-Runtime-Client-Context'] = invocation.clientContext;
    }
    if (invocation.cognitoIdentity !== undefined) {
      headers['Lambda-Runtime-Cognito-Identity'] = invocation.cognitoIdentity;
    }
    inFlight.delivered = true;
    this.#runtimePoll = undefined;
    poll.writeHead(200, headers);
    poll.end(invocation.payload);
  }

  #checkReady(): void {
    if (this.#initDone || !this.#runtimeStarted) return;
    for (const state of this.#extensions.values()) if (!state.ready) return;

    this.#initDone = true;
    this.#ready.resolve();
  }

  #checkInvocationDone(): void {
    const inFlight = this.#inFlight;
    if (inFlight?.answer === undefined) return;
    for (const state of this.#extensions.values()) if (state.busy) return;

    this.#inFlight = undefined;
    inFlight.settle(inFlight.answer);
  }
}
