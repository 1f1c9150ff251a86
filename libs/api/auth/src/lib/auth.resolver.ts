import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Public, requireViewer, Role, type RequestContext } from '@parley/api/core';
import { AuthService } from './auth.service';
import { AuthPayload } from './auth.types';
import { LoginInput, RegisterInput } from './auth.inputs';
import { User } from './user.type';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Query(() => User, { nullable: true, description: 'The signed-in user; null without a valid token.' })
  me(@Ctx() ctx: RequestContext): Promise<User | null> {
    return this.auth.me(ctx);
  }

  @Public()
  @Mutation(() => AuthPayload, { description: 'Creates a CUSTOMER account and signs it in.' })
  register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: RequestContext): Promise<AuthPayload> {
    return this.auth.register(input, ctx.ip);
  }

  @Public()
  @Mutation(() => AuthPayload)
  login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: RequestContext): Promise<AuthPayload> {
    return this.auth.login(input, ctx.ip);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description: 'Renews a session with its refresh token (single use: the answer carries the next one).',
  })
  refreshToken(@Arg('refreshToken') refreshToken: string): Promise<AuthPayload> {
    return this.auth.refresh(refreshToken);
  }

  @Mutation(() => Boolean, {
    description: "Signs out: ends this session's refresh token and access tokens, and closes its user's live connections.",
  })
  logout(@Ctx() ctx: RequestContext): Promise<boolean> {
    return this.auth.logout(requireViewer(ctx));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => User, { description: 'Admins only: creates an AGENT account.' })
  createAgent(@Arg('input', () => RegisterInput) input: RegisterInput): Promise<User> {
    return this.auth.createAgent(input);
  }
}
