import type { ServerResponse } from 'node:http';
import { ExtensionRegistry, type FunctionMetadata } from './extension-registry';
import { parseJson, sendAccepted, sendError } from './http-io';
import type { ExtensionInfo, LambdaError } from './timeline-entry';

export type { FunctionMetadata } from './extension-registry';

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

interface InFlight {
  readonly invocation: PendingInvocation;
  readonly settle: (answer: RuntimeAnswer) => void;
  delivered: boolean;
  answer?: RuntimeAnswer;
}

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
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 */
export class EnvironmentSession {
  /** The Extensions API side: registration, events, errors. */
  readonly registry: ExtensionRegistry;
  readonly #answered = new Set<string>();
  readonly #ready = deferred<void>();
  readonly #failure = deferred<LambdaError>();
  readonly #errors: LambdaError[] = [];
  #runtimeStarted = false;
  #initDone = false;
  #runtimePoll: ServerResponse | undefined;
  #inFlight: InFlight | undefined;

  constructor(metadata: FunctionMetadata, externalNames: ReadonlySet<string>) {
    this.registry = new ExtensionRegistry(metadata, externalNames, {
      registrationClosed: () => this.#runtimeStarted,
      changed: () => {
        this.#checkReady();
        this.#checkInvocationDone();
      },
      failed: (error) => this.#fail(error),
    });
  }

  /** Settles when INIT has ended. */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  /** Settles with the first init or exit error the processes posted. */
  get failure(): Promise<LambdaError> {
    return this.#failure.promise;
  }

  /** Every init or exit error the processes posted so far, in order. */
  get errors(): readonly LambdaError[] {
    return this.#errors;
  }

  /** The runtime has asked for its first event; registration is closed. */
  get runtimeStarted(): boolean {
    return this.#runtimeStarted;
  }

  get extensions(): ExtensionInfo[] {
    return this.registry.list;
  }

  /** Queues an event for the runtime; settles with what it answers. */
  invoke(invocation: PendingInvocation): Promise<RuntimeAnswer> {
    const { promise, resolve } = deferred<RuntimeAnswer>();
    this.#inFlight = { invocation, settle: resolve, delivered: false };

    this.registry.broadcast({
      eventType: 'INVOKE',
      deadlineMs: invocation.deadlineMs,
      requestId: invocation.requestId,
      invokedFunctionArn: invocation.invokedFunctionArn,
      tracing: { type: 'X-Amzn-Trace-Id', value: invocation.traceId },
    });
    this.#deliverToRuntime();
    return promise;
  }

  /** Sends SHUTDOWN to the extensions that subscribed to it. */
  shutdown(
    reason: 'spindown' | 'timeout' | 'failure',
    deadlineMs: number,
  ): void {
    this.registry.broadcast({
      eventType: 'SHUTDOWN',
      shutdownReason: reason,
      deadlineMs,
    });
  }

  /** Drops every request still held open. */
  close(): void {
    this.#runtimePoll?.destroy();
    this.registry.close();
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
    // Limitation: Lambda's 6 MB payload limits are not enforced here.
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
    this.#fail(error);
  }

  #fail(error: LambdaError): void {
    this.#errors.push(error);
    this.#failure.resolve(error);
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
    if (!this.registry.allReady) return;

    this.#initDone = true;
    this.#ready.resolve();
  }

  #checkInvocationDone(): void {
    const inFlight = this.#inFlight;
    if (inFlight?.answer === undefined || this.registry.anyBusy) return;

    this.#inFlight = undefined;
    inFlight.settle(inFlight.answer);
  }
}
