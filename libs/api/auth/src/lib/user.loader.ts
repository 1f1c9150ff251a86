import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { scopedValue, type RequestContext } from '@parley/api/core';
import { UserEntity } from './user.entity';
import { User } from './user.type';

const USER_LOADER = Symbol('userLoader');

/** Batches user look-ups within one request, so a page of chats costs one query for its people. */
export function userLoader(ctx: RequestContext, dataSource: DataSource): DataLoader<string, User | null> {
  return scopedValue(
    ctx,
    USER_LOADER,
    () =>
      new DataLoader<string, User | null>(async (ids) => {
        const rows = await dataSource.getRepository(UserEntity).findBy({ id: In([...ids]) });
        const byId = new Map(rows.map((row) => [row.id, User.from(row)]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
  );
}
