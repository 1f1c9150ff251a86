import type { IncomingMessage } from 'node:http';
import { WebSocket, type WebSocketServer } from 'ws';
import { SOCKET_HEARTBEAT_MS } from '@parley/api/core';
import { CloseCode, handleProtocols, makeServer, type ConnectionInitMessage, type ServerOptions } from 'graphql-ws';

/** What every socket's context carries (the same as graphql-ws/use/ws's `Extra`). */
export interface WsExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

export interface WsTransportOptions {
  /** Ping every this many ms; a socket that has not answered the previous ping by then is dropped. */
  keepAliveMs?: number;
  /** Failures inside the protocol server or a socket (the socket is closed with 1011). */
  onInternalError?: (error: unknown) => void;
  /** A socket answered a ping: it is still there. */
  onAlive?: (socket: WebSocket) => void;
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
 * graphql-ws's protocol server (`makeServer`) on `ws`: what graphql-ws/use/ws
 * does, shaped so that an idle socket holds little. use/ws keeps a ping timer
 * per socket and awaits every message in an async listener, which keeps that
 * listener's frame and the message's Buffer alive for as long as the
 * subscription it started; together about 1 KB per subscribed socket. Here one
 * timer pings every socket (spread over the interval), and messages are
 * handed over without waiting.
 */
export function serveGraphqlWs<P extends ConnectionInitMessage['payload'], E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, WsExtra & Partial<E>>,
  wsServer: WebSocketServer,
  transport: WsTransportOptions = {},
): { dispose(): Promise<void>; roomFor(socket: WebSocket): Promise<void> } {
  const server = makeServer(options);
  const keepAliveMs = transport.keepAliveMs ?? SOCKET_HEARTBEAT_MS;
  const onAlive = transport.onAlive;
  const reportError = (error: unknown) => transport.onInternalError?.(error);
  wsServer.options.handleProtocols = handleProtocols;

  // One timer visits every socket once per keepAliveMs, a slice every HEARTBEAT_TICK_MS, so tens of
  // thousands of sockets never mean tens of thousands of pings (and as many syscalls) in one tick.
  // A round starts no sooner than keepAliveMs after the last one did (with a handful of sockets a
  // round takes one tick), and a socket is dropped only once its ping has gone unanswered for
  // keepAliveMs: a client slowed down for a moment must not lose its subscriptions.
  const pingedAt = new WeakMap<WebSocket, number>();

  // The unread budget: sockets over it (since when), sockets whose replays wait for room, and how to
  // end a socket's operations at once (graphql-ws's own `closed`, which otherwise runs at 'close').
  const budget = transport.unreadBudget;
  const lowWater = budget ? budget.bytes / 4 : Infinity;
  const overBudgetSince = new Map<WebSocket, number>();
  const roomWaiters = new Map<WebSocket, Array<() => void>>();
  const endOperations = new WeakMap<WebSocket, (code: number, reason: string) => void>();
  const roomFor = (socket: WebSocket): Promise<void> => {
    if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount < lowWater) return Promise.resolve();
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
        endOperations.get(socket)?.(budget.closeCode, UNREAD_OVER_BUDGET);
        socket.close(budget.closeCode, UNREAD_OVER_BUDGET);
      }
    }
  };
  let round: WebSocket[] = [];
  let next = 0;
  let roundStartedAt = -Infinity;
  const heartbeat = setInterval(() => {
    const now = performance.now();
    if (roomWaiters.size || overBudgetSince.size) checkBuffers(now);
    if (next >= round.length) {
      if (now - roundStartedAt < keepAliveMs) return;
      round = [...wsServer.clients];
      next = 0;
      roundStartedAt = now;
    }
    const slice = Math.ceil((round.length * HEARTBEAT_TICK_MS) / keepAliveMs);
    for (const end = Math.min(round.length, next + slice); next < end; next++) {
      const socket = round[next];
      if (socket.readyState !== WebSocket.OPEN) continue;
      const waitingSince = pingedAt.get(socket);
      if (waitingSince === undefined) {
        pingedAt.set(socket, now);
        socket.ping();
      } else if (now - waitingSince >= keepAliveMs) {
        socket.terminate();
      }
    }
    if (next >= round.length) round = []; // a finished round keeps no closed sockets alive until the next
  }, HEARTBEAT_TICK_MS);
  heartbeat.unref();
  // Shared listeners (`this` is the socket): no closures per socket for these.
  function onPong(this: WebSocket) {
    pingedAt.delete(this);
    onAlive?.(this);
  }
  function onSocketError(this: WebSocket, error: Error) {
    reportError(error);
    closeForError(this);
  }

  wsServer.on('error', (error) => {
    reportError(error);
    for (const socket of wsServer.clients) closeForError(socket);
  });
  wsServer.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    socket.once('error', onSocketError);
    socket.on('pong', onPong);
    let ended = false;
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== WebSocket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
            if (budget && socket.bufferedAmount > budget.bytes && !overBudgetSince.has(socket)) overBudgetSince.set(socket, performance.now());
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            if (ended) return; // its operations were ended (over the unread budget): nothing new starts
            handle(String(data)).catch((error: unknown) => {
              reportError(error);
              closeForError(socket);
            });
          }),
      },
      { socket, request } as WsExtra & Partial<E>,
    );
    const end = (code: number, reason: string) => {
      if (ended) return;
      ended = true;
      void closed(code, reason).catch(reportError);
    };
    if (budget) endOperations.set(socket, end);
    socket.once('close', (code, reason) => {
      pingedAt.delete(socket);
      overBudgetSince.delete(socket);
      end(code, String(reason));
      const waiting = roomWaiters.get(socket);
      roomWaiters.delete(socket);
      for (const wake of waiting ?? []) wake();
    });
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
