import { randomUUID } from 'node:crypto';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import type { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { WS_CLOSE_UNAUTHORIZED } from '@parley/shared/limits';
import { formatError, type RequestContext, type Viewer } from '@parley/api/core';
import { bearerToken, type TokenService } from '@parley/api/auth';
import type { ChatService } from '@parley/api/chat';
import type { Logger } from './logger';

interface SocketState extends Record<PropertyKey, unknown> {
  viewer: Viewer;
  connectionId: string;
  expiryTimer: NodeJS.Timeout;
}

// setTimeout's ceiling (about 24.8 days); longer tokens are re-checked when it fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * graphql-ws on the shared WebSocket server: the token in connection_init is
 * verified (4403 without a valid one), and the socket is closed with 4403 the
 * moment that token expires.
 */
export function attachGraphqlWs(deps: {
  schema: GraphQLSchema;
  wsServer: WebSocketServer;
  tokens: TokenService;
  logger: Logger;
  chatService: ChatService;
}) {
  const { schema, wsServer, tokens, logger, chatService } = deps;
  const format = (requestId: string) => (error: GraphQLError) => formatError(error.toJSON(), error, { requestId, logger });

  return useServer<{ authorization?: unknown }, SocketState>(
    {
      schema,
      onConnect: async (ctx) => {
        const viewer = await tokens.verifyAccessToken(bearerToken(ctx.connectionParams?.authorization));
        if (!viewer) return false; // graphql-ws closes with 4403 Forbidden
        ctx.extra.viewer = viewer;
        ctx.extra.connectionId = randomUUID();
        const closeAtExpiry = () => {
          const remaining = viewer.expiresAt * 1000 - Date.now();
          if (remaining <= 0) ctx.extra.socket.close(WS_CLOSE_UNAUTHORIZED, 'Token expired');
          else ctx.extra.expiryTimer = setTimeout(closeAtExpiry, Math.min(remaining, MAX_TIMER_MS));
        };
        closeAtExpiry();
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiryTimer);
      },
      context: (ctx, id): RequestContext & { chatService: ChatService } => ({
        viewer: ctx.extra.viewer ?? null,
        requestId: `${ctx.extra.connectionId}/${id}`,
        ip: ctx.extra.request.socket.remoteAddress,
        scoped: new Map(),
        chatService,
      }),
      onNext: (ctx, id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map(format(`${ctx.extra.connectionId}/${id}`)) } : undefined,
      onError: (ctx, id, _payload, errors) => errors.map(format(`${ctx.extra.connectionId}/${id}`)),
    },
    wsServer,
  );
}
