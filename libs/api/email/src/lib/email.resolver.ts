import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Public, requireViewer, type RequestContext } from '@parley/api/core';
import { AuthPayload } from '@parley/api/auth';
import type { EmailService } from './email.service';

@ObjectType('SiteFeatures', { description: 'What this server offers, so that a client shows only what works.', simpleResolvers: true })
export class SiteFeatures {
  @Field({ description: 'Email is configured: password reset links, transcripts by email, replies to away customers.' })
  email: boolean;
}

@Resolver()
export class EmailResolver {
  constructor(private readonly email: EmailService) {}

  @Public()
  @Query(() => SiteFeatures, { description: 'Anyone: the optional features this server has turned on.' })
  siteFeatures(): SiteFeatures {
    return { email: this.email.enabled };
  }

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Anyone: emails a single-use reset link (valid one hour) to a password account with this address. Always true, whether or not the address has an account, answered in the same time (false only when this server sends no email).',
  })
  requestPasswordReset(@Arg('email') email: string): Promise<boolean> {
    return this.email.requestPasswordReset(email);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      "Anyone holding a reset link's token: sets the new password (the password rules apply), ends the account's other sessions, and signs it in.",
  })
  resetPassword(@Arg('token') token: string, @Arg('password') password: string): Promise<AuthPayload> {
    return this.email.resetPassword(token, password);
  }

  @Mutation(() => Boolean, {
    description:
      "The chat's customer: emails the chat's transcript (the messages the customer can see) to the customer's address; BAD_USER_INPUT if they have none (false when this server sends no email).",
  })
  emailTranscript(@Arg('chatId', () => ID) chatId: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return this.email.emailTranscript(requireViewer(ctx), chatId);
  }
}
