import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { scopedValue, type RequestContext } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import type { UserEntity } from './user.entity';
import { User } from './user.type';

const USER_LOADER = Symbol('userLoader');
const USERS_LOADED = Symbol('usersLoaded');

/** Users this request has already read (null: no such user). */
function loadedUsers(ctx: RequestContext): Map<string, User | null> {
  return scopedValue(ctx, USERS_LOADED, () => new Map<string, User | null>());
}

/** Batches user look-ups within one request, so a page of chats costs one query for its people. */
export function userLoader(ctx: RequestContext, dataSource: DataSource): DataLoader<string, User | null> {
  return scopedValue(ctx, USER_LOADER, () => {
    const loaded = loadedUsers(ctx);
    return new DataLoader<string, User | null>(async (ids) => {
      // Plain SQL: every page of messages names its senders, and the ORM's query building was a visible share of that.
      const rows = await queryRows<Pick<UserEntity, 'id' | 'displayName' | 'role' | 'createdAt' | 'email'>>(
        dataSource,
        `SELECT id, "displayName", role, "createdAt", email FROM users WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const byId = new Map(rows.map((row) => [row.id, User.from(row)]));
      return ids.map((id) => {
        const user = byId.get(id) ?? null;
        loaded.set(id, user);
        return user;
      });
    });
  });
}

/**
 * A user, at once when this request has read them already, else through the
 * loader. Resolving fifty `sender` fields without fifty promises keeps a page
 * of messages on graphql's synchronous path.
 */
export function userOf(ctx: RequestContext, dataSource: DataSource, id: string): User | null | Promise<User | null> {
  const known = loadedUsers(ctx).get(id);
  return known !== undefined ? known : userLoader(ctx, dataSource).load(id);
}

/** Reads these users in one query ahead of the fields that will ask for them (see userOf). */
export async function preloadUsers(ctx: RequestContext, dataSource: DataSource, ids: Iterable<string>): Promise<void> {
  const wanted = [...new Set(ids)];
  if (wanted.length) await userLoader(ctx, dataSource).loadMany(wanted);
}
