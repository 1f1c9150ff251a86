import { Extensions, type AuthChecker } from 'type-graphql';
import { defaultFieldResolver, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { RequestContext, Viewer } from './context';
import { unauthenticated } from './errors';
import { rejectNulCharacters } from './validation';
import type { Role } from './role';

/**
 * Marks a root field that anonymous clients may call. Everything else is
 * denied to them by `guardRootFields`, so forgetting a guard fails closed.
 */
export const Public = () => Extensions({ public: true });

export const isPublicField = (type: GraphQLObjectType, fieldName: string) =>
  type.getFields()[fieldName]?.extensions?.['public'] === true;

/**
 * Guards every Query and Mutation field of a built schema: string arguments
 * holding NUL are BAD_USER_INPUT, and anonymous callers are UNAUTHENTICATED
 * unless the field is @Public(). Done once on the root fields, so nested
 * fields (resolved thousands of times a second for live messages) pay nothing.
 */
export function guardRootFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const open = isPublicField(type, field.name);
      field.resolve = (source, args, context: RequestContext, info) => {
        if (!open && !context.viewer) throw unauthenticated();
        rejectNulCharacters(args);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

/** `@Authorized(Role.AGENT, Role.ADMIN)`: the viewer's role must be one of those listed. */
export const roleAuthChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => {
  if (!context.viewer) throw unauthenticated();
  return roles.length === 0 || roles.includes(context.viewer.role);
};

/** The viewer, or UNAUTHENTICATED: for code paths (subscriptions) that middleware does not reach. */
export function requireViewer(ctx: RequestContext): Viewer {
  if (!ctx.viewer || ctx.viewer.expiresAt * 1000 <= Date.now()) throw unauthenticated();
  return ctx.viewer;
}
