import { Field, ObjectType } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import { User } from './user.type';

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field({ description: 'Bearer token for the Authorization header and for graphql-ws connectionParams.' })
  token: string;

  @Field(() => DateTimeISOResolver)
  expiresAt: Date;

  @Field(() => User)
  user: User;
}
