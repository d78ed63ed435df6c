import { createServer, connect, type Server, type Socket } from 'node:net';

/** How a relayed connection ended, as the relay saw it. */
export type ConnectionEnd =
  /** The client closed its side first (TCP FIN). */
  | 'client'
  /** The server closed its side first. */
  | 'server'
  /** Either side was reset or failed. */
  | 'error'
  /** The relay cut it ({@link TcpRelay.cut}). */
  | 'cut';

/** One connection a client opened through the relay. */
export class RelayedConnection {
  readonly #fromClient: Buffer[] = [];
  #end: ConnectionEnd | undefined;
  #isClosed = false;
  readonly closed: Promise<void>;
  #markClosed!: () => void;

  constructor(
    /** 1 for the first connection the relay accepted, and so on. */
    readonly index: number,
    readonly client: Socket,
    readonly upstream: Socket | undefined,
  ) {
    this.closed = new Promise((resolve) => (this.#markClosed = resolve));
  }

  /** Every byte the client sent, in order. */
  get fromClient(): Buffer {
    return Buffer.concat(this.#fromClient);
  }

  /** How it ended; undefined while neither side has ended it. */
  get end(): ConnectionEnd | undefined {
    return this.#end;
  }

  /** Whether both sockets have closed. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** @internal */
  received(chunk: Buffer): void {
    this.#fromClient.push(chunk);
  }

  /** @internal The first cause wins. */
  ended(how: ConnectionEnd): void {
    this.#end ??= how;
  }

  /** @internal */
  close(): void {
    this.#end ??= 'error';
    this.#isClosed = true;
    this.#markClosed();
  }
}

/** What the relay does with what a client sends. */
type Mode = 'forward' | 'blackhole';

/**
 * A loopback TCP relay in front of a real server: the client under test is
 * pointed at it (DATABASE_URL, REDIS_URL), and it forwards every byte both
 * ways. It counts every connection it accepts, even one opened and closed
 * within an invocation, which the server's own list of open connections
 * never shows, and keeps what each client sent, to read how the client
 * said goodbye. It can also cut every connection, and from then on accept
 * new ones without forwarding anything: a server that went away without a
 * word, as a network partition looks to a client.
 */
export class TcpRelay {
  readonly #connections: RelayedConnection[] = [];
  #mode: Mode = 'forward';
  #cutWhen: ((data: Buffer) => boolean) | undefined;

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
  ) {}

  /** Listens on a loopback port, relaying to the server of `url`. */
  static async start(url: string): Promise<TcpRelay> {
    const { hostname, port } = new URL(url);
    const target = {
      host: hostname.replace(/^\[|\]$/g, ''),
      port: Number(port) || defaultPort(url),
    };
    const server = createServer({ allowHalfOpen: true });
    const relay = new TcpRelay(server, target);
    server.on('connection', (socket) => relay.#accept(socket));

    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    return relay;
  }

  /** `url` with its host and port replaced by the relay's. */
  url(url: string): string {
    const relayed = new URL(url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(this.port);
    return relayed.toString();
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') {
      throw new Error('TcpRelay: not listening');
    }
    return address.port;
  }

  /** Every connection accepted so far, in order. */
  get connections(): readonly RelayedConnection[] {
    return this.#connections;
  }

  /** How many connections were accepted so far. */
  get accepted(): number {
    return this.#connections.length;
  }

  /** The connections not closed yet. */
  get open(): RelayedConnection[] {
    return this.#connections.filter((c) => !c.isClosed);
  }

  /**
   * Closes every open connection on both sides at once, and from then on
   * holds new connections open without forwarding a byte.
   */
  cut(): void {
    this.#mode = 'blackhole';
    for (const connection of this.open) {
      connection.ended('cut');
      closeAtOnce(connection.client);
      if (connection.upstream) closeAtOnce(connection.upstream);
    }
  }

  /**
   * Cuts ({@link cut}) as soon as a client sends data that `matches`,
   * before that data reaches the server.
   */
  cutWhen(matches: (data: Buffer) => boolean): void {
    this.#cutWhen = matches;
  }

  /** Resolves once every connection accepted so far has closed. */
  async settled(): Promise<void> {
    await Promise.all(this.#connections.map((c) => c.closed));
  }

  /** Stops listening and closes whatever is still open. */
  async close(): Promise<void> {
    this.cut();
    await new Promise((done) => this.server.close(done));
  }

  #accept(client: Socket): void {
    const upstream =
      this.#mode === 'forward'
        ? connect({ ...this.target, allowHalfOpen: true })
        : undefined;
    const connection = new RelayedConnection(
      this.#connections.length + 1,
      client,
      upstream,
    );
    this.#connections.push(connection);

    let open = upstream === undefined ? 1 : 2;
    const closed = () => {
      if (--open === 0) connection.close();
    };
    client.on('close', closed);
    client.on('error', () => connection.ended('error'));
    client.on('end', () => {
      connection.ended('client');
      if (upstream) upstream.end();
      else client.end();
    });
    client.on('data', (chunk: Buffer) => {
      if (this.#cutWhen?.(chunk)) {
        this.#cutWhen = undefined;
        this.cut();
        return;
      }
      connection.received(chunk);
      if (upstream?.writable) upstream.write(chunk);
    });
    if (upstream === undefined) return;

    upstream.on('close', () => {
      closed();
      if (!client.destroyed) client.destroy();
    });
    upstream.on('error', () => connection.ended('error'));
    upstream.on('end', () => {
      connection.ended('server');
      client.end();
    });
    upstream.on('data', (chunk: Buffer) => {
      if (client.writable) client.write(chunk);
    });
  }
}

/**
 * Closes the socket at once, dropping what it still had to write.
 * (resetAndDestroy would send a TCP reset, but a socket reset with a write
 * pending can keep Node.js spinning at exit, so the jest process never
 * ends.)
 */
function closeAtOnce(socket: Socket): void {
  socket.destroy();
}

function defaultPort(url: string): number {
  if (url.startsWith('postgres')) return 5432;
  if (url.startsWith('redis')) return 6379;
  throw new Error(`TcpRelay: no port in ${url}`);
}
