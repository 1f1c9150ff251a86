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

/** The public user columns a joined statement selects, in this order, each as `user.<column>`. */
const JOINED_USER_COLUMNS = ['id', 'displayName', 'role', 'createdAt', 'email'] as const;

/** The public user columns a joined statement selects, named so that rememberJoinedUsers finds them in its rows. */
export function joinedUserColumns(alias: string): string {
  return JOINED_USER_COLUMNS.map((column) => `${alias}."${column}" AS "user.${column}"`).join(', ');
}

/** How many columns joinedUserColumns selects. */
export const JOINED_USER_COLUMN_COUNT = JOINED_USER_COLUMNS.length;

/** The row rememberJoinedUsers reads, from a row read as an array whose joinedUserColumns start at `offset`. */
export function joinedUserRow(values: readonly unknown[], offset: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  JOINED_USER_COLUMNS.forEach((column, i) => (row[`user.${column}`] = values[offset + i]));
  return row;
}

/**
 * Keeps the users a joined statement read (joinedUserColumns) for this
 * request, so their fields resolve without another query.
 */
export function rememberJoinedUsers(ctx: RequestContext, rows: readonly object[]): void {
  const loaded = loadedUsers(ctx);
  for (const row of rows as Array<Record<string, unknown>>) {
    const id = row['user.id'];
    if (typeof id !== 'string' || loaded.has(id)) continue;
    loaded.set(
      id,
      User.from({
        id,
        displayName: row['user.displayName'] as string,
        role: row['user.role'] as UserEntity['role'],
        createdAt: row['user.createdAt'] as Date,
        email: row['user.email'] as string,
      }),
    );
  }
}
