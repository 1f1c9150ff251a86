import { Field, ObjectType } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import { User } from './user.type';

@ObjectType('AuthPayload', { simpleResolvers: true })
export class AuthPayload {
  @Field({ description: 'Bearer token for the Authorization header and for graphql-ws connectionParams.' })
  token: string;

  @Field(() => DateTimeISOResolver)
  expiresAt: Date;

  @Field(() => User)
  user: User;

  @Field({
    description:
      'Single-use token for refreshToken when the access token expires (rotated on every use; keep it secret).',
  })
  refreshToken: string;

  @Field(() => DateTimeISOResolver)
  refreshExpiresAt: Date;
}
