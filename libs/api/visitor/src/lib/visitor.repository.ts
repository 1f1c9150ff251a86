import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Role } from '@parley/api/core';
import { inTransaction, queryRows } from '@parley/api/database';
import type { UserEntity } from '@parley/api/auth';

type UserRow = Pick<UserEntity, 'id' | 'displayName' | 'role' | 'createdAt' | 'email'>;
const USER_RETURNING = `id, "displayName", role, "createdAt", email`;

/** What decides `User.anonymous` and `User.externalId`. */
export interface VisitorFacts {
  anonymous: boolean;
  externalId: string | null;
}

/** Every statement of the visitor domain. */
export class VisitorRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a visitor who has so far lived only in their tokens, and their
   * session, so that logout, revocation and every instance's recheck reach it
   * as any other. Their refresh token stays the signed one until next used
   * (spendSignedRefreshToken), so the session's row holds a token no one has.
   * A second call (another tab) changes nothing.
   */
  async storeVisitor(visitor: { id: string; sessionId: string; displayName: string; email: string | null }, sessionExpiresAt: Date): Promise<void> {
    // One statement, so one round trip and atomic without a transaction; the session's row sees the user's (same statement).
    await queryRows(
      this.dataSource,
      `WITH stored_user AS (
         INSERT INTO users (id, email, "displayName", role) VALUES ($2, $6, $7, '${Role.CUSTOMER}') ON CONFLICT (id) DO NOTHING
       )
       INSERT INTO refresh_tokens (id, "userId", "familyId", "tokenHash", "expiresAt", "usedAt")
       SELECT $1, $2, $3, $4, $5, now() WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE "familyId" = $3)`,
      [randomUUID(), visitor.id, visitor.sessionId, unheldTokenHash(), sessionExpiresAt, visitor.email, visitor.displayName],
    );
  }

  async findUser(id: string): Promise<UserRow | null> {
    const [row] = await queryRows<UserRow>(this.dataSource, `SELECT ${USER_RETURNING} FROM users WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** Anonymous: a CUSTOMER with neither password nor externalId (only startVisitorSession makes those). */
  async facts(ids: readonly string[]): Promise<Map<string, VisitorFacts>> {
    const rows = await queryRows<{ id: string; anonymous: boolean; externalId: string | null }>(
      this.dataSource,
      `SELECT id, (role = '${Role.CUSTOMER}' AND "passwordHash" IS NULL AND "externalId" IS NULL) AS anonymous, "externalId"
       FROM users WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, { anonymous: row.anonymous, externalId: row.externalId }]));
  }

  /**
   * Spends a visitor refresh token (a signed token, not stored while its
   * visitor was not) of a visitor stored since: recorded as used, so it works
   * once. False when it was used before.
   */
  async spendSignedRefreshToken(userId: string, sessionId: string, token: string, expiresAt: Date): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `INSERT INTO refresh_tokens (id, "userId", "familyId", "tokenHash", "expiresAt", "usedAt")
       VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT ("tokenHash") DO NOTHING RETURNING id`,
      [randomUUID(), userId, sessionId, createHash('sha256').update(token).digest('hex'), expiresAt],
    );
    return rows.length === 1;
  }

  async sessionRevoked(sessionId: string): Promise<boolean> {
    const [row] = await queryRows<{ revoked: boolean | null }>(
      this.dataSource,
      `SELECT bool_or("revokedAt" IS NOT NULL) AS revoked FROM refresh_tokens WHERE "familyId" = $1`,
      [sessionId],
    );
    return Boolean(row?.revoked);
  }

  /**
   * The customer for this externalId, created on first sight; a name or
   * email the host gives replaces the stored one (the host knows its users).
   * When `anonymousId` names a stored anonymous visitor, their chats and
   * messages move to that customer and the visitor is deleted, in the same
   * transaction; an anonymous visitor's uploads move too, stored or not. Answers the customer and the ids of the chats that moved.
   */
  async identify(
    externalId: string,
    displayName: string | null,
    email: string | null,
    anonymous: { id: string; sessionId?: string; sessionExpiresAt: Date } | null,
  ): Promise<{ user: UserRow; movedChatIds: string[] }> {
    const anonymousId = anonymous?.id ?? null;
    return inTransaction(this.dataSource, async (runner) => {
      const [user] = await queryRows<UserRow>(
        this.dataSource,
        `INSERT INTO users (id, email, "displayName", role, "externalId") VALUES ($1, $2, COALESCE($3, 'Customer'), '${Role.CUSTOMER}', $4)
         ON CONFLICT ("externalId") DO UPDATE SET email = COALESCE($2, users.email), "displayName" = COALESCE($3, users."displayName")
         RETURNING ${USER_RETURNING}`,
        [randomUUID(), email, displayName, externalId],
        runner,
      );
      let movedChatIds: string[] = [];
      if (anonymousId && anonymousId !== user.id) {
        const [anonymous] = await queryRows<{ id: string }>(
          this.dataSource,
          `SELECT id FROM users WHERE id = $1 AND role = '${Role.CUSTOMER}' AND "passwordHash" IS NULL AND "externalId" IS NULL FOR UPDATE`,
          [anonymousId],
          runner,
        );
        if (anonymous) {
          // A start retried with the same clientMessageId is idempotent per customer; a clash (never seen with
          // random ids) drops the moved chat's key rather than fail the sign-in.
          const moved = await queryRows<{ id: string }>(
            this.dataSource,
            `UPDATE chats c SET "customerId" = $2,
               "startClientMessageId" = CASE WHEN EXISTS (SELECT 1 FROM chats o WHERE o."customerId" = $2 AND o."startClientMessageId" = c."startClientMessageId")
                 THEN NULL ELSE c."startClientMessageId" END
             WHERE c."customerId" = $1 RETURNING c.id`,
            [anonymousId, user.id],
            runner,
          );
          movedChatIds = moved.map((row) => row.id);
          await queryRows(this.dataSource, `UPDATE messages SET "senderId" = $2 WHERE "senderId" = $1`, [anonymousId, user.id], runner);
          // The visitor's sessions stay on record, ended, under the customer: deleting them would make their tokens look never stored.
          await queryRows(
            this.dataSource,
            `UPDATE refresh_tokens SET "userId" = $2, "revokedAt" = COALESCE("revokedAt", now()) WHERE "userId" = $1`,
            [anonymousId, user.id],
            runner,
          );
          await queryRows(this.dataSource, `DELETE FROM users WHERE id = $1`, [anonymousId], runner);
        }
      }
      if (anonymousId && anonymousId !== user.id) {
        // Their files go with them, stored or not (an upload names its uploader by the token's id, with no key): an
        // unsent one stays theirs to send, a sent one counts in their day's quota.
        await queryRows(this.dataSource, `UPDATE attachments SET "uploaderId" = $2 WHERE "uploaderId" = $1`, [anonymousId, user.id], runner);
      }
      if (anonymous?.sessionId && anonymous.id !== user.id) {
        // A visitor never stored has no session on record: one is kept, ended, so their tokens stop on every instance.
        await queryRows(
          this.dataSource,
          `INSERT INTO refresh_tokens (id, "userId", "familyId", "tokenHash", "expiresAt", "usedAt", "revokedAt")
           SELECT $1, $2, $3, $4, $5, now(), now() WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE "familyId" = $3)`,
          [randomUUID(), user.id, anonymous.sessionId, unheldTokenHash(), anonymous.sessionExpiresAt],
          runner,
        );
      }
      return { user, movedChatIds };
    });
  }

  /** The widget's pre-chat settings; both off while no admin has set them. */
  async widgetSettings(): Promise<{ askName: boolean; askEmail: boolean }> {
    const rows = await queryRows<{ askName: boolean; askEmail: boolean }>(this.dataSource, `SELECT "askName", "askEmail" FROM widget_settings WHERE id = 1`, []);
    return rows[0] ?? { askName: false, askEmail: false };
  }

  /** Sets the fields given (null: unchanged) in one statement, creating the row the first time. */
  async updateWidgetSettings(askName: boolean | null, askEmail: boolean | null): Promise<{ askName: boolean; askEmail: boolean }> {
    const rows = await queryRows<{ askName: boolean; askEmail: boolean }>(
      this.dataSource,
      `INSERT INTO widget_settings (id, "askName", "askEmail") VALUES (1, COALESCE($1, false), COALESCE($2, false))
       ON CONFLICT (id) DO UPDATE SET "askName" = COALESCE($1, widget_settings."askName"), "askEmail" = COALESCE($2, widget_settings."askEmail"), "updatedAt" = now()
       RETURNING "askName", "askEmail"`,
      [askName, askEmail],
    );
    return rows[0];
  }
}

/** The hash of a token no one holds: a session's row whose own refresh token lives elsewhere (signed). */
const unheldTokenHash = () => createHash('sha256').update(randomBytes(32)).digest('hex');
