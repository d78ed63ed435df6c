import {
  DependencyContainer,
  InjectionToken,
  container as globalContainer,
  isFactoryProvider,
} from 'tsyringe';
import {
  DECORATOR_NAMES,
  readHooks,
  readLazyMembers,
  type AnyClass,
  type HookKind,
} from '../../decorators/hook-metadata';
import { isInvocationScoped } from '../../decorators/invocation-scoped.decorator';
import type { LazyOptions } from '../../decorators/lazy.decorator';
import { LifecycleError } from '../../decorators/lifecycle-error';
import {
  assertNoProblems,
  tokenName,
  walkGraph,
  walkToken,
  type GraphWalk,
} from './graph-check';
import {
  ProviderKind,
  providerKind,
  registerOnce,
  registrationsOf,
  trackResolutions,
} from './tsyringe-internals';

/** A provider for one token, as `createHandler` and the test bed take it. */
export type ProviderSpec<T = unknown> =
  | { readonly token: InjectionToken<T>; readonly useValue: T }
  | {
      readonly token: InjectionToken<T>;
      readonly useClass: new (...args: never[]) => T;
    }
  | {
      readonly token: InjectionToken<T>;
      readonly useFactory: (container: DependencyContainer) => T;
    }
  | {
      readonly token: InjectionToken<T>;
      readonly useToken: InjectionToken<T>;
    };

/** One object the environment built, with what it was built from. */
export interface BuiltNode {
  readonly token: InjectionToken<unknown>;
  readonly instance: object;
  readonly kind: ProviderKind;
  /** The built objects this one received, directly. */
  readonly dependencies: readonly BuiltNode[];
}

/** The container of one execution environment and what it built. */
export interface EnvironmentGraph {
  readonly container: DependencyContainer;
  readonly root: object;
  /** Every built object, each after everything it depends on. */
  readonly nodes: readonly BuiltNode[];
}

/** How to build an environment's container. */
export interface GraphOptions {
  /** Where registrations are looked up. Default: tsyringe's root container. */
  readonly parent?: DependencyContainer;
  /** Providers that take precedence over the parent's registrations. */
  readonly providers?: readonly ProviderSpec[];
  /**
   * Filled with every object built, in dependency order, as it is built; so
   * a caller still knows what to release when building fails half-way.
   */
  readonly built?: BuiltNode[];
  /**
   * Told of each object the container builds after the build itself, the
   * first time something resolves it: what only an `@InvocationScoped`
   * class or a `delay()` proxy needs. It is built once, in this container.
   */
  readonly builtLater?: (node: BuiltNode) => void;
}

function registerProviders(
  child: DependencyContainer,
  providers: readonly ProviderSpec[],
): void {
  for (const spec of providers) {
    const { token, ...provider } = spec;
    registerOnce(child, token, provider as never);
  }
}

/**
 * Copies every registration the graph uses into the environment's own
 * container, so that each service is built once per environment and never
 * shared with another environment (tsyringe caches a singleton on the
 * registration itself, which child containers share with their parent).
 */
function adoptRegistrations(
  child: DependencyContainer,
  tokens: Iterable<InjectionToken<unknown>>,
): void {
  for (const token of tokens) {
    if (child.isRegistered(token)) continue;

    const registrations = registrationsOf(child, token);
    if (registrations.length === 0) {
      registerOnce(child, token, { useClass: token as AnyClass } as never);
      continue;
    }
    for (const { provider } of registrations) {
      registerOnce(child, token, provider);
    }
  }
}

/**
 * Checks the object graph of `root` as {@link buildEnvironmentGraph} does
 * before building it, and builds nothing: no constructor or factory runs.
 * `lambda-lifecycle build` uses it to prove that a bundle kept the
 * constructor types injection needs.
 *
 * Throws the same `LifecycleError` as `buildEnvironmentGraph` would, listing
 * every missing provider, cycle and class without constructor types.
 *
 * @example
 * ```ts
 * checkEnvironmentGraph(OrdersHandler, { providers });
 * ```
 */
export function checkEnvironmentGraph(
  root: AnyClass,
  options: Pick<GraphOptions, 'parent' | 'providers'> = {},
): void {
  const child = (options.parent ?? globalContainer).createChildContainer();
  registerProviders(child, options.providers ?? []);

  // Limitation: what factories resolve is not checked until INIT.
  assertNoProblems(root, walkGraph(child, root).problems);
}

/**
 * Builds the object graph of `root` in a fresh container: checks the whole
 * graph first, then resolves it, recording every object built.
 *
 * What the constructor graph does not show is checked and adopted the
 * first time something resolves it through the container: a token a factory
 * resolves, or what an `@InvocationScoped` class needs. It is built in this
 * container too, once, so no environment shares it with another or with
 * tsyringe's root container; during the build it takes its place in the
 * dependency order like the rest.
 *
 * Throws a `LifecycleError` naming the class and parameter when a provider
 * is missing, a cycle exists or constructor types are unknown (for a token
 * a factory resolves: naming the factory's token), and wraps any error a
 * constructor or factory throws.
 */
export function buildEnvironmentGraph(
  root: AnyClass,
  options: GraphOptions = {},
): EnvironmentGraph {
  const child = (options.parent ?? globalContainer).createChildContainer();
  registerProviders(child, options.providers ?? []);

  const walk = walkGraph(child, root);
  assertNoProblems(root, walk.problems);
  adoptRegistrations(child, walk.tokens);

  const checked = new Set<unknown>(walk.tokens);
  // Adopted after the build and not built yet: reported once built.
  const later = new Set<unknown>();
  const nodes = new Map<unknown, BuiltNode>();
  const built = options.built ?? [];
  const refusals = new WeakSet<object>();
  let building = true;

  const adopt = (token: InjectionToken<unknown>, parent: unknown): void => {
    if (checked.has(token)) return;

    const found = walkToken(child, token, asker(child, parent), checked);
    try {
      assertNoProblems(root, found.problems);
      if (!building) refuseHooksAfterInit(found);
    } catch (error) {
      refusals.add(error as object);
      throw error;
    }

    const fresh = [...found.tokens].filter((t) => !checked.has(t));
    adoptRegistrations(
      child,
      fresh.filter((t) => !isScopedClass(child, t)),
    );
    for (const t of fresh) {
      checked.add(t);
      if (!building && !isScopedClass(child, t)) later.add(t);
    }
  };

  const cycle = (chain: readonly InjectionToken<unknown>[]): unknown => {
    const error = new LifecycleError(
      'DEPENDENCY_CYCLE',
      `Cannot build ${tokenName(root)}: ${chain.map(tokenName).join(' -> ')} ` +
        'need each other through a factory. Break the cycle: let one of ' +
        'them resolve the other when it is used, not when it is built.',
    );
    refusals.add(error as object);
    return error;
  };

  trackResolutions(child, {
    firstSeen: adopt,
    reentered: cycle,
    reports: (token) => building || later.has(token),
    resolved: ({ token, value, dependencies }) => {
      later.delete(token);
      if (typeof value !== 'object' || value === null || nodes.has(value)) {
        return;
      }
      const registration = registrationsOf(child, token).at(-1);
      const node: BuiltNode = {
        token,
        instance: value,
        kind: registration ? providerKind(registration.provider) : 'class',
        dependencies: [...dependencies].flatMap((dep) => nodes.get(dep) ?? []),
      };
      nodes.set(value, node);
      if (building) built.push(node);
      else options.builtLater?.(node);
    },
  });

  try {
    const instance = child.resolve(root as never) as object;
    return { container: child, root: instance, nodes: built };
  } catch (error) {
    if (refusals.has(error as object)) throw error;
    throw new LifecycleError(
      'RESOLUTION_FAILED',
      `Cannot build ${tokenName(root)}: ${(error as Error)?.message ?? error}`,
      { cause: error },
    );
  } finally {
    building = false;
  }
}

/** Who resolves a token outside the constructor graph, for messages. */
function asker(child: DependencyContainer, parent: unknown): string {
  if (parent === undefined) return '';

  const token = parent as InjectionToken<unknown>;
  const registration = registrationsOf(child, token).at(-1);
  const factory = registration && isFactoryProvider(registration.provider);
  return factory ? `${tokenName(token)} factory` : tokenName(token);
}

/** An `@InvocationScoped` class: built per invocation, never adopted. */
function isScopedClass(child: DependencyContainer, token: unknown): boolean {
  return (
    typeof token === 'function' &&
    isInvocationScoped(token as AnyClass) &&
    registrationsOf(child, token as InjectionToken<unknown>).length === 0
  );
}

// What cannot run for an object built after INIT: INIT is over and the
// invocation path was compiled from the objects INIT built.
const INIT_ONLY: readonly HookKind[] = [
  'onInit',
  'beforeInvoke',
  'afterInvoke',
  'onError',
];

/**
 * Throws when a class first needed after INIT has hooks that can only run
 * for what INIT built. Its `@OnShutdown` hooks and `@Lazy` members work.
 */
function refuseHooksAfterInit(found: GraphWalk): void {
  for (const [ctor, chain] of found.classes) {
    if (isInvocationScoped(ctor)) continue;

    const hooks = INIT_ONLY.filter(
      (kind) => readHooks(ctor, kind).length > 0,
    ).map((kind) => DECORATOR_NAMES[kind]);
    const eager = readLazyMembers<LazyOptions>(ctor).some(
      ({ options }) => options.eager === true,
    );
    if (eager) hooks.push('eager @Lazy');
    if (hooks.length === 0) continue;

    const name = tokenName(ctor);
    throw new LifecycleError(
      'BUILT_AFTER_INIT',
      `${chain}: ${name} is first needed after INIT (nothing the handler's ` +
        `constructors need reaches it), so its ${hooks.join(', ')} ` +
        `members cannot run. Inject ${name} into the handler or one of ` +
        'its services, so that INIT builds it.',
    );
  }
}
