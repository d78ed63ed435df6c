import { LifecycleError } from './lifecycle-error';
import {
  AFTER_INVOKE_METADATA,
  BEFORE_INVOKE_METADATA,
  LAZY_METADATA,
  ON_ERROR_METADATA,
  ON_INIT_METADATA,
  ON_SHUTDOWN_METADATA,
} from './metadata-keys';

/** The phases a member can be hooked into. */
export type HookKind =
  'onInit' | 'beforeInvoke' | 'afterInvoke' | 'onError' | 'onShutdown';

/** One decorated member, as recorded on the class that declares it. */
export interface MemberRecord<Options = unknown> {
  readonly member: string | symbol;
  readonly options: Options;
}

// Any class: the decorators never call it, they only read its name and
// prototype.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a class of any constructor signature
export type AnyClass = abstract new (...args: any[]) => unknown;

const HOOK_KEYS: Readonly<Record<HookKind, symbol>> = {
  onInit: ON_INIT_METADATA,
  beforeInvoke: BEFORE_INVOKE_METADATA,
  afterInvoke: AFTER_INVOKE_METADATA,
  onError: ON_ERROR_METADATA,
  onShutdown: ON_SHUTDOWN_METADATA,
};

/** The name users write, for messages: `onInit` -> `@OnInit`. */
export const DECORATOR_NAMES: Readonly<Record<HookKind | 'lazy', string>> = {
  onInit: '@OnInit',
  beforeInvoke: '@BeforeInvoke',
  afterInvoke: '@AfterInvoke',
  onError: '@OnError',
  onShutdown: '@OnShutdown',
  lazy: '@Lazy',
};

/** `Class.member`, the way every message names a member. */
export function memberName(owner: object, member: string | symbol): string {
  const ctor = typeof owner === 'function' ? owner : owner.constructor;
  const className = ctor?.name || '<anonymous class>';
  const key = typeof member === 'symbol' ? `[${member.toString()}]` : member;

  return `${className}.${key}`;
}

/**
 * Throws unless the decorator sits on an instance method: not a static member,
 * not a field, not an accessor.
 */
export function assertInstanceMethod(
  decorator: string,
  target: object,
  member: string | symbol,
  descriptor: PropertyDescriptor | undefined,
): void {
  const where = `${decorator} on ${memberName(target, member)}`;

  if (typeof target === 'function') {
    throw new LifecycleError(
      'INVALID_DECORATOR_TARGET',
      `${where}: the member is static. Lifecycle hooks run on instances; ` +
        'make it an instance method.',
    );
  }
  if (descriptor === undefined) {
    throw new LifecycleError(
      'INVALID_DECORATOR_TARGET',
      `${where}: the member is a property. Declare it as a method ` +
        `(${String(member)}() { ... }) instead of a field or arrow function.`,
    );
  }
  if (descriptor.get !== undefined || descriptor.set !== undefined) {
    throw new LifecycleError(
      'INVALID_DECORATOR_TARGET',
      `${where}: the member is an accessor. Declare it as a method.`,
    );
  }
  if (typeof descriptor.value !== 'function') {
    throw new LifecycleError(
      'INVALID_DECORATOR_TARGET',
      `${where}: the member is not a function. Declare it as a method.`,
    );
  }
}

function ownRecords<Options>(
  key: symbol,
  ctor: object,
): MemberRecord<Options>[] {
  return (Reflect.getOwnMetadata(key, ctor) as MemberRecord<Options>[]) ?? [];
}

function assertNotRecorded(
  decorator: string,
  key: symbol,
  ctor: object,
  member: string | symbol,
  conflict: string,
): void {
  if (ownRecords(key, ctor).some((record) => record.member === member)) {
    throw new LifecycleError(
      'DUPLICATE_DECORATOR',
      `${decorator} on ${memberName(ctor, member)}: the member is already ` +
        `marked with ${conflict}. Keep one of them.`,
    );
  }
}

function append(
  key: symbol,
  ctor: object,
  record: MemberRecord<unknown>,
): void {
  Reflect.defineMetadata(key, [...ownRecords(key, ctor), record], ctor);
}

/** Records a lifecycle hook on the class that declares the method. */
export function recordHook(
  kind: HookKind,
  target: object,
  member: string | symbol,
  descriptor: PropertyDescriptor | undefined,
  options: unknown,
): void {
  const decorator = DECORATOR_NAMES[kind];
  assertInstanceMethod(decorator, target, member, descriptor);

  const ctor = target.constructor;
  assertNotRecorded(decorator, HOOK_KEYS[kind], ctor, member, decorator);
  assertNotRecorded(decorator, LAZY_METADATA, ctor, member, '@Lazy');
  append(HOOK_KEYS[kind], ctor, { member, options });
}

/** Records a `@Lazy` member; it may carry no lifecycle hook besides. */
export function recordLazy(
  target: object,
  member: string | symbol,
  options: unknown,
): void {
  const ctor = target.constructor;

  assertNotRecorded('@Lazy', LAZY_METADATA, ctor, member, '@Lazy');
  for (const kind of Object.keys(HOOK_KEYS) as HookKind[]) {
    const hook = DECORATOR_NAMES[kind];
    assertNotRecorded('@Lazy', HOOK_KEYS[kind], ctor, member, hook);
  }
  append(LAZY_METADATA, ctor, { member, options });
}

/** The classes from the root of the prototype chain down to `ctor`. */
function lineage(ctor: AnyClass): object[] {
  const chain: object[] = [];

  for (
    let current: object | null = ctor;
    current !== null && current !== Function.prototype;
    current = Object.getPrototypeOf(current) as object | null
  ) {
    chain.unshift(current);
  }
  return chain;
}

function collect<Options>(
  key: symbol,
  ctor: AnyClass,
): MemberRecord<Options>[] {
  const byMember = new Map<string | symbol, MemberRecord<Options>>();

  // Base classes first; a subclass that re-decorates a member replaces the
  // options but keeps the base's position, so the hook still runs once.
  for (const owner of lineage(ctor)) {
    for (const record of ownRecords<Options>(key, owner)) {
      byMember.set(record.member, record);
    }
  }
  return [...byMember.values()];
}

/**
 * The hooks of one kind that apply to instances of `ctor`, base class first,
 * each member once even when a subclass overrides it.
 */
export function readHooks<Options = unknown>(
  ctor: AnyClass,
  kind: HookKind,
): MemberRecord<Options>[] {
  return collect<Options>(HOOK_KEYS[kind], ctor);
}

/** The `@Lazy` members of `ctor`, base class first. */
export function readLazyMembers<Options = unknown>(
  ctor: AnyClass,
): MemberRecord<Options>[] {
  return collect<Options>(LAZY_METADATA, ctor);
}

/** Throws unless `value` is absent or a positive, finite number. */
export function assertPositive(
  where: string,
  option: string,
  value: number | undefined,
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new LifecycleError(
      'INVALID_OPTION',
      `${where}: option "${option}" must be a positive number of ` +
        `milliseconds, got ${String(value)}.`,
    );
  }
}
