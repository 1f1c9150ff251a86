import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { scopedValue, type RequestContext } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import type { UserEntity } from './user.entity';
import { User } from './user.type';

const USER_LOADER = Symbol('userLoader');

/** Batches user look-ups within one request, so a page of chats costs one query for its people. */
export function userLoader(ctx: RequestContext, dataSource: DataSource): DataLoader<string, User | null> {
  return scopedValue(
    ctx,
    USER_LOADER,
    () =>
      new DataLoader<string, User | null>(async (ids) => {
        // Plain SQL: every page of messages names its senders, and the ORM's query building was a visible share of that.
        const rows = await queryRows<Pick<UserEntity, 'id' | 'displayName' | 'role' | 'createdAt' | 'email'>>(
          dataSource,
          `SELECT id, "displayName", role, "createdAt", email FROM users WHERE id = ANY($1::uuid[])`,
          [ids],
        );
        const byId = new Map(rows.map((row) => [row.id, User.from(row)]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
  );
}
