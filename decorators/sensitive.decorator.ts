import { LifecycleError } from './lifecycle-error';
import { memberName } from './hook-metadata';
import { SENSITIVE_METADATA } from './metadata-keys';

function ownSensitive(ctor: object): readonly (string | symbol)[] {
  return (
    (Reflect.getOwnMetadata(SENSITIVE_METADATA, ctor) as
      (string | symbol)[] | undefined) ?? []
  );
}

/**
 * Marks a property whose value must never reach a log: wherever an instance
 * of the class appears in the fields given to the framework's logger, this
 * member is written as `"[REDACTED]"`. Subclasses inherit the mark.
 *
 * Phase: none at runtime; it only records metadata, read when something is
 * logged. Throws `INVALID_DECORATOR_TARGET` on a static member, naming the
 * class and member.
 *
 * @example
 * ```ts
 * class DatabaseSettings {
 *   host = 'db.internal';
 *   @Sensitive() password = process.env.DB_PASSWORD;
 * }
 * logger.info('connecting', { settings }); // password: "[REDACTED]"
 * ```
 */
export function Sensitive(): PropertyDecorator {
  return (target, member) => {
    if (typeof target === 'function') {
      throw new LifecycleError(
        'INVALID_DECORATOR_TARGET',
        `@Sensitive on ${memberName(target, member)}: the member is static. ` +
          'Only instance members are logged as part of an object; mark an ' +
          'instance property.',
      );
    }
    const ctor = target.constructor;
    const members = ownSensitive(ctor);
    if (!members.includes(member)) {
      Reflect.defineMetadata(SENSITIVE_METADATA, [...members, member], ctor);
    }
  };
}

/**
 * The members of `ctor` and its base classes marked with `@Sensitive()`, as
 * strings (a symbol key is never logged).
 */
export function readSensitiveMembers(ctor: object): readonly string[] {
  const found: string[] = [];
  for (
    let current: object | null = ctor;
    current !== null && current !== Function.prototype;
    current = Object.getPrototypeOf(current) as object | null
  ) {
    for (const member of ownSensitive(current)) {
      if (typeof member === 'string') found.push(member);
    }
  }
  return found;
}
