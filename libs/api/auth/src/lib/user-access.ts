import type { DataSource, EntityManager } from 'typeorm';
import type { PubSub, Role, Viewer } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import { ALL_SESSIONS, type AuthTopics } from './session.service';

/** What decides whether a user's tokens still work: read from `users`, cached per instance. */
interface Standing {
  active: boolean;
  accessVersion: number;
  role: Role;
}

interface Cached {
  /** null: no such user (deleted). */
  standing: Standing | null;
  /** When a token of this user was last checked here; users unseen for an hour are forgotten. */
  seenAt: number;
}

/** Tokens issued before access versions existed carry none; every user started at 1. */
const FIRST_VERSION = 1;

/**
 * Whether a user may still use their tokens: the account exists, is active,
 * and has the role and access version the token was issued with. Each
 * instance caches what it has read; a change made here (revokeAccess) applies
 * at once, other instances hear of it by pubsub at once and, should that
 * message be lost, by re-reading the users they know every few seconds.
 */
export class UserAccess {
  private readonly known = new Map<string, Cached>();
  private readonly listeners = new Set<(userId: string) => void>();
  private readonly stopListening: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub<AuthTopics>,
    /** Users whose tokens were not seen for this long are forgotten: at least an access token's lifetime. */
    private readonly forgetAfterMs = 3600_000,
  ) {
    this.stopListening = pubsub.subscribe('accessRevoked', ALL_SESSIONS, ({ userId }) => void this.reload([userId]));
  }

  /** Whether the viewer's token still stands for its user (reads the user once per instance). */
  async allows(viewer: Viewer): Promise<boolean> {
    let cached = this.known.get(viewer.id);
    if (!cached) {
      await this.reload([viewer.id], false);
      cached = this.known.get(viewer.id);
    }
    if (cached) cached.seenAt = Date.now();
    return permits(cached?.standing ?? null, viewer);
  }

  /** The same answer from what this instance already knows (for open sockets, when a change is heard). */
  allowsNow(viewer: Viewer): boolean {
    const cached = this.known.get(viewer.id);
    return cached ? permits(cached.standing, viewer) : true;
  }

  /** Listens for users whose access may have changed; returns the way to stop. */
  onChange(listener: (userId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Ends every access token and session of a user at once, on every instance:
   * their access version is raised and their refresh tokens revoked. Call it
   * after anything that takes access away (deactivation, a role change).
   */
  async revoke(userId: string, change: { active?: boolean } = {}, alsoInTransaction?: (manager: EntityManager) => Promise<void>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // What else must happen with it or not at all (a password reset spends its token and sets the password).
      await alsoInTransaction?.(manager);
      await manager.query(
        `UPDATE users SET "accessVersion" = "accessVersion" + 1, active = COALESCE($2, active) WHERE id = $1`,
        [userId, change.active ?? null],
      );
      await manager.query(`UPDATE refresh_tokens SET "revokedAt" = now() WHERE "userId" = $1 AND "revokedAt" IS NULL`, [userId]);
    });
    await this.reload([userId], false);
    for (const listener of this.listeners) listener(userId);
    await this.pubsub.publish('accessRevoked', ALL_SESSIONS, { userId });
  }

  /** Re-reads every user this instance knows; tells listeners of those whose access changed. */
  async recheck(): Promise<void> {
    const now = Date.now();
    for (const [id, cached] of this.known) if (now - cached.seenAt > this.forgetAfterMs) this.known.delete(id);
    if (this.known.size) await this.reload([...this.known.keys()]);
  }

  private async reload(ids: string[], notify = true): Promise<void> {
    const rows = await queryRows<Standing & { id: string }>(
      this.dataSource,
      `SELECT id, active, "accessVersion", role FROM users WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const id of ids) {
      const before = this.known.get(id);
      const row = byId.get(id);
      const standing = row ? { active: row.active, accessVersion: row.accessVersion, role: row.role } : null;
      this.known.set(id, { standing, seenAt: before?.seenAt ?? Date.now() });
      if (notify && before && !sameStanding(before.standing, standing)) for (const listener of this.listeners) listener(id);
    }
  }

  stop(): void {
    this.stopListening();
  }
}

function permits(standing: Standing | null, viewer: Viewer): boolean {
  return Boolean(
    standing && standing.active && standing.role === viewer.role && standing.accessVersion === (viewer.accessVersion ?? FIRST_VERSION),
  );
}

function sameStanding(a: Standing | null, b: Standing | null): boolean {
  return a === b || (a !== null && b !== null && a.active === b.active && a.accessVersion === b.accessVersion && a.role === b.role);
}
