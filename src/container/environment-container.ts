import {
  DependencyContainer,
  InjectionToken,
  container as globalContainer,
} from 'tsyringe';
import type { AnyClass } from '../../decorators/hook-metadata';
import { LifecycleError } from '../../decorators/lifecycle-error';
import { assertNoProblems, tokenName, walkGraph } from './graph-check';
import {
  ProviderKind,
  providerKind,
  registerOnce,
  registrationsOf,
  traceResolutions,
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

  assertNoProblems(root, walkGraph(child, root).problems);
}

/**
 * Builds the object graph of `root` in a fresh container: checks the whole
 * graph first, then resolves it, recording every object built.
 *
 * Throws a `LifecycleError` naming the class and parameter when a provider
 * is missing, a cycle exists or constructor types are unknown, and wraps any
 * error a constructor or factory throws.
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

  const nodes = new Map<unknown, BuiltNode>();
  const built = options.built ?? [];
  const stop = traceResolutions(child, ({ token, value, dependencies }) => {
    if (typeof value !== 'object' || value === null || nodes.has(value)) {
      return;
    }
    const [registration] = registrationsOf(child, token);
    const node: BuiltNode = {
      token,
      instance: value,
      kind: registration ? providerKind(registration.provider) : 'class',
      dependencies: [...dependencies].flatMap((dep) => nodes.get(dep) ?? []),
    };
    nodes.set(value, node);
    built.push(node);
  });

  try {
    const instance = child.resolve(root as never) as object;
    return { container: child, root: instance, nodes: built };
  } catch (error) {
    throw new LifecycleError(
      'RESOLUTION_FAILED',
      `Cannot build ${tokenName(root)}: ${(error as Error)?.message ?? error}`,
      { cause: error },
    );
  } finally {
    stop();
  }
}
