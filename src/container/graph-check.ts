import { DependencyContainer, InjectionToken, delay } from 'tsyringe';
import type { AnyClass } from '../../decorators/hook-metadata';
import { isInvocationScoped } from '../../decorators/invocation-scoped.decorator';
import {
  LifecycleError,
  LifecycleErrorCode,
} from '../../decorators/lifecycle-error';
import { registrationsOf } from './tsyringe-internals';

/** One thing wrong in the dependency graph. */
export interface GraphProblem {
  readonly code: LifecycleErrorCode;
  readonly message: string;
}

/** A token as written in messages: classes by name, others quoted. */
export function tokenName(token: unknown): string {
  if (typeof token === 'function') return token.name || '<anonymous class>';
  if (typeof token === 'symbol') return `"${token.toString()}"`;
  return `"${String(token)}"`;
}

// The key tsyringe's @inject() and @injectAll() write parameter tokens under.
const INJECTION_TOKENS = 'injectionTokens';
const DelayedConstructor = Object.getPrototypeOf(delay(() => Object))
  .constructor as AnyClass;
const PRIMITIVES = new Set<unknown>([
  String,
  Number,
  Boolean,
  Symbol,
  BigInt,
  Array,
  Function,
  Promise,
]);

interface Descriptor {
  readonly token: InjectionToken<unknown>;
  readonly isOptional?: boolean;
}

function isDescriptor(value: unknown): value is Descriptor {
  return typeof value === 'object' && value !== null && 'token' in value;
}

/** Which token each constructor parameter asks for, as tsyringe reads them. */
function parameterTokens(ctor: AnyClass): unknown[] | undefined {
  const types = Reflect.getMetadata('design:paramtypes', ctor) as
    unknown[] | undefined;
  const explicit =
    (Reflect.getOwnMetadata(INJECTION_TOKENS, ctor) as
      Record<string, unknown> | undefined) ?? {};

  if (types === undefined && ctor.length === 0) return [];
  if (types === undefined) {
    const all = Array.from({ length: ctor.length }, (_, i) => explicit[i]);
    return all.every((token) => token !== undefined) ? all : undefined;
  }
  return types.map((type, index) => explicit[index] ?? type);
}

/** `parameter #0 has` or `parameters #0 and #2 have`: those without a token. */
function untypedPositions(ctor: AnyClass): string {
  const explicit =
    (Reflect.getOwnMetadata(INJECTION_TOKENS, ctor) as
      Record<string, unknown> | undefined) ?? {};
  const positions = Array.from({ length: ctor.length }, (_, i) => i)
    .filter((index) => explicit[index] === undefined)
    .map((index) => `#${index}`);

  if (positions.length === 1) return `parameter ${positions[0]} has`;
  const last = positions.pop();
  return `parameters ${positions.join(', ')} and ${last} have`;
}

/** What a walk of the dependency graph found. */
export interface GraphWalk {
  /** Every token the graph reaches, the root included. */
  readonly tokens: ReadonlySet<InjectionToken<unknown>>;
  /** Every class it reaches, with the chain that reached it first. */
  readonly classes: ReadonlyMap<AnyClass, string>;
  readonly problems: readonly GraphProblem[];
}

/**
 * Walks the graph reachable from `root` without building anything: collects
 * every token it reaches, every provider that is missing, every cycle, and
 * every class whose constructor types are unknown.
 */
export function walkGraph(
  container: DependencyContainer,
  root: AnyClass,
): GraphWalk {
  return walkFrom(container, root as InjectionToken<unknown>, '', true);
}

/**
 * Walks the graph reachable from one token resolved outside the constructor
 * graph, as {@link walkGraph} does: what a factory resolves, or what an
 * invocation-scoped class needs. `where` names who asks for it (`"POOL"
 * factory`), for the messages.
 */
export function walkToken(
  container: DependencyContainer,
  token: InjectionToken<unknown>,
  where: string,
  known: ReadonlySet<unknown>,
): GraphWalk {
  // delay(() => Class) itself: its class is resolved, and seen, on first use.
  if (token instanceof DelayedConstructor) {
    return { tokens: new Set(), classes: new Map(), problems: [] };
  }
  const asClass =
    typeof token === 'function' &&
    registrationsOf(container, token).length === 0;
  return walkFrom(container, token, where, asClass, known);
}

function walkFrom(
  container: DependencyContainer,
  root: InjectionToken<unknown>,
  where: string,
  asClass: boolean,
  // Tokens an earlier walk checked: not walked again.
  known: ReadonlySet<unknown> = new Set(),
): GraphWalk {
  const problems: GraphProblem[] = [];
  const tokens = new Set<InjectionToken<unknown>>([root]);
  const classes = new Map<AnyClass, string>();
  const done = new Set<unknown>();
  // The classes being visited, each with the parameter being followed.
  const path: { readonly ctor: AnyClass; parameter: number }[] = [];

  const visitClass = (ctor: AnyClass, from: string): void => {
    const start = path.findIndex((step) => step.ctor === ctor);
    if (start !== -1) {
      const chain = path
        .slice(start)
        .map((step) => `${tokenName(step.ctor)} parameter #${step.parameter}`);
      problems.push({
        code: 'DEPENDENCY_CYCLE',
        message:
          `${[...chain, tokenName(ctor)].join(' -> ')}: these constructors ` +
          'depend on each other. Break the cycle, or inject one side with ' +
          '@inject(delay(() => Class)).',
      });
      return;
    }
    if (done.has(ctor)) return;
    done.add(ctor);
    classes.set(ctor, `${from}${tokenName(ctor)}`);

    const tokens = parameterTokens(ctor);
    if (tokens === undefined) {
      problems.push({
        code: 'MISSING_TYPE_INFO',
        message:
          `${from}${tokenName(ctor)} has ${ctor.length} constructor ` +
          `parameter(s) but no type metadata; ${untypedPositions(ctor)} ` +
          'no @inject(Token) either. Mark the class with @injectable() or ' +
          '@singleton(); if it is marked, the build dropped decorator ' +
          'metadata (esbuild does not emit it): compile with tsc or a ' +
          'plugin that emits it, or give every parameter @inject(Token).',
      });
      return;
    }

    const step = { ctor, parameter: 0 };
    path.push(step);
    tokens.forEach((token, index) => {
      step.parameter = index;
      const where = `${from}${tokenName(ctor)} parameter #${index}`;
      visitParameter(token, where, ctor);
    });
    path.pop();
  };

  const visitParameter = (
    token: unknown,
    where: string,
    owner: AnyClass,
  ): void => {
    if (token instanceof DelayedConstructor) return;
    if (isDescriptor(token)) {
      // @inject(delay(() => Class)) resolves on first use, by design.
      if (token.token instanceof DelayedConstructor) return;
      const registered = registrationsOf(container, token.token).length > 0;
      if (token.isOptional && !registered) return;
      visitToken(token.token, where);
      return;
    }
    if (token === undefined) {
      problems.push({
        code: 'MISSING_TYPE_INFO',
        message:
          `${where}: its type was undefined when ${tokenName(owner)} was ` +
          'decorated, which happens with circular imports or type-only ' +
          'imports. Import the class itself, or use @inject(delay(() => ' +
          'Class)).',
      });
      return;
    }
    if (token === Object || PRIMITIVES.has(token)) {
      const kind =
        token === Object ? 'an interface or union' : tokenName(token);
      problems.push({
        code: 'MISSING_TYPE_INFO',
        message:
          `${where}: the parameter is typed as ${kind}, which the container ` +
          'cannot build. Inject it by token: @inject(MY_TOKEN) and register ' +
          'MY_TOKEN.',
      });
      return;
    }
    visitToken(token as InjectionToken<unknown>, where);
  };

  const visitToken = (token: InjectionToken<unknown>, where: string): void => {
    if (known.has(token)) return;
    const registrations = registrationsOf(container, token);
    const from = `${where} -> `;
    tokens.add(token);

    if (registrations.length === 0) {
      if (typeof token === 'function') {
        checkScope(token as AnyClass, where);
        visitClass(token as AnyClass, from);
        return;
      }
      problems.push({
        code: 'MISSING_PROVIDER',
        message:
          `${where}: ${tokenName(token)} has no provider. Register one with ` +
          `container.register(${tokenName(token)}, { useValue | useClass | ` +
          'useFactory }) or pass it in the providers option.',
      });
      return;
    }
    for (const { provider } of registrations) {
      if ('useClass' in provider) {
        visitClassProvider(provider.useClass, from);
      } else if ('useToken' in provider) {
        visitToken(provider.useToken, where);
      }
    }
  };

  const visitClassProvider = (useClass: unknown, from: string): void => {
    if (useClass instanceof DelayedConstructor) return;
    visitClass(useClass as AnyClass, from);
  };

  const checkScope = (ctor: AnyClass, where: string): void => {
    if (!isInvocationScoped(ctor)) return;
    problems.push({
      code: 'RESOLUTION_FAILED',
      message:
        `${where}: ${tokenName(ctor)} is @InvocationScoped and cannot be ` +
        'injected into a constructor, which runs once per environment. ' +
        `Inject InvocationScope and call scope.get(${tokenName(ctor)}) ` +
        'while handling the event.',
    });
  };

  const prefix = where === '' ? '' : `${where} -> `;
  if (asClass) visitClass(root as AnyClass, prefix);
  else visitToken(root, where || `resolve(${tokenName(root)})`);
  return { tokens, classes, problems };
}

/** Throws one error listing every problem, or returns when there are none. */
export function assertNoProblems(
  root: unknown,
  problems: readonly GraphProblem[],
): void {
  if (problems.length === 0) return;

  const count =
    problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `  - ${problem.message}`);
  throw new LifecycleError(
    problems[0].code,
    `Cannot build ${tokenName(root)}: ${count} in its dependency graph.\n` +
      lines.join('\n'),
  );
}
