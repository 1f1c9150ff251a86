import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Role, type Viewer } from '@parley/api/core';
import { createDataSource, runMigrations } from '@parley/api/database';
import { RefreshTokenEntity, UserEntity } from '@parley/api/auth';
import { ChatEntity, MessageEntity } from '@parley/api/chat';
import { TEAM_ENTITIES } from '../lib/team.entity';

/** For the team's integration specs: a migrated data source on a test database, and rows made directly. */
export async function openTeamDataSource(url: string, poolSize = 10): Promise<DataSource> {
  const dataSource = createDataSource({ url, entities: [UserEntity, RefreshTokenEntity, ChatEntity, MessageEntity, ...TEAM_ENTITIES], poolSize });
  await dataSource.initialize();
  await runMigrations(dataSource);
  return dataSource;
}

export async function addUser(dataSource: DataSource, role: Role, displayName = `${role.toLowerCase()} ${randomUUID().slice(0, 6)}`): Promise<Viewer> {
  const id = randomUUID();
  const email = `${id}@parley.test`;
  await dataSource.query(
    `INSERT INTO users (id, email, "emailLower", "displayName", role, "passwordHash") VALUES ($1, $2, $2, $3, $4, 'x')`,
    [id, email, displayName, role],
  );
  return { id, role, expiresAt: Math.floor(Date.now() / 1000) + 3600 };
}

/** A chat with its customer's first message; QUEUED and needing a person unless told otherwise. */
export async function addChat(
  dataSource: DataSource,
  customerId: string,
  options: { status?: 'QUEUED' | 'ACTIVE' | 'CLOSED'; agentId?: string | null; botActive?: boolean; createdAt?: Date } = {},
): Promise<string> {
  const id = randomUUID();
  await dataSource.query(
    // By default a millisecond after the newest chat at least: the column holds milliseconds, so two chats
    // made within one would tie on "createdAt", and routing breaks ties by id, not by insertion.
    `INSERT INTO chats (id, "customerId", status, "agentId", "botActive", "lastSeq", "createdAt", "updatedAt")
     SELECT $1::uuid, $2::uuid, $3::chat_status, $4::uuid, $5::boolean, 1, at, at FROM (
       SELECT COALESCE($6::timestamptz, greatest(clock_timestamp(), max("createdAt") + interval '1 millisecond')) AS at FROM chats
     ) AS next`,
    [id, customerId, options.status ?? 'QUEUED', options.agentId ?? null, options.botActive ?? false, options.createdAt ?? null],
  );
  await dataSource.query(`INSERT INTO messages (id, "chatId", seq, kind, "senderId", body) VALUES ($1, $2, 1, 'CUSTOMER', $3, 'Hello')`, [
    randomUUID(),
    id,
    customerId,
  ]);
  return id;
}

