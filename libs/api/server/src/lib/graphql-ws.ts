import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse, specifiedRules, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { WebSocketServer } from 'ws';
import { serveGraphqlWs, type WsExtra as Extra } from './ws-transport';
import { QUERY_LIMITS, wsValidationRules } from './query-limits';
import { overBudget, overBudgetError } from './document-budget';
import { asksForSchema, introspectionRefused, mayIntrospect } from './introspection';
import { WS_CLOSE_UNAUTHORIZED, WS_CLOSE_UNREAD_OVER_BUDGET } from '@parley/shared/limits';

// Too many connections for one user (graphql-ws uses 4429 for "too many requests" too).
const WS_CLOSE_TOO_MANY = 4429;
import { formatError, rateLimited, SOCKET_UNREAD_BUDGET, type DeliveryGate, type RateLimits, type RequestContext, type SocketListener, type Viewer } from '@parley/api/core';
import { bearerToken, type Authenticator } from '@parley/api/auth';
import type { Logger } from './logger';
import type { SocketObserver } from '@parley/api/observability';
import type { CompiledExecutor } from './compiled-execution';

interface SocketState extends Record<PropertyKey, unknown> {
  viewer: Viewer;
  connectionId: string;
  /** The client's address, read at connect (the upgrade request is not kept). */
  ip: string;
}

type Socket = Extra & Partial<SocketState>;

const VALID_DOCUMENT_CACHE = 500;

/** Drops an operation's request-scoped values (its DataLoaders): each event of a subscription executes with its own. */
function freshLoaders(context: unknown): void {
  if (context && typeof context === 'object') (context as RequestContext).scoped = undefined;
}

function releaseAfterConnect(ctx: { extra: Extra; connectionParams?: unknown }): void {
  (ctx.extra as { request?: unknown }).request = undefined;
  (ctx as { connectionParams?: unknown }).connectionParams = undefined;
}

/**
 * Sockets to close when their token expires, grouped by the second it
 * expires in: one timer for all of them, where a timer per socket (and its
 * callback's closure) cost each idle socket a few hundred bytes. A socket is
 * closed within a second after its token's expiry.
 */
class ExpiryWheel<T> {
  private readonly bySecond = new Map<number, Set<T>>();
  private checkedUpTo = Math.floor(Date.now() / 1000);
  private readonly timer = setInterval(() => this.tick(), 1000);

  constructor(private readonly expire: (item: T) => void) {
    this.timer.unref();
  }

  /** Calls `expire(item)` once the clock passes `atSecond` (seconds since the epoch), or at once. */
  add(item: T, atSecond: number): void {
    const second = Math.ceil(atSecond);
    if (second * 1000 <= Date.now()) return this.expire(item);
    const group = this.bySecond.get(second);
    if (group) group.add(item);
    else this.bySecond.set(second, new Set([item]));
  }

  delete(item: T, atSecond: number): void {
    const second = Math.ceil(atSecond);
    const group = this.bySecond.get(second);
    if (group?.delete(item) && group.size === 0) this.bySecond.delete(second);
  }

  private tick(): void {
    const now = Math.floor(Date.now() / 1000);
    // Every second since the last tick (a slow tick, a clock stepped forward): each group's time has come.
    for (let second = this.checkedUpTo + 1; second <= now; second++) {
      const group = this.bySecond.get(second);
      if (!group) continue;
      this.bySecond.delete(second);
      for (const item of group) this.expire(item);
    }
    // A clock stepped back, or a long stall: a group left behind is looked for once it is overdue.
    if (now - this.checkedUpTo > 60 || now < this.checkedUpTo)
      for (const [second, group] of this.bySecond)
        if (second <= now) {
          this.bySecond.delete(second);
          for (const item of group) this.expire(item);
        }
    this.checkedUpTo = now;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * graphql-ws on the shared WebSocket server: the token in connection_init is
 * verified (4403 without a valid one), and the socket is closed with 4403 the
 * moment that token expires.
 */
export function attachGraphqlWs(deps: {
  schema: GraphQLSchema;
  wsServer: WebSocketServer;
  authService: Authenticator;
  logger: Logger;
  /** What the modules add to every operation's context (ApiModule's subscriptionContext). */
  subscriptionContext: Readonly<Record<symbol, unknown>>;
  observer?: SocketObserver;
  limits: RateLimits;
  /** The client's address as HTTP requests see it (behind trusted proxies, X-Forwarded-For). */
  clientIp: (request: IncomingMessage) => string | undefined;
  /** Runs operations compiled; graphql-js's executor when absent. */
  executor?: CompiledExecutor;
  /** Who may introspect (see introspection.ts). */
  introspection?: 'open' | 'staff';
  /** The modules' listeners of sockets opening, staying and closing (presence). */
  socketListeners?: readonly SocketListener[];
  /** Unsent data a socket may hold (default SOCKET_UNREAD_BUDGET). */
  unreadBudget?: { bytes: number; graceSeconds: number };
}) {
  const { schema, wsServer, authService, logger, subscriptionContext, observer, limits, clientIp, executor } = deps;
  const staffOnlyIntrospection = deps.introspection === 'staff';
  const listeners = deps.socketListeners ?? [];
  const tell = (event: 'opened' | 'alive' | 'closed', viewer: Viewer, connectionId: string) => {
    for (const listener of listeners) {
      listener[event]?.(viewer, connectionId).catch((error: unknown) => logger.warn({ err: (error as Error).message, event }, 'socket listener'));
    }
  };
  // Sockets by user, so that taking access away (sign-out, revokeAccess) closes those it ends, on every
  // instance. Most users hold one socket (a visitor's widget): that one is the entry, a Set only for more.
  const socketsByUser = new Map<string, Socket | Set<Socket>>();
  const socketsOf = (userId: string): Iterable<Socket> => {
    const entry = socketsByUser.get(userId);
    return entry === undefined ? [] : entry instanceof Set ? entry : [entry];
  };
  const addSocket = (userId: string, socket: Socket) => {
    const entry = socketsByUser.get(userId);
    if (entry === undefined) socketsByUser.set(userId, socket);
    else if (entry instanceof Set) entry.add(socket);
    else socketsByUser.set(userId, new Set([entry, socket]));
  };
  const removeSocket = (userId: string, socket: Socket) => {
    const entry = socketsByUser.get(userId);
    if (entry === socket) socketsByUser.delete(userId);
    else if (entry instanceof Set && entry.delete(socket) && entry.size === 0) socketsByUser.delete(userId);
  };
  const stopListening = authService.onAccessChange((userId) => {
    for (const socket of [...socketsOf(userId)]) {
      if (socket.viewer && !authService.stillAllowed(socket.viewer)) socket.socket.close(WS_CLOSE_UNAUTHORIZED, 'Access ended');
    }
  });
  const expiries = new ExpiryWheel<Socket>((socket) => socket.socket.close(WS_CLOSE_UNAUTHORIZED, 'Token expired'));
  const rules = [...specifiedRules, ...wsValidationRules()];
  // Clients subscribe with a handful of documents, thousands of times: parse and validate each once.
  const validDocuments = new Map<string, DocumentNode>();
  // One operation's context: what it needs is read from its socket when asked, and what the modules add
  // (subscriptionContext) sits on the prototype, shared, where a spread copied it into every subscription.
  class SocketContext implements RequestContext {
    scoped?: RequestContext['scoped'];
    constructor(
      private readonly socket: Socket,
      private readonly operationId: string,
    ) {}
    get viewer(): Viewer | null {
      return this.socket.viewer ?? null;
    }
    get requestId(): string {
      return `${this.socket.connectionId}/${this.operationId}`;
    }
    get ip(): string | undefined {
      return this.socket.ip;
    }
    get delivery(): DeliveryGate {
      return this.socket;
    }
  }
  for (const key of Reflect.ownKeys(subscriptionContext))
    Object.defineProperty(SocketContext.prototype, key, { value: subscriptionContext[key as symbol], enumerable: true });
  const unreadBudget = deps.unreadBudget ?? SOCKET_UNREAD_BUDGET;
  const format = (requestId: string) => (error: GraphQLError) => {
    const formatted = formatError(error.toJSON(), error, { requestId, logger });
    observer?.errorSent(formatted.extensions?.['code']);
    return formatted;
  };

  const server = serveGraphqlWs<{ authorization?: unknown }, SocketState>(
    {
      schema,
      ...(executor ? { execute: executor.executeArgs, subscribe: executor.subscribeArgs } : {}),
      onConnect: async (ctx) => {
        const viewer = await authService.authenticate(bearerToken(ctx.connectionParams?.authorization));
        if (!viewer) return false; // graphql-ws closes with 4403 Forbidden
        try {
          await limits.consume('socketsPerUser', viewer.id);
        } catch {
          ctx.extra.socket.close(WS_CLOSE_TOO_MANY, 'Too many connections; retry later');
          return false;
        }
        ctx.extra.viewer = viewer;
        // Flat strings: a randomUUID() is a chain of a dozen concatenated pieces, kept as long as the socket.
        ctx.extra.connectionId = randomBytes(12).toString('base64url');
        ctx.extra.ip = clientIp(ctx.extra.request) ?? 'unknown';
        // An idle socket should hold only what it needs: the upgrade request (headers and all) and the
        // token text are not read again; the viewer above carries what the token said.
        releaseAfterConnect(ctx);
        addSocket(viewer.id, ctx.extra);
        expiries.add(ctx.extra, viewer.expiresAt);
        if (listeners.length) tell('opened', viewer, ctx.extra.connectionId);
        observer?.opened(ctx.extra);
        return true;
      },
      onClose: (ctx, code) => {
        const viewer = ctx.extra.viewer;
        if (viewer) {
          expiries.delete(ctx.extra, viewer.expiresAt);
          removeSocket(viewer.id, ctx.extra);
          if (listeners.length && ctx.extra.connectionId) tell('closed', viewer, ctx.extra.connectionId);
        }
        observer?.closed(ctx.extra, code);
      },
      onOperation: (ctx, id, _payload, args, result) => {
        // What the subscribe step loaded is not the first event's: that one reads afresh.
        freshLoaders(args.contextValue);
        observer?.operationStarted(ctx.extra, id, args.document, args.operationName, Symbol.asyncIterator in Object(result));
      },
      onComplete: (ctx, id) => {
        observer?.operationEnded(ctx.extra, id);
      },
      // The same document limits as HTTP, and a cap on subscriptions per socket.
      onSubscribe: (ctx, id, payload) => {
        if (Object.keys(ctx.subscriptions).length >= limits.maxSubscriptionsPerSocket()) return [rateLimited(10)];
        let document = validDocuments.get(payload.query);
        if (!document) {
          try {
            document = parse(payload.query, { maxTokens: QUERY_LIMITS.maxTokens });
          } catch (error) {
            return [error as GraphQLError];
          }
          // Counted before the rules run, as over HTTP (document-budget.ts).
          const item = overBudget(document);
          if (item) return [overBudgetError(item)];
          const errors = validate(schema, document, rules);
          if (errors.length) return errors;
          if (validDocuments.size >= VALID_DOCUMENT_CACHE) validDocuments.clear();
          validDocuments.set(payload.query, document);
        }
        if (staffOnlyIntrospection && !mayIntrospect(ctx.extra.viewer ?? null) && asksForSchema(document)) return [introspectionRefused()];
        return {
          schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue: new SocketContext(ctx.extra, id),
          // Present from the start (no roots here): added later, it took a property array of its own.
          rootValue: undefined,
        };
      },
      onNext: (ctx, id, _payload, args, result) => {
        // Field loaders are per event, not per subscription: the next event reads a chat's status
        // and last message afresh (and a waiting subscription holds no loader meanwhile).
        freshLoaders(args.contextValue);
        return result.errors ? { ...result, errors: result.errors.map(format(`${ctx.extra.connectionId}/${id}`)) } : undefined;
      },
      onError: (ctx, id, _payload, errors) => errors.map(format(`${ctx.extra.connectionId}/${id}`)),
    },
    wsServer,
    {
      onInternalError: (error) => logger.error({ err: error }, 'websocket internal error'),
      onAlive: listeners.length
        ? (socket) => {
            if (socket.viewer && socket.connectionId) tell('alive', socket.viewer, socket.connectionId);
          }
        : undefined,
      unreadBudget: { bytes: unreadBudget.bytes, graceMs: unreadBudget.graceSeconds * 1000, closeCode: WS_CLOSE_UNREAD_OVER_BUDGET },
    },
  );
  return {
    dispose: async () => {
      stopListening();
      expiries.stop();
      await server.dispose();
    },
  };
}
