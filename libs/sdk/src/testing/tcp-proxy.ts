import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of the API, for cutting the network under
 * a client: `cut()` resets every open connection (HTTP and WebSocket alike),
 * `down()` refuses new ones until `up()`, and `failNext` fails the next HTTP
 * exchange in a chosen way. The server behind it is real and unaware.
 */
export class TcpProxy {
  readonly port: number;
  /** Connections accepted so far. */
  accepted = 0;
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  private readonly frozen = new WeakSet<Socket>();
  private refusing = false;
  private armed: { mode: 'drop-response' | 'http-503'; match: string; fired: () => void } | null = null;

  private constructor(server: Server, port: number) {
    this.server = server;
    this.port = port;
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => proxy.accept(client, targetPort));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  /** Resets every open connection, as a dropped route or a crashed load balancer would. */
  cut(): void {
    for (const socket of this.open) socket.resetAndDestroy();
    this.open.clear();
  }

  /**
   * Every open connection goes silent: nothing passes either way, and nothing
   * is closed (a half-open connection, as after a dropped route). New
   * connections work.
   */
  freeze(): void {
    for (const socket of this.open) this.frozen.add(socket);
  }

  /** Cuts, and refuses new connections until `up()`. */
  down(): void {
    this.refusing = true;
    this.cut();
  }

  up(): void {
    this.refusing = false;
  }

  /**
   * The next request whose bytes contain `match` fails once:
   * 'drop-response' lets it reach the server, then resets the connection
   * before the answer gets back; 'http-503' answers 503 without passing it on.
   * Resolves when it has happened.
   */
  failNext(mode: 'drop-response' | 'http-503', match: string): Promise<void> {
    return new Promise((fired) => (this.armed = { mode, match, fired }));
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    if (this.refusing) return void client.resetAndDestroy();
    this.accepted++;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    this.open.add(client);
    this.open.add(upstream);
    let dropNextAnswer: (() => void) | null = null;
    client.on('data', (chunk: Buffer) => {
      if (this.frozen.has(client)) return;
      const armed = this.armed;
      if (armed && chunk.includes(armed.match)) {
        this.armed = null;
        if (armed.mode === 'http-503') {
          client.end('HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 11\r\nconnection: close\r\n\r\nUnavailable');
          armed.fired();
          return;
        }
        dropNextAnswer = armed.fired;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.frozen.has(upstream)) return;
      if (dropNextAnswer) {
        const fired = dropNextAnswer;
        dropNextAnswer = null;
        client.resetAndDestroy();
        upstream.destroy();
        fired();
        return;
      }
      client.write(chunk);
    });
    const close = () => {
      this.open.delete(client);
      this.open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }
}
