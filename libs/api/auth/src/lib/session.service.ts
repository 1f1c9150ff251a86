import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { unauthenticated, type PubSub, type Viewer } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import { RefreshTokenEntity } from './session.entity';

/** The live topic that tells every instance a session ended (sign-out or stolen refresh token). */
export interface AuthTopics extends Record<string, unknown> {
  sessionRevoked: { userId: string; sessionId: string };
}
export const ALL_SESSIONS = 'all';

const REFRESH_TTL_SECONDS = 30 * 24 * 3600;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface IssuedRefreshToken {
  refreshToken: string;
  sessionId: string;
  refreshExpiresAt: Date;
}

/**
 * Refresh tokens (256 random bits, stored hashed, rotated on every use; reuse
 * of a spent one revokes its whole family) and revoked sessions, whose access
 * tokens stop working at once on every instance.
 */
export class SessionService {
  /** Sessions ended while their access tokens may still be unexpired. */
  private readonly revoked = new Map<string, number>();
  /** Sessions this instance has already found standing in the database. */
  private readonly checked = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub<AuthTopics>,
  ) {
    pubsub.subscribe('sessionRevoked', ALL_SESSIONS, ({ sessionId }) => this.remember(sessionId));
  }

  async issue(userId: string, sessionId: string = randomUUID()): Promise<IssuedRefreshToken> {
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(Date.now() + REFRESH_TTL_SECONDS * 1000);
    await this.dataSource.getRepository(RefreshTokenEntity).insert({
      id: randomUUID(),
      userId,
      familyId: sessionId,
      tokenHash: hash(refreshToken),
      expiresAt: refreshExpiresAt,
    });
    return { refreshToken, sessionId, refreshExpiresAt };
  }

  /** Spends a refresh token: the user and session it continues, or UNAUTHENTICATED (and the family revoked on reuse). */
  async rotate(refreshToken: string): Promise<{ userId: string; next: IssuedRefreshToken }> {
    const [spent] = await queryRows<{ userId: string; familyId: string; expiresAt: Date; revokedAt: Date | null }>(
      this.dataSource,
      `UPDATE refresh_tokens SET "usedAt" = now()
       WHERE "tokenHash" = $1 AND "usedAt" IS NULL AND "revokedAt" IS NULL
       RETURNING "userId", "familyId", "expiresAt", "revokedAt"`,
      [hash(refreshToken)],
    );
    if (!spent) {
      const [known] = await queryRows<{ userId: string; familyId: string }>(
        this.dataSource,
        `SELECT "userId", "familyId" FROM refresh_tokens WHERE "tokenHash" = $1`,
        [hash(refreshToken)],
      );
      // A spent token used again: someone else has a copy. End the whole session.
      if (known) await this.revoke(known.userId, known.familyId);
      throw unauthenticated('This session has ended; sign in again.');
    }
    if (spent.expiresAt.getTime() <= Date.now()) throw unauthenticated('This session has expired; sign in again.');
    return { userId: spent.userId, next: await this.issue(spent.userId, spent.familyId) };
  }

  async revoke(userId: string, sessionId: string): Promise<void> {
    await queryRows(this.dataSource, `UPDATE refresh_tokens SET "revokedAt" = now() WHERE "familyId" = $1 AND "revokedAt" IS NULL`, [sessionId]);
    this.remember(sessionId);
    await this.pubsub.publish('sessionRevoked', ALL_SESSIONS, { userId, sessionId });
  }

  /**
   * Whether a verified access token's session still stands. Known revocations
   * answer at once; the database is asked once per token and instance (the
   * token cache in TokenService spares the rest), so a restart forgets nothing.
   */
  async isActive(viewer: Viewer): Promise<boolean> {
    if (!viewer.sessionId) return true;
    if (this.revoked.has(viewer.sessionId)) return false;
    if (this.checked.has(viewer.sessionId)) return true;
    const [row] = await queryRows<{ revoked: boolean }>(
      this.dataSource,
      `SELECT bool_or("revokedAt" IS NOT NULL) AS revoked FROM refresh_tokens WHERE "familyId" = $1`,
      [viewer.sessionId],
    );
    if (row?.revoked) {
      this.remember(viewer.sessionId);
      return false;
    }
    if (this.checked.size >= 50_000) this.checked.clear();
    this.checked.add(viewer.sessionId);
    return true;
  }

  isRevoked(sessionId: string | undefined): boolean {
    return Boolean(sessionId && this.revoked.has(sessionId));
  }

  private remember(sessionId: string): void {
    const now = Date.now();
    this.checked.delete(sessionId);
    // Access tokens live minutes; an hour of memory covers any of them.
    this.revoked.set(sessionId, now + 3600_000);
    if (this.revoked.size > 10_000) for (const [id, until] of this.revoked) if (until < now) this.revoked.delete(id);
  }
}
