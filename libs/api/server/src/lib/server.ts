import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import cors from 'cors';
import proxyAddr from 'proxy-addr';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { WebSocketServer } from 'ws';
import type { DataSource } from 'typeorm';
import type { Config } from '@parley/api/config';
import { AppError, LocalPubSub, limitRootFields, RateLimits, RedisPubSub, Services, type ModuleInstance, type PubSub, type RequestContext } from '@parley/api/core';
import Redis from 'ioredis';
import { createDataSource, runMigrations, startEmbeddedPostgres, type EmbeddedDatabase } from '@parley/api/database';
import { AUTH_SERVICE, AUTHENTICATOR, bearerToken, type AuthService } from '@parley/api/auth';
import { isWidgetPage, widgetFrameAncestors, widgetOriginAllowed } from '@parley/api/visitor';
import { buildParleySchema } from './schema';
import { createLogger, type Logger } from './logger';
import { attachGraphqlWs } from './graphql-ws';
import {
  metricsHandler,
  nameRequestSpan,
  observeDatabase,
  METRICS,
  ParleyMetrics,
  requestObservabilityPlugin,
  SocketObserver,
  tracingEnabled,
} from '@parley/api/observability';
import { badInputStatusPlugin, errorLogPlugin, formatErrorFor } from './errors';
import { httpQueryLimits } from './query-limits';
import { documentBudgetPlugin } from './document-budget';
import { introspectionPlugin } from './introspection';
import { CompiledExecutor, compiledExecution } from './compiled-execution';
import { SharedEvents } from './shared-events';
import { allowedOrigin } from './origins';
import { serveWebApp } from './web-app';
import { serveWidgetLoader } from './widget-loader';
import { precomputedHeaders, securityHeaders } from './security-headers';
import { assignRequestId, graphqlPostHandler, noSubscriptionsOverHttp, type NodeMiddleware } from './graphql-http';
import { explorerRouter } from '@parley/api/explorer';
import { ENTITIES, MODULES } from './modules';

export { ENTITIES, MODULES };

/** Everything that travels between instances: each module types its own topics (ChatTopics, AuthTopics). */
type LiveTopics = Record<string, any>;

export interface ParleyServer {
  /** http://host:port */
  url: string;
  port: number;
  dataSource: DataSource;
  logger: Logger;
  /** Accounts and sign-in, for what acts on accounts from outside a request (revokeAccess). */
  auth: AuthService;
  /** Graceful stop: not ready, sockets closed with 1001, in-flight requests finished, pool closed. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

/** Builds and starts the whole API: database, schema, HTTP and WebSocket on one port. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<ParleyServer> {
  const logger = options.logger ?? createLogger(config);
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, (line) => logger.debug({ postgres: line.trim() }, 'embedded postgres'));
    databaseUrl = embedded.url;
    logger.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started');
  }

  const dataSource = createDataSource({ url: databaseUrl, entities: ENTITIES });
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }

  // Redis shares live events between instances; without it they stay in this process.
  const redisPubSub = config.redisUrl
    ? new RedisPubSub<LiveTopics>(config.redisUrl, { prefix: config.redisPrefix, onError: (error) => logger.warn({ err: error.message }, 'redis') })
    : undefined;
  const pubsub: PubSub<LiveTopics> = redisPubSub ?? new LocalPubSub<LiveTopics>();
  // Abuse limits count in Redis when there is one, so they hold across instances; memory otherwise.
  const limitsRedis =
    config.redisUrl && config.rateLimitScale > 0
      ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
      : undefined;
  limitsRedis?.on('error', (error) => logger.warn({ err: error.message }, 'redis (rate limits)'));
  const limits = new RateLimits(config.rateLimitScale, limitsRedis, config.redisPrefix);
  const metrics = new ParleyMetrics();
  // Each module makes its services (seeing those of the modules before it), then each starts.
  const services = new Services();
  services.provide(METRICS, metrics);
  const running: ModuleInstance[] = [];
  for (const module of MODULES) running.push(await module.create({ config, dataSource, pubsub, limits, logger, services }));
  for (const module of running) await module.start?.();

  // Who is asking, over HTTP and WebSocket alike (later modules learn of each viewer through auth's hook).
  const authentication = services.get(AUTHENTICATOR);
  const instances = new Map<unknown, unknown>(running.flatMap((module) => module.resolvers.map((resolver) => [resolver.constructor, resolver] as const)));
  const schema = limitRootFields(await buildParleySchema({ get: (cls) => instances.get(cls) }), limits);
  const subscriptionContext = Object.assign({}, ...running.map((module) => module.subscriptionContext ?? {})) as Record<symbol, unknown>;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const headers = securityHeaders({ tls: Boolean(config.tls) });
  // Framing per route: only the widget's pages may be framed, and only by WIDGET_ORIGINS.
  const widgetOrigins = config.widgetOrigins ?? [];
  const widgetHeaders = securityHeaders({ tls: Boolean(config.tls), frameAncestors: widgetFrameAncestors(widgetOrigins) });
  app.use((req, res, next) => (isWidgetPage(req.path) ? widgetHeaders : headers)(req, res, next));
  // Requests are routed once Apollo has started (below).
  // Idle keep-alive connections live longer than a balancer's (60 s is common): when the server
  // closes one first, a request already on its way is reset. Node's default is 5 s.
  const httpServer: Server = config.tls ? createHttpsServer({ cert: config.tls.cert, key: config.tls.key }) : createServer();
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  let ready = false;
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const databaseUp = ready && (await ping(dataSource)) && (!redisPubSub || (await redisPubSub.ping()));
    res.status(databaseUp ? 200 : 503).json({ status: databaseUp ? 'ready' : 'unavailable' });
  });
  // In production the figures are for the operator alone: no token, no endpoint.
  if (config.metricsToken || !config.production) app.get('/metrics', metricsHandler(metrics, config.metricsToken));
  observeDatabase(dataSource, metrics, () => ready);

  // Compiled execution (compiled-execution.ts) over HTTP and WebSocket, except when tracing:
  // the OpenTelemetry instrumentation gives each resolver a span through graphql-js's own executor.
  const sharedEvents = new SharedEvents(new Set(MODULES.flatMap((module) => module.sharedEvents ?? [])));
  const executor = tracingEnabled() ? undefined : new CompiledExecutor(schema, sharedEvents);

  const introspection = config.introspection ?? (config.production ? 'staff' : 'open');
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const trust = app.get('trust proxy fn') as Parameters<typeof proxyAddr>[1];
  const clientIp = (req: IncomingMessage) => proxyAddr(req, trust);
  const graphqlWs = attachGraphqlWs({
    schema,
    wsServer,
    // Also closes the sockets whose access ended (sign-out, revokeAccess), on every instance.
    authService: authentication,
    logger,
    subscriptionContext,
    limits,
    clientIp,
    observer: new SocketObserver(logger, metrics),
    executor,
    introspection,
    socketListeners: running.flatMap((module) => (module.sockets ? [module.sockets] : [])),
    unreadBudget: config.socketUnreadBudget,
  });
  httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    const origin = request.headers.origin;
    if (path !== '/graphql' || !(allowedOrigin(origin, request.headers.host, config.corsOrigins) || widgetOriginAllowed(origin, widgetOrigins))) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    // Counted per address before the handshake: a flood of upgrades costs no token check and no socket.
    limits.consume('socketsPerIp', clientIp(request) ?? 'unknown').then(
      () => wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request)),
      () => socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 60\r\nConnection: close\r\n\r\n'),
    );
  });

  const armor = httpQueryLimits();
  const plugins: ApolloServerPlugin<RequestContext>[] = [
    // First: its answer to an over-budget document must be the one Apollo sends (document-budget.ts).
    documentBudgetPlugin(),
    ...armor.plugins,
    introspectionPlugin(introspection),
    noSubscriptionsOverHttp(),
    errorLogPlugin(logger),
    badInputStatusPlugin(),
    ApolloServerPluginDrainHttpServer({ httpServer }),
    ApolloServerPluginLandingPageDisabled(),
    // No HTTP caching of GraphQL answers here, and the plugin wraps every field of every result.
    ApolloServerPluginCacheControlDisabled(),
    requestObservabilityPlugin(logger, metrics),
    {
      async serverWillStart() {
        return {
          drainServer: async () => {
            await graphqlWs.dispose();
          },
        };
      },
    },
  ];
  const compiled = executor ? compiledExecution(schema, executor, plugins) : undefined;
  const apollo = new ApolloServer<RequestContext>({
    ...(compiled ? { gateway: compiled.gateway } : { schema }),
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    csrfPrevention: true,
    // The process owns its signals (main.ts): one orderly shutdown, not Apollo's own plus ours.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatErrorFor(),
    plugins: compiled ? compiled.plugins : plugins,
  });
  await apollo.start();

  // CORS first: the explorer's router would otherwise answer preflight OPTIONS /graphql itself.
  const graphqlCors = cors<cors.CorsRequest>({
    origin: (origin, callback) => callback(null, origin ? config.corsOrigins.includes(origin) || widgetOriginAllowed(origin, widgetOrigins) : false),
    credentials: false,
    maxAge: 600,
  });
  // Built before the document is parsed: a request with no valid token spends its address's
  // allowance first, so anonymous traffic cannot buy parsing and validation without limit.
  const graphqlContext = async (req: IncomingMessage, requestId: string): Promise<RequestContext> => {
    const viewer = await authentication.authenticate(bearerToken(req.headers.authorization));
    const ip = clientIp(req);
    if (!viewer) {
      await limits.consume('anonymousPerIp', ip ?? 'unknown').catch((error: unknown) => {
        throw error instanceof AppError ? new AppError(error.code, error.message, { ...error.extensions, http: { status: 429 } }) : error;
      });
    }
    return { viewer, requestId, ip };
  };
  const graphqlPost = graphqlPostHandler({
    apollo,
    middlewares: [precomputedHeaders(headers), graphqlCors as NodeMiddleware],
    context: graphqlContext,
    maxBodyBytes: 100 * 1024,
  });
  app.use('/graphql', graphqlCors);
  app.use(explorerRouter());
  app.use('/graphql', (req, res, next) => {
    res.locals['requestId'] = assignRequestId(req, res);
    next();
  });
  // GET queries (POST is graphqlPost's).
  app.use(
    '/graphql',
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, { context: ({ req, res }) => graphqlContext(req, res.locals['requestId'] as string) }),
  );
  serveWidgetLoader(app);
  for (const module of running) module.http?.(app);
  serveWebApp(app, config.webRoot);
  // POST /graphql (every mutation) skips Express; see graphql-http.ts.
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && isGraphqlPath(req.url)) {
      nameRequestSpan('POST', '/graphql');
      graphqlPost(req, res);
    } else app(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  ready = true;
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `${config.tls ? 'https' : 'http'}://${shownHost}:${port}`;
  logger.info({ url: `${url}/graphql`, embedded: Boolean(embedded) }, 'Parley API listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      ready = false;
      logger.info('shutting down');
      // Apollo's drain stops new connections, waits for in-flight requests and runs drainServer (sockets closed with 1001).
      await apollo.stop();
      for (const module of [...running].reverse()) await module.stop?.();
      await pubsub.close();
      limitsRedis?.disconnect();
      await dataSource.destroy();
      await embedded?.stop();
      logger.info('stopped');
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    })());

  return { url, port, dataSource, logger, auth: services.get(AUTH_SERVICE), stop };
}

function isGraphqlPath(url: string | undefined): boolean {
  if (!url?.startsWith('/graphql')) return false;
  return url.length === 8 || url[8] === '?' || (url[8] === '/' && (url.length === 9 || url[9] === '?'));
}

async function ping(dataSource: DataSource): Promise<boolean> {
  try {
    await Promise.race([
      dataSource.query('SELECT 1'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
