import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Public, type RequestContext } from '@parley/api/core';
import { AuthPayload, User } from '@parley/api/auth';
import { IdentifyVisitorInput, VisitorSessionInput } from './visitor.inputs';
import type { VisitorService } from './visitor.service';

@Resolver()
export class VisitorResolver {
  constructor(readonly visitors: VisitorService) {}

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      "Anyone: starts a session for an anonymous website visitor, a CUSTOMER with no email and no password. The returned tokens are the visitor's only credential. Called with the token of a visitor who has not written yet (files picked before the first message), it renews that same visitor with the name and email given now; their uploads stay theirs.",
  })
  startVisitorSession(
    @Arg('input', () => VisitorSessionInput, { nullable: true }) input: VisitorSessionInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AuthPayload> {
    return this.visitors.startSession(input, ctx.ip, ctx.viewer);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      "Anyone: signs in a person whom the host website has already signed in, proven by userHash. A wrong or missing hash is UNAUTHENTICATED. The same externalId always reaches the same CUSTOMER. Called with an anonymous visitor's token, that visitor's chats move to the identified customer.",
  })
  identifyVisitor(@Arg('input', () => IdentifyVisitorInput) input: IdentifyVisitorInput, @Ctx() ctx: RequestContext): Promise<AuthPayload> {
    return this.visitors.identify(input, ctx);
  }
}

@Resolver(() => User)
export class VisitorUserResolver {
  constructor(private readonly visitors: VisitorService) {}

  @FieldResolver(() => Boolean, {
    description: 'True for a CUSTOMER who came in through startVisitorSession and has not been identified since; false for everyone else.',
  })
  async anonymous(@Root() user: User, @Ctx() ctx: RequestContext): Promise<boolean> {
    return (await this.visitors.facts(user, ctx)).anonymous;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The id the host website gave this customer through identifyVisitor; null otherwise. Visible to the customer themself, to agents and to admins.',
  })
  async externalId(@Root() user: User, @Ctx() ctx: RequestContext): Promise<string | null> {
    if (!this.visitors.mayReadExternalId(user, ctx)) return null;
    return (await this.visitors.facts(user, ctx)).externalId;
  }
}
