import { settledConnections } from './postgres-server';
import type { RelayedConnection, TcpRelay } from './tcp-relay';
import { postgresMessageTypes, redisCommands } from './wire-protocols';

// What the connection tests check, and how: the client under test reaches
// its server through a TcpRelay of the test's own, which counts every
// connection it accepts (one opened and closed within an invocation too)
// and keeps what the client sent; the server is asked which connections it
// holds for the client (by name: pg_stat_activity, CLIENT LIST), after the
// cold invocation, after each warm one, and after shutdown.

/** What was seen of one client's connections over warm invocations. */
export interface WarmConnections {
  /** The server's ids for the client after the cold invocation. */
  readonly atStart: readonly string[];
  /** Connections the relay accepted during the warm invocations. */
  readonly opened: number;
  /** Every server id seen for the client after any warm invocation. */
  readonly served: readonly string[];
}

/** How the client's connections ended at shutdown. */
export interface ShutdownConnections {
  /** The server's ids for the client still there after shutdown. */
  readonly left: readonly string[];
  /** Relayed connections still open. */
  readonly open: number;
  /** All the connections the relay accepted. */
  readonly accepted: number;
  /** Connections whose last message from the client was its goodbye. */
  readonly saidGoodbye: number;
}

/** How a client of one kind of server says goodbye before it closes. */
export interface Goodbye {
  /** The message, as the report prints it. */
  readonly name: string;
  /** Whether the client's last message on `connection` was it. */
  readonly sent: (connection: RelayedConnection) => boolean;
}

/** PostgreSQL: the frontend's Terminate message ('X'). */
export const POSTGRES_GOODBYE: Goodbye = {
  name: 'Terminate',
  sent: (c) => postgresMessageTypes(c.fromClient).at(-1) === 'X',
};

/** Redis: a QUIT command. */
export const REDIS_GOODBYE: Goodbye = {
  name: 'QUIT',
  sent: (c) => redisCommands(c.fromClient).at(-1) === 'QUIT',
};

/**
 * Runs `invoke` `times` times; counts the connections the relay accepts
 * meanwhile, and asks the server after each invocation which connections
 * it holds for the client.
 */
export async function watchWarmInvocations(
  relay: TcpRelay,
  serverIds: () => Promise<string[]>,
  invoke: (index: number) => Promise<void>,
  times: number,
): Promise<WarmConnections> {
  const atStart = await serverIds();
  const acceptedBefore = relay.accepted;
  const served = new Set<string>();

  for (let index = 0; index < times; index++) {
    await invoke(index);
    for (const id of await serverIds()) served.add(id);
  }
  return {
    atStart,
    opened: relay.accepted - acceptedBefore,
    served: [...served],
  };
}

/**
 * What is left once the client has shut down: waits for the relayed
 * connections to close and for the server to notice (or gives up after a
 * few seconds, reporting what is still open).
 */
export async function afterShutdown(
  relay: TcpRelay,
  serverIds: () => Promise<string[]>,
  goodbye: Goodbye,
): Promise<ShutdownConnections> {
  await settledConnections(async () => relay.open.map((c) => `${c.index}`));
  // Only once the relay saw them close can the server have let them go.
  const left =
    relay.open.length > 0
      ? await serverIds()
      : await settledConnections(serverIds);

  return {
    left,
    open: relay.open.length,
    accepted: relay.accepted,
    saidGoodbye: relay.connections.filter(goodbye.sent).length,
  };
}

/**
 * What is wrong with how a client used its connections over warm
 * invocations: none but the one connection open after the cold invocation
 * served them, and none was opened. An empty list when all is right.
 */
export function reuseProblems(warm: WarmConnections): string[] {
  const problems: string[] = [];
  const atStart = warm.atStart.join(', ') || 'none';

  if (warm.atStart.length !== 1) {
    problems.push(
      `${warm.atStart.length} connections open after the cold invocation, ` +
        'not 1',
    );
  }
  if (warm.opened > 0) {
    problems.push(
      `${warm.opened} connections opened over the warm invocations`,
    );
  }
  if (
    [...warm.served].sort().join(', ') !== [...warm.atStart].sort().join(', ')
  ) {
    problems.push(
      `the warm invocations were served by ${warm.served.join(', ') || 'none'}, ` +
        `not by ${atStart}`,
    );
  }
  return problems;
}

/**
 * What is wrong with how a client closed its connections at shutdown: one
 * still open (on the server, or through the relay), or one closed without
 * the protocol's goodbye, which only a client that closes it on purpose
 * sends (an exiting process closes its sockets without it). An empty list
 * when all is right.
 */
export function shutdownProblems(
  shutdown: ShutdownConnections,
  goodbye: Goodbye,
): string[] {
  const problems: string[] = [];
  const abrupt = shutdown.accepted - shutdown.saidGoodbye;

  if (shutdown.left.length > 0) {
    problems.push(
      `${shutdown.left.length} connections left on the server after shutdown`,
    );
  }
  if (shutdown.open > 0) {
    problems.push(`${shutdown.open} connections still open through the relay`);
  }
  if (abrupt > 0) {
    problems.push(
      `${abrupt} of ${shutdown.accepted} connections closed without ` +
        goodbye.name,
    );
  }
  return problems;
}

/** The numbers of a test file, printed when it ends. */
export class ConnectionReport {
  readonly #lines: string[] = [];

  constructor(private readonly title: string) {}

  add(
    label: string,
    warm: WarmConnections,
    invocations: number,
    shutdown: ShutdownConnections,
    goodbye: Goodbye,
  ): void {
    this.#lines.push(
      `  ${label}: ${warm.atStart.length} open after the cold invocation ` +
        `(server), ${warm.opened} opened over ${invocations} warm ` +
        `invocations (relay), ${warm.served.length} server connection(s) ` +
        `served them, ${shutdown.left.length} left after shutdown ` +
        `(server), ${shutdown.saidGoodbye} of ${shutdown.accepted} closed ` +
        `with ${goodbye.name} (relay)`,
    );
  }

  print(): void {
    if (this.#lines.length === 0) return;
    process.stdout.write(`${this.title}\n${this.#lines.join('\n')}\n`);
  }
}
