import { Field, InputType } from 'type-graphql';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { LIMITS } from '@parley/shared/limits';
import { TrimmedLength } from '@parley/api/core';

@InputType('RegisterInput')
export class RegisterInput {
  @Field()
  @IsString()
  @MaxLength(LIMITS.emailMax)
  @IsEmail({}, { message: 'must be a valid email address' })
  email: string;

  @Field()
  @IsString()
  @Length(LIMITS.passwordMin, LIMITS.passwordMax, {
    message: `must be ${LIMITS.passwordMin} to ${LIMITS.passwordMax} characters`,
  })
  password: string;

  @Field()
  @IsString()
  @TrimmedLength(LIMITS.displayNameMin, LIMITS.displayNameMax)
  displayName: string;
}

@InputType('LoginInput')
export class LoginInput {
  @Field()
  @IsString()
  @MaxLength(LIMITS.emailMax)
  email: string;

  // Over-long passwords are refused before any hashing work is spent on them.
  @Field()
  @IsString()
  @MaxLength(LIMITS.passwordMax)
  password: string;
}
