/** What a server saw of one client's connections over warm invocations. */
export interface WarmConnections {
  /** Connections open before the first warm invocation (INIT and cold). */
  readonly atStart: number;
  /** Connections that appeared during the warm invocations. */
  readonly opened: number;
}

/**
 * Runs `invoke` `times` times and asks the server after each which
 * connections it holds; a connection it sees that was not there before the
 * first is one the invocations opened.
 */
export async function watchWarmInvocations(
  connections: () => Promise<string[]>,
  invoke: (index: number) => Promise<void>,
  times: number,
): Promise<WarmConnections> {
  const before = new Set(await connections());
  const appeared = new Set<string>();

  for (let index = 0; index < times; index++) {
    await invoke(index);
    for (const id of await connections()) {
      if (!before.has(id)) appeared.add(id);
    }
  }
  return { atStart: before.size, opened: appeared.size };
}

/** The server-side numbers of a test file, printed when it ends. */
export class ConnectionReport {
  readonly #lines: string[] = [];

  constructor(private readonly title: string) {}

  add(
    label: string,
    warm: WarmConnections,
    invocations: number,
    left: number,
  ): void {
    this.#lines.push(
      `  ${label}: ${warm.atStart} open after the cold invocation, ` +
        `${warm.opened} opened over ${invocations} warm invocations, ` +
        `${left} left after shutdown`,
    );
  }

  print(): void {
    if (this.#lines.length === 0) return;
    process.stdout.write(`${this.title}\n${this.#lines.join('\n')}\n`);
  }
}
