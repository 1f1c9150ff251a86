import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { scopedValue, type RequestContext } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import type { UserEntity } from './user.entity';
import { User } from './user.type';
import { userCacheOf, type UserColumns } from './user-cache';

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
    const cache = userCacheOf(dataSource);
    return new DataLoader<string, User | null>(async (ids) => {
      // The instance's cache first: an event fanned out to many subscribers reads its sender once.
      const byId = new Map<string, User>();
      const missing: string[] = [];
      for (const id of ids) {
        const cached = cache.get(id);
        if (cached) byId.set(id, User.from(cached));
        else missing.push(id);
      }
      if (missing.length) {
        const keep = cache.reading();
        // Plain SQL: every page of messages names its senders, and the ORM's query building was a visible share of that.
        const rows = await queryRows<UserColumns>(dataSource, `SELECT id, "displayName", role, "createdAt", email FROM users WHERE id = ANY($1::uuid[])`, [missing]);
        keep(rows);
        for (const row of rows) byId.set(row.id, User.from(row));
      }
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

/** The public columns of a user, as auth reads them (User.from). */
const USER_COLUMNS = ['id', 'displayName', 'role', 'createdAt', 'email'] as const;

/**
 * The public user columns for another domain's statement that joins users as
 * `alias`, in the order userFromColumns reads them back (rows read as arrays:
 * for a wide row, pg's array rows cost less than an object per row).
 */
export function joinedUserColumns(alias: string): string {
  return USER_COLUMNS.map((column) => `${alias}."${column}"`).join(', ');
}

/** How many columns joinedUserColumns selects. */
export const JOINED_USER_COLUMN_COUNT = USER_COLUMNS.length;

/** The same columns as NULLs, for a part of a UNION that has no user. */
export function noJoinedUser(): string {
  return USER_COLUMNS.map(() => 'NULL').join(', ');
}

/** The user in a row read as an array, its joinedUserColumns from `offset` on; null when the join found none. */
export function userFromColumns(values: readonly unknown[], offset: number): User | null {
  if (values[offset] == null) return null;
  return User.from({
    id: values[offset] as string,
    displayName: values[offset + 1] as string,
    role: values[offset + 2] as UserEntity['role'],
    createdAt: values[offset + 3] as Date,
    email: values[offset + 4] as string,
  });
}

/** A user's display name, for messages that name them ("Alex joined the chat."). */
export async function displayNameOf(dataSource: DataSource, userId: string): Promise<string | null> {
  const [row] = await queryRows<{ displayName: string }>(dataSource, `SELECT "displayName" FROM users WHERE id = $1`, [userId]);
  return row?.displayName ?? null;
}

/** Keeps users a statement of the request already read, so their fields resolve without another query. */
export function rememberUsers(ctx: RequestContext, users: readonly User[]): void {
  const loaded = loadedUsers(ctx);
  for (const user of users) if (!loaded.has(user.id)) loaded.set(user.id, user);
}
