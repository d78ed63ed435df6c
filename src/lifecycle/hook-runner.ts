import { now } from './clock';
import type { AnyClass } from '../../decorators/hook-metadata';
import {
  DECORATOR_NAMES,
  memberName,
  readHooks,
} from '../../decorators/hook-metadata';
import { LifecycleError } from '../../decorators/lifecycle-error';
import type { OnInitOptions } from '../../decorators/on-init.decorator';
import type { OnShutdownOptions } from '../../decorators/on-shutdown.decorator';
import { findDisposer } from '../container/disposal';
import type { BuiltNode } from '../container/environment-container';
import { tokenName } from '../container/graph-check';
import type { Logger } from '../logging/logger';
import { errorFields } from '../logging/logger';
import type { LifecycleObserver, Outcome, StepKind } from './observer';

/** One init or shutdown step: a decorated hook or a provider's disposer. */
export interface LifecycleStep {
  readonly kind: StepKind;
  /** `Class.member`, or `"TOKEN".end` for a disposer. */
  readonly name: string;
  readonly timeoutMs?: number;
  readonly run: () => unknown;
}

/** How one step ended. */
export interface StepResult {
  readonly kind: StepKind;
  readonly name: string;
  readonly outcome: Outcome;
  readonly durationMs: number;
  readonly error?: unknown;
}

/** What a shutdown did, hook by hook. */
export interface ShutdownReport {
  readonly budgetMs: number;
  readonly durationMs: number;
  readonly steps: readonly StepResult[];
  /** The steps that failed or ran out of time. */
  readonly problems: readonly StepResult[];
}

type Observer = Required<LifecycleObserver> | undefined;

function stepsOf<Options extends { timeoutMs?: number }>(
  node: BuiltNode,
  kind: 'onInit' | 'onShutdown',
): LifecycleStep[] {
  const instance = node.instance as Record<string | symbol, unknown>;
  const ctor = node.instance.constructor as AnyClass;

  return readHooks<Options>(ctor, kind).map(({ member, options }) => ({
    kind,
    name: memberName(node.instance, member),
    timeoutMs: options.timeoutMs,
    run: () => (instance[member] as () => unknown).call(instance),
  }));
}

/** The `@OnInit` hooks of one built object, base class first. */
export function initSteps(node: BuiltNode): LifecycleStep[] {
  return stepsOf<OnInitOptions>(node, 'onInit');
}

/**
 * What releases one built object at shutdown: its `@OnShutdown` hooks,
 * subclass first; without any, the disposer of a factory or value
 * registration (`end`, `quit`, `close`, ...) or of a class implementing
 * `dispose()` / `Symbol.asyncDispose`.
 */
export function shutdownSteps(node: BuiltNode): LifecycleStep[] {
  const hooks = stepsOf<OnShutdownOptions>(node, 'onShutdown').reverse();
  if (hooks.length > 0) return hooks;

  const disposer = findDisposer(node.instance, node.kind === 'class');
  if (disposer === undefined) return [];
  const owner =
    node.kind === 'class'
      ? node.instance.constructor.name
      : tokenName(node.token);
  return [
    {
      kind: 'dispose',
      name: `${owner}.${disposer.member}`,
      run: disposer.dispose,
    },
  ];
}

/**
 * Runs one step, settling when it ends or when `deadlineMs` passes,
 * whichever is first. Never throws: the outcome says what happened.
 */
export async function runStep(
  step: LifecycleStep,
  deadlineMs: number | undefined,
  observer: Observer,
): Promise<StepResult> {
  observer?.hookStarted({ kind: step.kind, name: step.name });
  const started = now();
  let timer: NodeJS.Timeout | undefined;

  const [outcome, error] = await new Promise<[Outcome, unknown?]>((resolve) => {
    if (deadlineMs !== undefined) {
      timer = setTimeout(() => resolve(['timed-out']), deadlineMs);
    }
    try {
      Promise.resolve(step.run()).then(
        () => resolve(['ok']),
        (failure: unknown) => resolve(['failed', failure]),
      );
    } catch (failure) {
      resolve(['failed', failure]);
    }
  });
  clearTimeout(timer);

  const result: StepResult = {
    kind: step.kind,
    name: step.name,
    outcome,
    durationMs: now() - started,
    ...(outcome === 'failed' ? { error } : {}),
  };
  observer?.hookEnded(result);
  return result;
}

/** The error an init step that did not succeed fails INIT with. */
export function initFailure(result: StepResult): LifecycleError {
  const where =
    result.kind === 'lazy'
      ? `@Lazy on ${result.name}: eager load`
      : `${DECORATOR_NAMES.onInit} on ${result.name}: hook`;
  if (result.outcome === 'timed-out') {
    return new LifecycleError(
      'HOOK_TIMED_OUT',
      `${where} did not settle within its timeoutMs ` +
        `(${Math.round(result.durationMs)} ms). INIT stopped; raise ` +
        'timeoutMs or make the hook faster.',
    );
  }
  const reason = (result.error as Error)?.message ?? String(result.error);
  return new LifecycleError(
    'HOOK_FAILED',
    `${where} failed: ${reason}. INIT stopped; see ` + 'cause.',
    { cause: result.error },
  );
}

/**
 * Groups `nodes` for shutdown: first those nothing else depends on, last the
 * ones everything depends on. Nodes in one group do not depend on each other
 * and can be released in parallel.
 */
function shutdownLevels(nodes: readonly BuiltNode[]): BuiltNode[][] {
  const height = new Map<BuiltNode, number>();
  for (const node of nodes) {
    const below = node.dependencies.map((dep) => height.get(dep) ?? 0);
    height.set(node, below.length === 0 ? 0 : 1 + Math.max(...below));
  }

  const levels: BuiltNode[][] = [];
  for (const node of nodes) {
    const level = height.get(node) ?? 0;
    (levels[level] ??= []).push(node);
  }
  return levels.filter((level) => level !== undefined).reverse();
}

/**
 * How long one shutdown step may run, in ms from `at`.
 *
 * The rule: every group is guaranteed an equal part of the budget
 * (`budgetMs / groups`); a group's steps get a fair share of what is left
 * (what is left divided by the groups still to run), so time an earlier
 * group did not use passes on; a step's own `timeoutMs` can shorten its
 * deadline, or lengthen it only into time the later groups' guaranteed
 * parts do not claim, and never past what is left of the budget.
 */
function stepDeadline(budget: {
  /** When the budget ends (now() scale). */
  readonly endsAt: number;
  /** When the fair share of this step's group ends. */
  readonly shareEndsAt: number;
  /** Time the groups after this one are guaranteed, in ms. */
  readonly reservedAfter: number;
  readonly at: number;
  readonly timeoutMs: number | undefined;
}): number {
  const left = Math.max(0, budget.endsAt - budget.at);
  const share = Math.max(0, budget.shareEndsAt - budget.at);
  if (budget.timeoutMs === undefined) return Math.min(share, left);

  const spare = Math.max(share, left - budget.reservedAfter);
  return Math.min(budget.timeoutMs, spare, left);
}

/**
 * Releases `nodes` in reverse dependency order within `budgetMs`. Every step
 * runs even when others fail. Each group of independent nodes gets a fair
 * share of what is left of the budget, and a hook's own timeoutMs may take
 * more only out of time the later groups are not guaranteed (see
 * {@link stepDeadline}); a step still running at its deadline is reported
 * as timed out and left behind. Never throws.
 */
export async function runShutdown(
  nodes: readonly BuiltNode[],
  budgetMs: number,
  logger: Logger,
  observer: Observer,
): Promise<ShutdownReport> {
  const started = now();
  const levels = shutdownLevels(nodes)
    .map((level) => level.map(shutdownSteps).filter((s) => s.length > 0))
    .filter((level) => level.length > 0);
  const steps: StepResult[] = [];
  const endsAt = started + budgetMs;
  const guaranteed = budgetMs / Math.max(1, levels.length);

  for (let index = 0; index < levels.length; index++) {
    const later = levels.length - index - 1;
    const levelStart = now();
    const left = Math.max(0, endsAt - levelStart);
    const shareEndsAt = levelStart + left / (later + 1);

    const results = await Promise.all(
      levels[index].map(async (nodeSteps) => {
        const done: StepResult[] = [];
        for (const step of nodeSteps) {
          const deadline = stepDeadline({
            endsAt,
            shareEndsAt,
            reservedAfter: later * guaranteed,
            at: now(),
            timeoutMs: step.timeoutMs,
          });
          done.push(await runStep(step, deadline, observer));
        }
        return done;
      }),
    );
    steps.push(...results.flat());
  }

  const problems = steps.filter((step) => step.outcome !== 'ok');
  for (const problem of problems) {
    const verb = problem.outcome === 'failed' ? 'failed' : 'ran out of time';
    logger.error(
      `${problem.kind === 'dispose' ? 'Disposer' : '@OnShutdown on'} ` +
        `${problem.name}: ${verb}; the other shutdown steps still ran`,
      {
        hook: problem.name,
        outcome: problem.outcome,
        durationMs: Math.round(problem.durationMs),
        ...(problem.outcome === 'failed' ? errorFields(problem.error) : {}),
      },
    );
  }
  return {
    budgetMs,
    durationMs: now() - started,
    steps,
    problems,
  };
}
