import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { Role, unauthenticated, type PubSub, type Viewer } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import { RefreshTokenEntity } from './session.entity';

/** The live topic that tells every instance a session ended (sign-out or stolen refresh token). */
export interface AuthTopics extends Record<string, unknown> {
  sessionRevoked: { userId: string; sessionId: string };
  /** Every token and session of a user ended (UserAccess.revoke): instances re-read the user. */
  accessRevoked: { userId: string };
  /** A user's public columns changed (UserCache.changed): instances forget what they kept of them. */
  userChanged: { userId: string };
}
export const ALL_SESSIONS = 'all';

export type SessionStanding = 'stored' | 'unstored' | 'ended';

const REFRESH_TTL_SECONDS = 30 * 24 * 3600;
/** How long a refresh whose answer was lost (its page unloaded) may be repeated; see rotate. */
export const RETRY_LOST_ANSWER_SECONDS = 30;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface IssuedRefreshToken {
  refreshToken: string;
  sessionId: string;
  refreshExpiresAt: Date;
}

/**
 * Refresh tokens (256 random bits, stored hashed, rotated on every use; reuse
 * of a spent one revokes its whole family, but for a lost answer's retry) and revoked sessions, whose access
 * tokens stop working at once on every instance.
 */
export class SessionService {
  /** Sessions ended while their access tokens may still be unexpired. */
  private readonly revoked = new Map<string, number>();
  /**
   * Sessions this instance has let in: their user, when last asked about, and
   * whether the database did not hold them yet (a visitor's before their first chat).
   */
  private readonly checked = new Map<string, { userId: string; seenAt: number; unstored: boolean }>();
  private readonly listeners = new Set<(userId: string) => void>();
  private readonly stopListening: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub<AuthTopics>,
    /** Sessions not asked about for this long are forgotten: at least an access token's lifetime. */
    private readonly forgetAfterMs = 3600_000,
  ) {
    this.stopListening = pubsub.subscribe('sessionRevoked', ALL_SESSIONS, ({ userId, sessionId }) => this.ended(userId, sessionId));
  }

  /** Listens for users one of whose sessions ended; returns the way to stop. */
  onChange(listener: (userId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks the database which of the sessions this instance knows have ended
   * since, so a revocation whose pubsub message never arrived still applies;
   * sessions stored since (a visitor's first chat) are from then on held to
   * the database like any other.
   */
  async recheck(): Promise<void> {
    const now = Date.now();
    for (const [id, known] of this.checked) if (now - known.seenAt > this.forgetAfterMs) this.checked.delete(id);
    if (!this.checked.size) return;
    const rows = await queryRows<{ familyId: string; revoked: boolean }>(
      this.dataSource,
      `SELECT "familyId", bool_or("revokedAt" IS NOT NULL) AS revoked FROM refresh_tokens WHERE "familyId" = ANY($1::uuid[]) GROUP BY "familyId"`,
      [[...this.checked.keys()]],
    );
    for (const { familyId, revoked } of rows) {
      const known = this.checked.get(familyId);
      if (!known) continue;
      if (revoked) this.ended(known.userId, familyId);
      else known.unstored = false;
    }
  }

  /** A visitor's session begun here under a new id, so the database holds nothing of it yet: its first token stands without asking. */
  begun(userId: string, sessionId: string): void {
    this.checked.set(sessionId, { userId, seenAt: Date.now(), unstored: true });
  }

  /** A session the database holds from now on (a visitor stored at their first chat), known here at once. */
  stored(sessionId: string): void {
    const known = this.checked.get(sessionId);
    if (known) known.unstored = false;
  }

  stop(): void {
    this.stopListening();
  }

  private ended(userId: string, sessionId: string): void {
    this.remember(sessionId);
    for (const listener of this.listeners) listener(userId);
  }

  async issue(userId: string, sessionId: string = randomUUID(), runner?: QueryRunner): Promise<IssuedRefreshToken> {
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(Date.now() + REFRESH_TTL_SECONDS * 1000);
    await (runner?.manager ?? this.dataSource.manager).getRepository(RefreshTokenEntity).insert({
      id: randomUUID(),
      userId,
      familyId: sessionId,
      tokenHash: hash(refreshToken),
      expiresAt: refreshExpiresAt,
    });
    return { refreshToken, sessionId, refreshExpiresAt };
  }

  /**
   * Spends a refresh token: the user and session it continues, or
   * UNAUTHENTICATED (and the family revoked on reuse). One exception to reuse:
   * a refresh whose answer never reached its page (the page unloaded while it
   * was on its way) may be repeated within RETRY_LOST_ANSWER_SECONDS, as long
   * as the token it produced has not been used; that token is withdrawn, and
   * presenting it later counts as reuse. A thief who replays a token first
   * therefore gains nothing the holder's next refresh does not revoke.
   */
  async rotate(refreshToken: string): Promise<{ userId: string; next: IssuedRefreshToken }> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const runner = manager.queryRunner;
      if (!runner) throw new Error('A transaction without its query runner');
      const [token] = await queryRows<{ id: string; userId: string; familyId: string; expiresAt: Date; retryable: boolean; spent: boolean; revoked: boolean }>(
        this.dataSource,
        `SELECT t.id, t."userId", t."familyId", t."expiresAt", t."usedAt" IS NOT NULL AS spent, t."revokedAt" IS NOT NULL AS revoked,
                t."usedAt" > now() - make_interval(secs => $2)
                  AND NOT EXISTS (SELECT 1 FROM refresh_tokens n WHERE n."familyId" = t."familyId" AND n."usedAt" > t."usedAt") AS retryable
         FROM refresh_tokens t WHERE t."tokenHash" = $1 FOR UPDATE`,
        [hash(refreshToken), RETRY_LOST_ANSWER_SECONDS],
        runner,
      );
      if (!token) return { kind: 'unknown' as const };
      if (token.revoked || (token.spent && !token.retryable)) return { kind: 'reused' as const, userId: token.userId, familyId: token.familyId };
      if (token.expiresAt.getTime() <= Date.now()) return { kind: 'expired' as const };
      if (token.spent) {
        // the answer was lost: withdraw what it carried, spent a moment before this token so that it never qualifies here
        await queryRows(
          this.dataSource,
          `UPDATE refresh_tokens SET "usedAt" = u."usedAt" - interval '1 millisecond'
           FROM (SELECT "usedAt" FROM refresh_tokens WHERE id = $1) u
           WHERE "familyId" = $2 AND refresh_tokens."usedAt" IS NULL AND "revokedAt" IS NULL`,
          [token.id, token.familyId],
          runner,
        );
      } else {
        await queryRows(this.dataSource, `UPDATE refresh_tokens SET "usedAt" = now() WHERE id = $1`, [token.id], runner);
      }
      return { kind: 'rotated' as const, userId: token.userId, next: await this.issue(token.userId, token.familyId, runner) };
    });
    switch (outcome.kind) {
      case 'rotated':
        return { userId: outcome.userId, next: outcome.next };
      case 'expired':
        throw unauthenticated('This session has expired; sign in again.');
      case 'reused':
        // A spent token used again: someone else has a copy. End the whole session.
        await this.revoke(outcome.userId, outcome.familyId);
        throw unauthenticated('This session has ended; sign in again.');
      default:
        throw unauthenticated('This session has ended; sign in again.');
    }
  }

  async revoke(userId: string, sessionId: string): Promise<void> {
    await queryRows(this.dataSource, `UPDATE refresh_tokens SET "revokedAt" = now() WHERE "familyId" = $1 AND "revokedAt" IS NULL`, [sessionId]);
    this.ended(userId, sessionId);
    await this.pubsub.publish('sessionRevoked', ALL_SESSIONS, { userId, sessionId });
  }

  /**
   * Where a verified access token's session stands: 'stored' (the database
   * holds it, not ended), 'unstored' (not held, and the token is a visitor's
   * who has not written yet: Viewer.unstored) or 'ended'. Known revocations
   * answer at once; the database is asked once per session and instance (and
   * re-asked by recheck), so a restart forgets nothing. A session the database
   * does not hold does not stand unless its token says it was never stored.
   */
  async standing(viewer: Viewer): Promise<SessionStanding> {
    if (!viewer.sessionId) return 'stored';
    if (this.revoked.has(viewer.sessionId)) return 'ended';
    const known = this.checked.get(viewer.sessionId);
    if (known) {
      known.seenAt = Date.now();
      return known.unstored ? 'unstored' : 'stored';
    }
    const [row] = await queryRows<{ revoked: boolean | null }>(
      this.dataSource,
      `SELECT bool_or("revokedAt" IS NOT NULL) AS revoked FROM refresh_tokens WHERE "familyId" = $1`,
      [viewer.sessionId],
    );
    const unstored = row?.revoked == null && Boolean(viewer.unstored) && viewer.role === Role.CUSTOMER;
    if (!unstored && row?.revoked !== false) {
      this.remember(viewer.sessionId);
      return 'ended';
    }
    this.checked.set(viewer.sessionId, { userId: viewer.id, seenAt: Date.now(), unstored });
    return unstored ? 'unstored' : 'stored';
  }

  isRevoked(sessionId: string | undefined): boolean {
    return Boolean(sessionId && this.revoked.has(sessionId));
  }

  private remember(sessionId: string): void {
    const now = Date.now();
    this.checked.delete(sessionId);
    // Longer than any access token of the session lives.
    this.revoked.set(sessionId, now + this.forgetAfterMs);
    if (this.revoked.size > 10_000) for (const [id, until] of this.revoked) if (until < now) this.revoked.delete(id);
  }
}
