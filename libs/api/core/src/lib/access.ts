import { Extensions, type AuthChecker, type MiddlewareFn } from 'type-graphql';
import type { GraphQLObjectType } from 'graphql';
import type { RequestContext, Viewer } from './context';
import { unauthenticated } from './errors';
import type { Role } from './role';

/**
 * Marks a root field that anonymous clients may call. Everything else is
 * denied to them by `denyAnonymous`, so forgetting a guard fails closed.
 */
export const Public = () => Extensions({ public: true });

export const isPublicField = (type: GraphQLObjectType, fieldName: string) =>
  type.getFields()[fieldName]?.extensions?.['public'] === true;

/** Global middleware: root fields need a viewer unless marked @Public(). */
export const denyAnonymous: MiddlewareFn<RequestContext> = async ({ context, info }, next) => {
  const root = info.parentType;
  const isRoot = root === info.schema.getQueryType() || root === info.schema.getMutationType();
  if (isRoot && !context.viewer && !isPublicField(root, info.fieldName)) throw unauthenticated();
  return next();
};

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
