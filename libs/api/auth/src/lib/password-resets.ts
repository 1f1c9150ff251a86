import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '@parley/api/database';

/** How long an emailed reset link works. */
export const PASSWORD_RESET_TTL_SECONDS = 3600;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The account a reset link may be sent to: a password account, still active. */
export interface ResetAccount {
  id: string;
  email: string;
  displayName: string;
}

/**
 * The reset links' tokens: 256 random bits, stored hashed, single use, one
 * hour. Using one spends every other link of the account too.
 */
export class PasswordResets {
  constructor(private readonly dataSource: DataSource) {}

  /** The password account with this address (case-insensitive), if any and active. */
  async accountFor(email: string): Promise<ResetAccount | null> {
    const [row] = await queryRows<ResetAccount>(
      this.dataSource,
      `SELECT id, email, "displayName" FROM users WHERE "emailLower" = $1 AND "passwordHash" IS NOT NULL AND active AND email IS NOT NULL`,
      [email.trim().toLowerCase()],
    );
    return row ?? null;
  }

  /** A new link's token for the account (returned once; only its hash is kept). */
  async issue(userId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await queryRows(
      this.dataSource,
      `INSERT INTO password_reset_tokens (id, "userId", "tokenHash", "expiresAt") VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [randomUUID(), userId, hash(token), PASSWORD_RESET_TTL_SECONDS],
    );
    return token;
  }

  /** Whose password an unused, unexpired token may reset (an active password account), without spending it. */
  async peek(token: string): Promise<ResetAccount | null> {
    if (!token || token.length > 200) return null;
    const [row] = await queryRows<ResetAccount>(
      this.dataSource,
      `SELECT u.id, u.email, u."displayName" FROM password_reset_tokens t JOIN users u ON u.id = t."userId"
       WHERE t."tokenHash" = $1 AND t."usedAt" IS NULL AND t."expiresAt" > now() AND u.active AND u."passwordHash" IS NOT NULL`,
      [hash(token)],
    );
    return row ?? null;
  }

  /**
   * Inside the transaction that sets the password: spends the token and every
   * other open link of the account; false when it was spent or expired meanwhile.
   */
  async spend(manager: EntityManager, token: string, userId: string): Promise<boolean> {
    const result: unknown = await manager.query(
      `UPDATE password_reset_tokens SET "usedAt" = now() WHERE "tokenHash" = $1 AND "userId" = $2 AND "usedAt" IS NULL AND "expiresAt" > now() RETURNING id`,
      [hash(token), userId],
    );
    // TypeORM answers an UPDATE with [rows, count].
    const rows = Array.isArray(result) && Array.isArray(result[0]) ? result[0] : (result as unknown[]);
    if (!rows.length) return false;
    await manager.query(`UPDATE password_reset_tokens SET "usedAt" = now() WHERE "userId" = $1 AND "usedAt" IS NULL`, [userId]);
    return true;
  }
}
