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
  expiryTimer: NodeJS.Timeout;
  /** How this socket's replays wait for it to send (made at its first operation). */
  delivery: DeliveryGate;
}

const VALID_DOCUMENT_CACHE = 500;

// setTimeout's ceiling (about 24.8 days); longer tokens are re-checked when it fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Drops an operation's request-scoped values (its DataLoaders): each event of a subscription executes with its own. */
function freshLoaders(context: unknown): void {
  if (context && typeof context === 'object') (context as RequestContext).scoped = undefined;
}

function releaseAfterConnect(ctx: { extra: Extra; connectionParams?: unknown }): void {
  (ctx.extra as { request?: unknown }).request = undefined;
  (ctx as { connectionParams?: unknown }).connectionParams = undefined;
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
  // Signed-in sockets, for the heartbeat's "still alive" (a WeakMap: a closed socket needs no clean-up here).
  const signedIn = new WeakMap<Extra['socket'], { viewer: Viewer; connectionId: string }>();
  const tell = (event: 'opened' | 'alive' | 'closed', viewer: Viewer, connectionId: string) => {
    for (const listener of listeners) {
      listener[event]?.(viewer, connectionId).catch((error: unknown) => logger.warn({ err: (error as Error).message, event }, 'socket listener'));
    }
  };
  // Sockets by user, so that taking access away (sign-out, revokeAccess) closes those it ends, on every instance.
  const socketsByUser = new Map<string, Map<Extra['socket'], Viewer>>();
  const stopListening = authService.onAccessChange((userId) => {
    for (const [socket, viewer] of socketsByUser.get(userId) ?? []) {
      if (!authService.stillAllowed(viewer)) socket.close(WS_CLOSE_UNAUTHORIZED, 'Access ended');
    }
  });
  const rules = [...specifiedRules, ...wsValidationRules()];
  // Clients subscribe with a handful of documents, thousands of times: parse and validate each once.
  const validDocuments = new Map<string, DocumentNode>();
  const contextFor = (ctx: { extra: Partial<SocketState> & Extra }, id: string): RequestContext => ({
    viewer: ctx.extra.viewer ?? null,
    requestId: `${ctx.extra.connectionId}/${id}`,
    ip: ctx.extra.ip,
    delivery: (ctx.extra.delivery ??= socketDelivery(ctx.extra.socket)),
    ...subscriptionContext,
  });
  const socketDelivery = (socket: Extra['socket']): DeliveryGate => ({ waitForRoom: () => server.roomFor(socket) });
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
        const userSockets = socketsByUser.get(viewer.id) ?? new Map<Extra['socket'], Viewer>();
        userSockets.set(ctx.extra.socket, viewer);
        socketsByUser.set(viewer.id, userSockets);
        const closeAtExpiry = () => {
          const remaining = viewer.expiresAt * 1000 - Date.now();
          if (remaining <= 0) ctx.extra.socket.close(WS_CLOSE_UNAUTHORIZED, 'Token expired');
          else ctx.extra.expiryTimer = setTimeout(closeAtExpiry, Math.min(remaining, MAX_TIMER_MS));
        };
        closeAtExpiry();
        if (listeners.length) {
          signedIn.set(ctx.extra.socket, { viewer, connectionId: ctx.extra.connectionId });
          tell('opened', viewer, ctx.extra.connectionId);
        }
        observer?.opened(ctx.extra);
        return true;
      },
      onClose: (ctx, code) => {
        clearTimeout(ctx.extra.expiryTimer);
        const viewer = ctx.extra.viewer;
        if (viewer) {
          const userSockets = socketsByUser.get(viewer.id);
          userSockets?.delete(ctx.extra.socket);
          if (userSockets?.size === 0) socketsByUser.delete(viewer.id);
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
          contextValue: contextFor(ctx, id),
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
            const known = signedIn.get(socket);
            if (known) tell('alive', known.viewer, known.connectionId);
          }
        : undefined,
      unreadBudget: { bytes: unreadBudget.bytes, graceMs: unreadBudget.graceSeconds * 1000, closeCode: WS_CLOSE_UNREAD_OVER_BUDGET },
    },
  );
  return {
    dispose: async () => {
      stopListening();
      await server.dispose();
    },
  };
}
