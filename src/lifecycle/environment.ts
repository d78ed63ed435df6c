import { now } from './clock';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import {
  readHandlerMetadata,
  type HandlerMetadata,
} from '../../decorators/handler.decorator';
import {
  memberName,
  readHooks,
  type AnyClass,
  type HookKind,
} from '../../decorators/hook-metadata';
import { LifecycleError } from '../../decorators/lifecycle-error';
import {
  buildEnvironmentGraph,
  type BuiltNode,
  type ProviderSpec,
} from '../container/environment-container';
import { tokenName } from '../container/graph-check';
import { withLogContext } from '../logging/contextual-logger';
import { createDefaultLogger } from '../logging/default-logger';
import { LOGGER, type Logger, errorFields } from '../logging/logger';
import { createRedactor } from '../logging/redact-fields';
import { RequestIdSource } from '../logging/request-id-source';
import { MetricsRecorder } from '../metrics/metrics-recorder';
import {
  resolveMetrics,
  type MetricsOptions,
} from '../metrics/metrics-options';
import { findPooled } from '../metrics/pooled';
import {
  InvocationScope,
  runInInvocationScope,
} from '../scope/invocation-scope';
import {
  initFailure,
  initSteps,
  runShutdown,
  runStep,
  type LifecycleStep,
  type ShutdownReport,
  type StepResult,
} from './hook-runner';
import {
  compilePipeline,
  type BoundHook,
  type Invoke,
} from './invoke-pipeline';
import { instrumentHooks } from './instrument-hooks';
import { shutdownSummary } from './shutdown-summary';
import {
  countedPath,
  meteredPath,
  observedPath,
  type InvocationCounts,
} from './invocation-paths';
import { installLazyMembers, type InstalledLazy } from './lazy-value';
import {
  combineObservers,
  type InitSummary,
  type LifecycleObserver,
  type Phase,
} from './observer';

/** How an execution environment is built and run. */
export interface EnvironmentOptions {
  /** Providers that replace or add to the container's registrations. */
  readonly providers?: readonly ProviderSpec[];
  /** Where registrations are looked up. Default: tsyringe's root container. */
  readonly container?: DependencyContainer;
  /**
   * Where the framework logs, and what `@inject(LOGGER)` gives. Default:
   * one line per entry on stdout/stderr in the format and at the level of
   * `AWS_LAMBDA_LOG_FORMAT` and `AWS_LAMBDA_LOG_LEVEL`. Either way each
   * entry carries the invocation's request id and its fields are redacted.
   */
  readonly logger?: Logger;
  /**
   * Field names (anywhere) or dotted paths (from the top of the fields) to
   * redact in logs, on top of credentials headers such as `authorization`
   * and `cookie` and members marked `@Sensitive()`. Case-insensitive.
   */
  readonly redact?: readonly string[];
  /**
   * Lifecycle metrics as CloudWatch EMF: options, `false` for none, or
   * `powertoolsMetrics(metrics)`. Default: on inside Lambda
   * (`AWS_LAMBDA_FUNCTION_NAME` set), off elsewhere.
   */
  readonly metrics?: MetricsOptions | false;
  /** Receive phase, hook and invocation events (switches timing on). */
  readonly observers?: readonly LifecycleObserver[];
  /** Total time the shutdown hooks may take, in ms. Default 450. */
  readonly shutdownBudgetMs?: number;
  /**
   * Run every invocation in an invocation scope even when nothing in the
   * graph needs one. It is on by itself when `InvocationScope` is injected
   * or `AWS_LAMBDA_MAX_CONCURRENCY` is set.
   */
  readonly invocationScope?: boolean;
  /** The environment variables to read, once, at INIT. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** What the environment measured about itself. */
export interface EnvironmentStats {
  /** `on-demand`, `provisioned-concurrency` or `snap-start`. */
  readonly initializationType: string;
  /** How long the last successful INIT took, in ms. */
  readonly initDurationMs: number | undefined;
  /** Each init hook and eager lazy load of that INIT, with its duration. */
  readonly initSteps: readonly StepResult[];
  /** Invocations dispatched since INIT. */
  readonly invocations: number;
  /** Whether the first invocation of this environment was a cold start. */
  readonly coldStart: boolean;
  /** The `@Lazy` values of the environment, with their hit counts. */
  readonly lazies: readonly InstalledLazy[];
}

const DEFAULT_SHUTDOWN_BUDGET_MS = 450;

/** The logger and scope the framework registers for itself. */
function isFrameworkValue(node: BuiltNode): boolean {
  return node.token === LOGGER || node.token === InvocationScope;
}

// Lambda starts an environment with one of these; only the first invocation
// of an on-demand one makes its caller wait for INIT.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
const ON_DEMAND = 'on-demand';

/**
 * One execution environment: the container built for it, the state machine
 * INIT -> READY <-> INVOKING -> SHUTTING_DOWN -> STOPPED (FAILED when INIT
 * fails; starting again from FAILED builds everything anew), and the
 * compiled invocation path.
 *
 * `#compile` picks one of three invocation paths once, at INIT: the plain
 * path (counts only), the metered path when metrics are on (the invocation
 * timed as a whole) and the observed path when observers are registered
 * (every hook timed). Only the observed path tracks the phase while
 * invocations run: otherwise it stays READY. Lambda only shuts an
 * environment down between invocations, so nothing depends on it there.
 */
export class Environment {
  readonly #handlerClass: AnyClass;
  readonly #handler: HandlerMetadata;
  readonly #options: EnvironmentOptions;
  readonly #logger: Logger;
  readonly #observer: ReturnType<typeof combineObservers>;
  readonly #traced: boolean;
  readonly #recorder: MetricsRecorder | undefined;
  readonly #requestIds = new RequestIdSource();
  readonly #initializationType: string;
  readonly #overlapping: boolean;

  #phase: Phase = 'INIT';
  #container: DependencyContainer | undefined;
  #nodes: BuiltNode[] = [];
  #lazies: InstalledLazy[] = [];
  #initSteps: StepResult[] = [];
  #initDurationMs: number | undefined;
  #counts: InvocationCounts = {
    invocations: 0,
    inFlight: 0,
    idleSince: 0,
    coldStart: false,
  };
  #starting: Promise<void> | undefined;
  #stopping: Promise<ShutdownReport> | undefined;

  /**
   * The function that runs one invocation in the current phase. Swapped on
   * every phase change so that the steady path carries no phase checks:
   * during INIT it waits for INIT, after a failed INIT it starts INIT again,
   * after shutdown it rejects.
   */
  dispatch: Invoke;

  constructor(handlerClass: AnyClass, options: EnvironmentOptions = {}) {
    const handler = readHandlerMetadata(handlerClass);
    if (handler === undefined) {
      throw new LifecycleError(
        'NOT_A_HANDLER',
        `createHandler(${handlerClass.name}): the class is not marked with ` +
          '@Handler(). Add @Handler() to it.',
      );
    }
    const env = options.env ?? process.env;

    this.#handlerClass = handlerClass;
    this.#handler = handler;
    this.#options = options;
    const requestId = () => this.#requestIds.current();
    this.#logger =
      options.logger === undefined
        ? createDefaultLogger(env, { requestId, redact: options.redact })
        : withLogContext(options.logger, {
            requestId,
            redact: createRedactor(options.redact),
          });
    const metrics = resolveMetrics(options.metrics, env, handlerClass.name);
    this.#recorder = metrics && new MetricsRecorder(metrics, this.#logger);
    const observers = options.observers ?? [];
    this.#traced = observers.length > 0;
    this.#observer = combineObservers(
      this.#recorder ? [...observers, this.#recorder] : observers,
      this.#logger,
    );
    this.#initializationType = env.AWS_LAMBDA_INITIALIZATION_TYPE || ON_DEMAND;
    this.#overlapping = Boolean(env.AWS_LAMBDA_MAX_CONCURRENCY);
    this.dispatch = this.#afterInit;
  }

  /** The current phase of the environment. */
  get phase(): Phase {
    return this.#phase;
  }

  get logger(): Logger {
    return this.#logger;
  }

  get stats(): EnvironmentStats {
    return {
      initializationType: this.#initializationType,
      initDurationMs: this.#initDurationMs,
      initSteps: this.#initSteps,
      invocations: this.#counts.invocations,
      coldStart: this.#counts.coldStart,
      lazies: this.#lazies,
    };
  }

  /**
   * The environment's instance of `token`, for tests and tools. Throws
   * `CONTAINER_NOT_READY` before INIT has finished or after shutdown.
   */
  resolve<T>(token: InjectionToken<T>): T {
    if (this.#container === undefined || this.#phase === 'STOPPED') {
      throw new LifecycleError(
        'CONTAINER_NOT_READY',
        `${this.#handlerClass.name}: resolve(${tokenName(token)}) while the ` +
          `environment is ${this.#phase}. Await start() first.`,
      );
    }
    return this.#container.resolve(token);
  }

  /**
   * Runs INIT: builds the container, runs the `@OnInit` hooks in dependency
   * order, loads eager `@Lazy` values and compiles the invocation path.
   * Calling it again while it runs returns the same promise; calling it
   * after a failure starts from scratch. Rejects with a `LifecycleError`
   * naming the class and member that failed, after releasing what was built.
   */
  start(): Promise<void> {
    if (this.#phase === 'FAILED') this.#starting = undefined;
    this.#starting ??= this.#init();
    return this.#starting;
  }

  /**
   * Runs SHUTDOWN once: every `@OnShutdown` hook and provider disposer in
   * reverse dependency order within the budget. Never rejects; the report
   * says what failed or ran out of time.
   */
  shutdown(): Promise<ShutdownReport> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #init(): Promise<void> {
    const started = now();
    this.#setPhase('INIT');
    this.dispatch = this.#afterInit;
    this.#initSteps = [];
    const built: BuiltNode[] = [];
    const lazies: InstalledLazy[] = [];
    const initialised = new Set<BuiltNode>();

    try {
      const graph = buildEnvironmentGraph(this.#handlerClass, {
        parent: this.#options.container,
        providers: [
          { token: LOGGER, useValue: this.#logger },
          { token: InvocationScope, useValue: new InvocationScope() },
          ...(this.#options.providers ?? []),
        ],
        built,
        // Built on first use after the build (only an invocation-scoped
        // class needs it): released at SHUTDOWN with the rest, its @Lazy
        // members installed. During INIT it joins `built`.
        builtLater: (node) => {
          lazies.push(...installLazyMembers(node.instance));
          (this.#phase === 'INIT' ? built : this.#nodes).push(node);
        },
      });
      lazies.push(
        ...built.flatMap((node) => installLazyMembers(node.instance)),
      );

      for (const node of built) {
        initialised.add(node);
        await this.#runInitSteps(this.#initStepsOf(node, lazies));
      }

      this.#nodes = built.filter((node) => !isFrameworkValue(node));
      this.#lazies = lazies;
      this.#container = graph.container;
      this.#initDurationMs = now() - started;
      const usesScope = built.some((node) => node.token === InvocationScope);
      this.dispatch = this.#first(
        this.#compile(graph.root, graph.container, usesScope),
      );
      this.#counts.idleSince = now();
      this.#observer?.initEnded(
        this.#initSummary('ok', this.#initDurationMs, built, lazies),
      );
      this.#setPhase('READY');
    } catch (error) {
      await this.#abandon(built, initialised, error, started);
      throw error;
    }
  }

  #initSummary(
    outcome: InitSummary['outcome'],
    durationMs: number,
    built: readonly BuiltNode[],
    lazies: readonly InstalledLazy[],
    error?: unknown,
  ): InitSummary {
    return {
      outcome,
      initializationType: this.#initializationType,
      durationMs,
      steps: [...this.#initSteps],
      lazies,
      pooled: findPooled(built),
      ...(outcome === 'failed' ? { error } : {}),
    };
  }

  #initStepsOf(node: BuiltNode, lazies: InstalledLazy[]): LifecycleStep[] {
    const eager = lazies
      .filter((lazy) => lazy.eager && lazy.owner === node.instance)
      .map<LifecycleStep>((lazy) => ({
        kind: 'lazy',
        name: lazy.name,
        run: () => lazy.value.get(),
      }));
    return [...initSteps(node), ...eager];
  }

  async #runInitSteps(steps: readonly LifecycleStep[]): Promise<void> {
    for (const step of steps) {
      const result = await runStep(step, step.timeoutMs, this.#observer);
      this.#initSteps.push(result);
      if (result.outcome !== 'ok') throw initFailure(result);
    }
  }

  /**
   * After a failed INIT: releases what this attempt created and may hold a
   * resource, and leaves the environment FAILED, ready to start again.
   *
   * Who owns what: the environment owns what it built, the instances of
   * classes and the results of factories, and releases them here, except a
   * class whose init hooks never started (it has opened nothing yet). A
   * value the caller registered (`useValue`) stays the caller's: the next
   * attempt registers the same object again, so it is not released here,
   * only at the final SHUTDOWN. The framework's own values (the logger,
   * `InvocationScope`) are never released.
   */
  async #abandon(
    built: readonly BuiltNode[],
    started: ReadonlySet<BuiltNode>,
    error: unknown,
    startedAt: number,
  ): Promise<void> {
    this.#logger.error('INIT failed', { ...errorFields(error) });
    this.#observer?.initEnded(
      this.#initSummary('failed', now() - startedAt, [], [], error),
    );
    const live = built.filter(
      (node) =>
        node.kind !== 'value' &&
        (started.has(node) || initSteps(node).length === 0),
    );
    await runShutdown(
      live,
      this.#shutdownBudget(),
      this.#logger,
      this.#observer,
    );
    this.#setPhase('FAILED');
  }

  async #shutdown(): Promise<ShutdownReport> {
    try {
      await this.#starting;
    } catch {
      // A failed INIT already released what it built.
    }
    this.#setPhase('SHUTTING_DOWN');
    this.dispatch = this.#stopped;
    this.#requestIds.latest = undefined;

    const report = await runShutdown(
      this.#nodes,
      this.#shutdownBudget(),
      this.#logger,
      this.#observer,
    );
    this.#nodes = [];
    const summary = shutdownSummary(this.#handlerClass.name, report);
    this.#logger.info(summary.message, summary.fields);
    this.#observer?.shutdownEnded({
      ...report,
      invocations: this.#counts.invocations,
    });
    this.#setPhase('STOPPED');
    return report;
  }

  #shutdownBudget(): number {
    return this.#options.shutdownBudgetMs ?? DEFAULT_SHUTDOWN_BUDGET_MS;
  }

  #setPhase(to: Phase): void {
    const from = this.#phase;
    this.#phase = to;
    if (from !== to) this.#observer?.phaseChanged({ from, to });
  }

  /** Builds the steady invocation path from the built graph. */
  #compile(
    root: object,
    container: DependencyContainer,
    usesScope: boolean,
  ): Invoke {
    const bound = (kind: HookKind) => (node: BuiltNode) =>
      readHooks(node.instance.constructor as AnyClass, kind).map(
        ({ member }): BoundHook => ({
          name: memberName(node.instance, member),
          instance: node.instance,
          fn: (node.instance as Record<string | symbol, never>)[member],
        }),
      );
    const dependencyOrder = this.#nodes;
    const handlerFirst = [...dependencyOrder].reverse();
    const method = this.#handler.method;

    let parts = {
      handle: {
        name: memberName(root, method),
        instance: root,
        fn: (root as Record<string, never>)[method],
      } as BoundHook,
      before: dependencyOrder.flatMap(bound('beforeInvoke')),
      after: handlerFirst.flatMap(bound('afterInvoke')),
      onError: handlerFirst.flatMap(bound('onError')),
    };
    if (this.#traced) parts = instrumentHooks(parts, this.#observer!);

    const pipeline = compilePipeline({
      ...parts,
      afterInvokeErrors: this.#handler.afterInvokeErrors,
      logger: this.#logger,
    });

    const scoped =
      this.#options.invocationScope === true || this.#overlapping || usesScope;
    if (scoped) this.#requestIds.useScope();
    const run: Invoke = scoped
      ? (event, context) =>
          runInInvocationScope(container, event, context, () =>
            pipeline(event, context),
          )
      : pipeline;

    const counts = this.#counts;
    const ids = this.#requestIds;
    if (this.#traced) {
      return observedPath(run, counts, ids, this.#observer!, {
        busy: () => this.#setPhase('INVOKING'),
        idle: () => {
          if (this.#phase === 'INVOKING') this.#setPhase('READY');
        },
      });
    }
    return this.#recorder === undefined
      ? countedPath(run, counts, ids)
      : meteredPath(run, counts, ids, this.#recorder, this.#logger);
  }

  /**
   * The first invocation decides the cold start, then steps aside. It is a
   * cold start only when it is the first invocation the environment ever
   * received: after a failed INIT retried within an invocation, Lambda
   * counts the one that failed (its REPORT carries the Init Duration).
   */
  #first(steady: Invoke): Invoke {
    return (event, context) => {
      const first =
        this.#firstArrival === undefined || this.#firstArrival === context;
      this.#counts.coldStart = first && this.#initializationType === ON_DEMAND;
      this.dispatch = steady;
      return steady(event, context);
    };
  }

  /** The context of the first invocation that arrived before READY. */
  #firstArrival: object | undefined;

  #afterInit: Invoke = (event, context) => {
    this.#firstArrival ??= context;
    return this.start().then(() => this.dispatch(event, context));
  };

  #stopped: Invoke = () =>
    Promise.reject(
      new LifecycleError(
        'CONTAINER_NOT_READY',
        `${this.#handlerClass.name}: invoked after the environment shut ` +
          'down. Create a new handler or test bed.',
      ),
    );
}
