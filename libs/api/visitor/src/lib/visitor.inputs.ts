import { Field, InputType } from 'type-graphql';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { LIMITS } from '@parley/shared/limits';
import { TrimmedLength } from '@parley/api/core';

/** The host's own ids are short keys, never documents. */
export const EXTERNAL_ID_MAX = 128;

@InputType('VisitorSessionInput')
export class VisitorSessionInput {
  @Field(() => String, { nullable: true, description: 'What the visitor wants to be called; a friendly default when absent.' })
  @IsOptional()
  @IsString()
  @TrimmedLength(LIMITS.displayNameMin, LIMITS.displayNameMax)
  displayName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'An address the visitor typed (pre-chat form, offline form). Shown to agents; never verified, never used to sign in, never linked to an account.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.emailMax)
  @IsEmail({}, { message: 'must be a valid email address' })
  email?: string | null;
}

@InputType('IdentifyVisitorInput')
export class IdentifyVisitorInput {
  @Field({ description: "The host website's own id for its signed-in user (1 to 128 characters)." })
  @IsString()
  @Length(1, EXTERNAL_ID_MAX, { message: `must be 1 to ${EXTERNAL_ID_MAX} characters` })
  externalId: string;

  @Field({ description: 'Lowercase hex HMAC-SHA256 of externalId, keyed with IDENTITY_SECRET. The host website computes it on its server.' })
  @IsString()
  @MaxLength(256)
  userHash: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.emailMax)
  @IsEmail({}, { message: 'must be a valid email address' })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @TrimmedLength(LIMITS.displayNameMin, LIMITS.displayNameMax)
  displayName?: string | null;
}
