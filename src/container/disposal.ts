/** A way to release what a provided value holds. */
export interface Disposer {
  /** The member that is called, for messages: `end`, `[Symbol.asyncDispose]`. */
  readonly member: string;
  readonly dispose: () => unknown;
}

// In order of preference: the explicit-resource-management symbols, then
// the names pooled clients use (pg Pool.end, ioredis quit, node-redis close,
// generic destroy).
const DISPOSER_MEMBERS: readonly (string | symbol)[] = [
  ...(typeof Symbol.asyncDispose === 'symbol' ? [Symbol.asyncDispose] : []),
  ...(typeof Symbol.dispose === 'symbol' ? [Symbol.dispose] : []),
  'dispose',
  'close',
  'end',
  'quit',
  'destroy',
];

// What a class instance may be released by without an @OnShutdown hook:
// only the members whose name promises exactly that.
const PROTOCOL_MEMBERS = DISPOSER_MEMBERS.filter(
  (member) => typeof member === 'symbol' || member === 'dispose',
);

/**
 * The member that releases `value`. For factory and value registrations,
 * which tsyringe never disposes, any of the usual names counts; for class
 * instances (`protocolOnly`) only `dispose` and the dispose symbols do.
 * Returns undefined when it has none.
 */
export function findDisposer(
  value: unknown,
  protocolOnly = false,
): Disposer | undefined {
  if (typeof value !== 'object' || value === null) return undefined;

  const record = value as Record<string | symbol, unknown>;
  const members = protocolOnly ? PROTOCOL_MEMBERS : DISPOSER_MEMBERS;
  for (const member of members) {
    const method = record[member];
    if (typeof method === 'function') {
      return {
        member: typeof member === 'symbol' ? `[${member.toString()}]` : member,
        dispose: () => (method as () => unknown).call(value),
      };
    }
  }
  return undefined;
}
