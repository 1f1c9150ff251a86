import type { IncomingMessage } from 'node:http';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import { SOCKET_HEARTBEAT_MS } from '@parley/api/core';
import { CloseCode, handleProtocols, GRAPHQL_TRANSPORT_WS_PROTOCOL, type ConnectionInitMessage } from 'graphql-ws';
import { Connection, type ProtocolOptions, type WsExtra } from './ws-protocol';

export type { WsExtra } from './ws-protocol';

export interface WsTransportOptions<E = unknown> {
  /** Ping every this many ms; a socket that has not answered the previous ping by then is dropped. */
  keepAliveMs?: number;
  /** Failures inside the protocol server or a socket (the socket is closed with 1011). */
  onInternalError?: (error: unknown) => void;
  /** A socket answered a ping: it is still there (its context's `extra`). */
  onAlive?: (extra: WsExtra & Partial<E>) => void;
  /**
   * Unsent data one socket may hold: a socket over `bytes` for `graceMs` is
   * closed with `closeCode` and its operations end at once. Replays wait for
   * room (roomFor) below a quarter of it.
   */
  unreadBudget?: { bytes: number; graceMs: number; closeCode: number };
}

const HEARTBEAT_TICK_MS = 50;
const UNREAD_OVER_BUDGET = 'Too much unread data; reconnect and resume with afterSeq';

function closeForError(socket: WebSocket): void {
  // The reason never carries internals.
  if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(CloseCode.InternalServerError, 'Internal server error');
}

/**
 * graphql-ws's protocol (graphql-transport-ws) on `ws`, shaped so that an idle
 * socket holds little: one Connection object per socket (ws-protocol.ts) in
 * place of makeServer's closures, listeners shared by every socket (`this` is
 * the socket), and one timer for every socket's ping and connection_init wait
 * (use/ws keeps a ping timer and makeServer an init timer per socket).
 */
export function serveGraphqlWs<P extends ConnectionInitMessage['payload'], E extends Record<PropertyKey, unknown>>(
  options: ProtocolOptions<P, WsExtra & Partial<E>>,
  wsServer: WebSocketServer,
  transport: WsTransportOptions<E> = {},
): { dispose(): Promise<void>; roomFor(socket: WebSocket): Promise<void> } {
  const keepAliveMs = transport.keepAliveMs ?? SOCKET_HEARTBEAT_MS;
  const initWaitMs = options.connectionInitWaitTimeout ?? 3000;
  const onAlive = transport.onAlive;
  const reportError = (error: unknown) => transport.onInternalError?.(error);
  wsServer.options.handleProtocols = handleProtocols;
  const connections = new WeakMap<WebSocket, Connection<P, E>>();
  // Sockets yet to send connection_init, oldest first (a Map keeps insertion order).
  const awaitingInit = new Map<Connection<P, E>, number>();

  // One timer visits every socket once per keepAliveMs, a slice every HEARTBEAT_TICK_MS, so tens of
  // thousands of sockets never mean tens of thousands of pings (and as many syscalls) in one tick.
  // A round starts no sooner than keepAliveMs after the last one did (with a handful of sockets a
  // round takes one tick), and a socket is dropped only once its ping has gone unanswered for
  // keepAliveMs: a client slowed down for a moment must not lose its subscriptions.

  // The unread budget: sockets over it (since when), and sockets whose replays wait for room.
  const budget = transport.unreadBudget;
  const lowWater = budget ? budget.bytes / 4 : Infinity;
  const overBudgetSince = new Map<WebSocket, number>();
  const roomWaiters = new Map<WebSocket, Array<() => void>>();
  const hasRoom = (socket: WebSocket): boolean => socket.readyState !== WebSocket.OPEN || socket.bufferedAmount < lowWater;
  const roomFor = (socket: WebSocket): Promise<void> => {
    if (hasRoom(socket)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = roomWaiters.get(socket);
      if (waiting) waiting.push(resolve);
      else roomWaiters.set(socket, [resolve]);
    });
  };
  const checkBuffers = (now: number) => {
    for (const [socket, waiting] of roomWaiters) {
      if (socket.readyState === WebSocket.OPEN && socket.bufferedAmount >= lowWater) continue;
      roomWaiters.delete(socket);
      for (const wake of waiting) wake();
    }
    if (!budget) return;
    for (const [socket, since] of overBudgetSince) {
      if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount <= budget.bytes) overBudgetSince.delete(socket);
      else if (now - since >= budget.graceMs) {
        overBudgetSince.delete(socket);
        // The close frame waits behind the unsent data: a slow client reads it last, and ws gives up after 30 s.
        const connection = connections.get(socket);
        if (connection) end(connection, budget.closeCode, UNREAD_OVER_BUDGET);
        socket.close(budget.closeCode, UNREAD_OVER_BUDGET);
      }
    }
  };
  // Sockets that never sent connection_init in time are closed, as graphql-ws's own timer would.
  const checkInit = (now: number) => {
    for (const [connection, since] of awaitingInit) {
      if (now - since < initWaitMs) return;
      awaitingInit.delete(connection);
      if (!connection.connectionInitReceived) connection.socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
    }
  };
  let round: WebSocket[] = [];
  let next = 0;
  let roundStartedAt = -Infinity;
  const heartbeat = setInterval(() => {
    const now = performance.now();
    if (roomWaiters.size || overBudgetSince.size) checkBuffers(now);
    if (awaitingInit.size) checkInit(now);
    if (next >= round.length) {
      if (now - roundStartedAt < keepAliveMs) return;
      round = [...wsServer.clients];
      next = 0;
      roundStartedAt = now;
    }
    const slice = Math.ceil((round.length * HEARTBEAT_TICK_MS) / keepAliveMs);
    for (const end = Math.min(round.length, next + slice); next < end; next++) {
      const socket = round[next];
      const connection = connections.get(socket);
      if (socket.readyState !== WebSocket.OPEN || !connection) continue;
      if (connection.pingedAt < 0) {
        connection.pingedAt = now;
        socket.ping();
      } else if (now - connection.pingedAt >= keepAliveMs) {
        socket.terminate();
      }
    }
    if (next >= round.length) round = []; // a finished round keeps no closed sockets alive until the next
  }, HEARTBEAT_TICK_MS);
  heartbeat.unref();

  /** Ends a connection's operations once (at its close, or at once when over the unread budget). */
  const end = (connection: Connection<P, E>, code: number, reason: string) => {
    if (connection.ended) return;
    connection.ended = true;
    awaitingInit.delete(connection);
    void connection.closed(code, reason).catch(reportError);
  };

  // Listeners shared by every socket (`this` is the socket): no closures per socket.
  function onPong(this: WebSocket) {
    const connection = connections.get(this);
    if (!connection) return;
    connection.pingedAt = -1;
    onAlive?.(connection.extra);
  }
  function onSocketError(this: WebSocket, error: Error) {
    reportError(error);
    closeForError(this);
  }
  function onSocketMessage(this: WebSocket, data: RawData) {
    const connection = connections.get(this);
    if (connection && !connection.ended) void connection.receive(String(data));
  }
  function onSocketClose(this: WebSocket, code: number, reason: Buffer) {
    overBudgetSince.delete(this);
    const connection = connections.get(this);
    if (connection) end(connection, code, String(reason));
    const waiting = roomWaiters.get(this);
    roomWaiters.delete(this);
    for (const wake of waiting ?? []) wake();
  }
  // A replay waits for its socket's room; with a budget, the data a socket holds unsent is checked after each send.
  class TransportConnection extends Connection<P, E> {
    override failed(error: unknown): void {
      reportError(error);
      closeForError(this.socket);
    }

    override waitForRoom(): Promise<void> {
      return roomFor(this.socket);
    }

    override hasRoom(): boolean {
      return hasRoom(this.socket);
    }

    override send(data: string): Promise<void> {
      const sent = super.send(data);
      if (budget && this.socket.bufferedAmount > budget.bytes && !overBudgetSince.has(this.socket)) overBudgetSince.set(this.socket, performance.now());
      return sent;
    }
  }

  wsServer.on('error', (error) => {
    reportError(error);
    for (const socket of wsServer.clients) closeForError(socket);
  });
  wsServer.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    // `on`, not `once`: once wraps each listener in two objects per socket ('close' comes once anyway).
    socket.on('error', onSocketError);
    socket.on('pong', onPong);
    socket.on('close', onSocketClose);
    const connection = new TransportConnection(socket, request, options);
    connections.set(socket, connection);
    if (socket.protocol !== GRAPHQL_TRANSPORT_WS_PROTOCOL) {
      socket.close(CloseCode.SubprotocolNotAcceptable, 'Subprotocol not acceptable');
      return;
    }
    if (initWaitMs > 0 && Number.isFinite(initWaitMs)) awaitingInit.set(connection, performance.now());
    socket.on('message', onSocketMessage);
  });

  return {
    roomFor,
    dispose: async () => {
      clearInterval(heartbeat);
      for (const socket of wsServer.clients) socket.close(1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
