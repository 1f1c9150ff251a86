import { createClient, type Client } from 'graphql-ws';
import type { SessionKeeper } from './session.js';

export interface SocketOptions {
  url: string;
  /** A WebSocket class: the global one in browsers; `ws` in Node. */
  webSocketImpl?: unknown;
  /** Ping the server this often (ms); a socket that stops answering is dropped and reopened. 0 turns it off. */
  keepAliveMs: number;
  onClose?: (event: { code: number; reason: string }) => void;
}

/**
 * One graphql-ws connection shared by every live subscription of a client.
 * graphql-ws does not retry on its own here (retryAttempts 0): each
 * subscription reconnects itself, so it can resubscribe with where it stopped
 * (afterSeq) instead of the variables it started with.
 */
export class SocketLink {
  readonly client: Client;
  /** The token the current (or last) socket was opened with. */
  tokenInUse: string | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(session: SessionKeeper, options: SocketOptions) {
    this.client = createClient({
      url: options.url,
      webSocketImpl: options.webSocketImpl,
      lazy: true,
      retryAttempts: 0,
      keepAlive: options.keepAliveMs,
      // Asked at every (re)connection: a token renewed since the last one is the one sent.
      connectionParams: async () => {
        const token = await session.token();
        this.tokenInUse = token;
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      on: {
        // A half-open connection (a dropped route, a sleeping laptop) shows only as a missing pong. It is
        // terminated at once (close code 4499): a polite close would wait for a peer that is not there.
        ping: (received) => {
          if (received || !options.keepAliveMs) return;
          clearTimeout(this.pongTimer);
          this.pongTimer = setTimeout(() => this.client.terminate(), options.keepAliveMs);
        },
        pong: (received) => {
          if (received) clearTimeout(this.pongTimer);
        },
        closed: (event) => {
          clearTimeout(this.pongTimer);
          const { code, reason } = event as { code?: number; reason?: string };
          options.onClose?.({ code: code ?? 0, reason: String(reason ?? '') });
        },
      },
    });
  }

  /** Calls `listener` each time a socket is accepted by the server (connection_ack). */
  onConnected(listener: () => void): () => void {
    return this.client.on('connected', () => listener());
  }

  async dispose(): Promise<void> {
    clearTimeout(this.pongTimer);
    await this.client.dispose();
  }
}
