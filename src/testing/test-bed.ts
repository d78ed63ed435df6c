import type { InjectionToken } from 'tsyringe';
import type { AnyClass } from '../../decorators/hook-metadata';
import type { HandlerEvent, HandlerResult } from '../adapter/create-handler';
import {
  Environment,
  type EnvironmentOptions,
  type EnvironmentStats,
} from '../lifecycle/environment';
import type { ShutdownReport } from '../lifecycle/hook-runner';
import type {
  HookEnd,
  InvocationEnd,
  LifecycleObserver,
  Phase,
} from '../lifecycle/observer';
import type { LogFields, Logger } from '../logging/logger';
import { createFakeContext, type FakeContextOptions } from './fake-context';

/** Options of {@link createTestBed}. */
export interface TestBedOptions extends Omit<EnvironmentOptions, 'env'> {
  /** Environment variables the environment sees; nothing from process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Default `on-demand`, whose first invocation is a cold start. */
  readonly initializationType?:
    'on-demand' | 'provisioned-concurrency' | 'snap-start';
  /** Fields every fake context of this bed starts from. */
  readonly context?: FakeContextOptions;
}

/** One log entry written through the bed's logger. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: LogFields;
}

/**
 * An isolated execution environment for one handler class: its own
 * container, where any provider (singletons included) can be replaced, a
 * realistic fake context, and a record of everything that ran.
 */
export class TestBed<TEvent = unknown, TResult = unknown> {
  /** Every hook that ran, in order: `{ kind, name, outcome, ... }`. */
  readonly hooks: HookEnd[] = [];
  /** Every finished invocation, in order, with its cold-start flag. */
  readonly invocations: InvocationEnd[] = [];
  /** Every phase the environment went through, in order. */
  readonly phases: Phase[] = ['INIT'];
  /** What the framework logged, when no logger was given. */
  readonly logs: LogEntry[] = [];
  readonly environment: Environment;
  readonly #context: FakeContextOptions;

  constructor(handlerClass: AnyClass, options: TestBedOptions = {}) {
    const record: LifecycleObserver = {
      hookEnded: (hook) => this.hooks.push(hook),
      invocationEnded: (invocation) => this.invocations.push(invocation),
      phaseChanged: ({ to }) => this.phases.push(to),
    };
    this.#context = options.context ?? {};
    this.environment = new Environment(handlerClass, {
      ...options,
      logger: options.logger ?? this.#capture(),
      observers: [record, ...(options.observers ?? [])],
      env: {
        AWS_LAMBDA_INITIALIZATION_TYPE:
          options.initializationType ?? 'on-demand',
        ...options.env,
      },
    });
  }

  /** Whether the last invocation was a cold start. */
  get coldStart(): boolean {
    return this.invocations.at(-1)?.coldStart ?? false;
  }

  get stats(): EnvironmentStats {
    return this.environment.stats;
  }

  /** Hook names of one kind, in the order they ran: `['Db.connect', ...]`. */
  ran(kind?: HookEnd['kind']): string[] {
    return this.hooks
      .filter((hook) => kind === undefined || hook.kind === kind)
      .map((hook) => hook.name);
  }

  /**
   * Invokes the handler as Lambda would, with a fresh fake context; fields
   * of `context` override the bed's defaults. Rejects with what the
   * invocation rejects with.
   */
  invoke(event: TEvent, context?: FakeContextOptions): Promise<TResult> {
    const fake = createFakeContext({ ...this.#context, ...context });
    return this.environment.dispatch(event, fake) as Promise<TResult>;
  }

  /** The environment's instance of `token`: the one the handler received. */
  get<T>(token: InjectionToken<T>): T {
    return this.environment.resolve(token);
  }

  /** Runs SHUTDOWN as Lambda's SIGTERM would; resolves with the report. */
  shutdown(): Promise<ShutdownReport> {
    return this.environment.shutdown();
  }

  #capture(): Logger {
    const at =
      (level: LogEntry['level']) => (message: string, fields?: LogFields) =>
        this.logs.push({ level, message, fields });
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
    };
  }
}

/**
 * Builds an isolated environment for `handlerClass` and runs its INIT.
 * Providers given here replace the container's registrations in this bed
 * only, singletons included; other beds and the global container never see
 * them.
 *
 * Phase: init. Rejects as INIT would, with the `LifecycleError` naming the
 * hook or parameter that failed.
 *
 * @example
 * ```ts
 * const bed = await createTestBed(OrdersHandler, {
 *   providers: [{ token: Database, useValue: fakeDatabase }],
 * });
 * const response = await bed.invoke(event);
 * expect(bed.coldStart).toBe(true);
 * await bed.shutdown();
 * ```
 */
export async function createTestBed<C extends AnyClass>(
  handlerClass: C,
  options: TestBedOptions = {},
): Promise<TestBed<HandlerEvent<C>, HandlerResult<C>>> {
  const bed = new TestBed<HandlerEvent<C>, HandlerResult<C>>(
    handlerClass,
    options,
  );
  await bed.environment.start();
  return bed;
}
