import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { defineModule, type RequestContext } from '@parley/api/core';
import { AUTH_SERVICE, SESSION_SERVICE, TOKEN_SERVICE } from '@parley/api/auth';
import { CHAT_SERVICE } from '@parley/api/chat';
import { VisitorResolver, VisitorUserResolver } from './visitor.resolver';
import { VisitorService, type VisitorDeps } from './visitor.service';
import { WidgetSettingsEntity, WidgetSettingsResolver } from './widget-settings';

/** The resolver classes the schema is built from. */
export const VISITOR_RESOLVERS = [VisitorResolver, VisitorUserResolver, WidgetSettingsResolver] as const;

/** What the server registers: the resolver instances; the service learns of visitors not stored yet through auth's hook. */
export function createVisitorModule(deps: VisitorDeps) {
  const service = new VisitorService(deps);
  return {
    service,
    resolvers: new Map<unknown, unknown>([
      [VisitorResolver, new VisitorResolver(service)],
      [VisitorUserResolver, new VisitorUserResolver(service)],
      [WidgetSettingsResolver, new WidgetSettingsResolver(service)],
    ]),
  };
}

type Resolve = GraphQLFieldResolver<unknown, RequestContext>;

/**
 * Where visitors not stored yet meet other domains' root fields: stored just
 * before their first chat, described by their token in `me`, and their signed
 * refresh tokens accepted by `refreshToken`. `service` is looked up on first
 * use (the schema is also built only to be printed).
 */
export function wrapVisitorFields(schema: GraphQLSchema, service: () => VisitorService): GraphQLSchema {
  const wrap = (type: 'Query' | 'Mutation', name: string, around: (original: Resolve) => Resolve) => {
    const field = (type === 'Query' ? schema.getQueryType() : schema.getMutationType())?.getFields()[name];
    if (!field) throw new Error(`no field ${type}.${name} for visitors`);
    field.resolve = around((field.resolve as Resolve | undefined) ?? defaultFieldResolver);
  };
  wrap('Mutation', 'startChat', (original) => async (source, args, ctx, info) => {
    await service().storeIfPending(ctx.viewer);
    return original(source, args, ctx, info);
  });
  wrap('Query', 'me', (original) => async (source, args, ctx, info) => (await original(source, args, ctx, info)) ?? service().pendingUser(ctx.viewer));
  wrap('Mutation', 'refreshToken', () => (_source, args: { refreshToken?: string }) => service().refresh(String(args.refreshToken)));
  return schema;
}

/** Website visitors: signed in by the widget without an account, stored with their first chat. Built on auth (listed after it). */
export const visitorModule = defineModule({
  name: 'visitor',
  entities: [WidgetSettingsEntity],
  resolvers: [...VISITOR_RESOLVERS],
  topics: [],
  adjustSchema: (schema, container) => void wrapVisitorFields(schema, () => (container.get(VisitorResolver, {} as never) as VisitorResolver).visitors),
  create({ config, dataSource, limits, services }) {
    const auth = services.get(AUTH_SERVICE);
    const visitors = createVisitorModule({
      dataSource,
      auth,
      tokens: services.get(TOKEN_SERVICE),
      sessions: services.get(SESSION_SERVICE),
      limits,
      jwtSecret: config.jwtSecret,
      identitySecret: config.identitySecret,
      // the chat domain is made after this one: asked for when a chat moves
      chatsChanged: (chatIds) => services.get(CHAT_SERVICE).chatsChanged(chatIds),
    });
    // Every accepted token: a website visitor not stored yet is known by it (their first chat stores them).
    auth.onAuthenticated((viewer, token) => visitors.service.noteViewer(viewer, token));
    return { resolvers: [...visitors.resolvers.values()] as object[] };
  },
});
