import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { isStaff, type RequestContext } from '@parley/api/core';
import { User } from './user.type';

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description: 'Visible to the user themself, to agents and to admins; null for anyone else.',
  })
  email(@Root() user: User, @Ctx() ctx: RequestContext): string | null {
    if (user.isSignInResult) return user.privateEmail;
    const viewer = ctx.viewer;
    if (!viewer) return null;
    return viewer.id === user.id || isStaff(viewer.role) ? user.privateEmail : null;
  }
}
