import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import { Role } from '@parley/api/core';
import type { UserEntity } from './user.entity';

@ObjectType('User', { simpleResolvers: true })
export class User {
  @Field(() => ID)
  id: string;

  @Field()
  displayName: string;

  @Field(() => Role)
  role: Role;

  @Field(() => DateTimeISOResolver)
  createdAt: Date;

  /** Resolved by UserResolver.email, which decides who may see it. */
  privateEmail: string | null;

  /** Set on the user a register or login returns: that is the user themself, before any token is sent. */
  isSignInResult?: boolean;

  static from(entity: Pick<UserEntity, 'id' | 'displayName' | 'role' | 'createdAt' | 'email'>): User {
    return Object.assign(new User(), {
      id: entity.id,
      displayName: entity.displayName,
      role: entity.role,
      createdAt: entity.createdAt,
      privateEmail: entity.email,
    });
  }
}
