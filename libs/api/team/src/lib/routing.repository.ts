import type { DataSource, QueryRunner } from 'typeorm';
import { queryRows } from '@parley/api/database';

/** The advisory lock key of picking waiting chats (any fixed number; no other part of Parley uses advisory locks on it). */
const PICKING_LOCK = 7_305_170_001;

export interface Candidate {
  userId: string;
  displayName: string;
  maxChats: number;
  active: number;
  lastAssignedAt: Date | null;
}

/**
 * assignmentReason of the chat `c` (a chats row) and its chat_assignments row
 * `a` (left-joined): the stored reason, else "accepted" for a chat taken from
 * the queue by hand; null while QUEUED. Also in ChatFieldsRepository's read.
 */
export const ASSIGNMENT_REASON = `CASE WHEN c."agentId" IS NULL OR c.status = 'QUEUED' THEN NULL ELSE COALESCE(a.reason, 'accepted') END`;

/**
 * The SQL of routing: the team's counts, locks and reasons. The chat's own
 * change (status, agent, SYSTEM message) is the chat domain's transition helper's.
 */
export class RoutingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Makes this transaction the only one picking waiting chats until it ends
   * (every router, every instance): a transaction-level advisory lock, taken
   * before the candidates' profiles. Once it holds it, any lock it waits for
   * (a profile, a waiting chat's row) fails after `lockTimeoutMs` (SET LOCAL
   * lock_timeout): a transaction left open on a row stalls routing that long,
   * not for good. Waiting for the picking lock itself is not bounded.
   */
  async lockPicking(runner: QueryRunner, lockTimeoutMs: number): Promise<void> {
    await queryRows(
      this.dataSource,
      // The subquery's lock first, then the setting (for the rest of the transaction only).
      `SELECT set_config('lock_timeout', $2, true) FROM (SELECT pg_advisory_xact_lock($1::bigint)) AS picking`,
      [PICKING_LOCK, `${Math.max(1, Math.round(lockTimeoutMs))}ms`],
      runner,
    );
  }

  /**
   * The `limit` oldest chats waiting for a person, oldest first, locked until
   * commit, each with the agent it was last released from, if it was.
   * No SKIP LOCKED: a row another transaction holds (a message being sent,
   * an accept by hand) is waited for, not passed over, so a later chat never
   * goes ahead of an older one that still waits. A row that stopped waiting
   * meanwhile (accepted, bot back) is left out once its lock is granted, and
   * the next one comes in its place ("createdAt" never changes, so the order holds).
   */
  lockOldestWaiting(runner: QueryRunner, limit = 1): Promise<Array<{ id: string; releasedFrom: string | null }>> {
    return queryRows<{ id: string; releasedFrom: string | null }>(
      this.dataSource,
      `SELECT c.id, r."agentId" AS "releasedFrom" FROM chats c LEFT JOIN chat_releases r ON r."chatId" = c.id
       WHERE c.status = 'QUEUED' AND NOT c."botActive" ORDER BY c."createdAt", c.id LIMIT $1 FOR UPDATE OF c`,
      [limit],
      runner,
    );
  }

  /**
   * Locks the candidates' profiles (in one order everywhere, so routers never
   * deadlock), then counts their ACTIVE chats in a new statement: its snapshot
   * starts after the locks are held, so it sees every assignment committed by
   * whoever held them before. Fewest first, then longest since the last assignment.
   */
  async lockAndCount(runner: QueryRunner, userIds: readonly string[]): Promise<Candidate[]> {
    await queryRows(
      this.dataSource,
      `SELECT "userId" FROM agent_profiles WHERE "userId" = ANY($1::uuid[]) ORDER BY "userId" FOR UPDATE`,
      [userIds],
      runner,
    );
    const rows = await queryRows<Omit<Candidate, 'active'> & { active: string }>(
      this.dataSource,
      `SELECT p."userId", u."displayName", p."maxChats", p."lastAssignedAt",
         (SELECT count(*) FROM chats c WHERE c."agentId" = p."userId" AND c.status = 'ACTIVE') AS active
       FROM agent_profiles p JOIN users u ON u.id = p."userId"
       WHERE p."userId" = ANY($1::uuid[]) AND p.availability = 'ONLINE' AND u.role IN ('AGENT', 'ADMIN') AND u.active`,
      [userIds],
      runner,
    );
    return rows
      .map((row) => ({ ...row, active: Number(row.active) }))
      .sort(
        (x, y) =>
          x.active - y.active ||
          (x.lastAssignedAt?.getTime() ?? -Infinity) - (y.lastAssignedAt?.getTime() ?? -Infinity) ||
          (x.userId < y.userId ? -1 : 1),
      );
  }

  /**
   * Locks one agent's profile: what auto-assignment locks before it counts
   * their ACTIVE chats, so any other assignment to them (accepting, a
   * transfer) waits for it or is counted by it. No row: never a candidate.
   */
  async lockProfile(runner: QueryRunner, agentId: string): Promise<void> {
    await queryRows(this.dataSource, `SELECT "userId" FROM agent_profiles WHERE "userId" = $1 FOR UPDATE`, [agentId], runner);
  }

  /** Why the agent has the chat, and when they were last given one (ties in auto-assignment). */
  async recordAssignment(runner: QueryRunner, chatId: string, agentId: string, reason: string): Promise<void> {
    await queryRows(
      this.dataSource,
      // The moment of the decision (not the transaction's start): assignments are ordered as they were decided, under the locks.
      `INSERT INTO chat_assignments ("chatId", reason, "assignedAt") VALUES ($1, $2, clock_timestamp())
       ON CONFLICT ("chatId") DO UPDATE SET reason = EXCLUDED.reason, "assignedAt" = EXCLUDED."assignedAt"`,
      [chatId, reason],
      runner,
    );
    await queryRows(this.dataSource, `UPDATE agent_profiles SET "lastAssignedAt" = clock_timestamp() WHERE "userId" = $1`, [agentId], runner);
    await queryRows(this.dataSource, `DELETE FROM chat_releases WHERE "chatId" = $1`, [chatId], runner);
  }

  /**
   * recordAssignment for a batch of assignments, in one statement for all of
   * them. The times are a millisecond apart in the order the batch decided
   * (the columns hold milliseconds), after every earlier assignment: ties in
   * later routing still go to whoever was assigned longest ago.
   */
  async recordAssignments(runner: QueryRunner, assignments: ReadonlyArray<{ chatId: string; agentId: string; reason: string }>): Promise<void> {
    if (!assignments.length) return;
    const chatIds = assignments.map((a) => a.chatId);
    // Each agent at the time of their last assignment in the batch.
    const lastOf = new Map<string, number>();
    assignments.forEach((a, i) => lastOf.set(a.agentId, i));
    await queryRows(
      this.dataSource,
      // The CTEs share one snapshot: the base is read before the profiles' update, as it was decided.
      `WITH base AS (
         SELECT greatest(clock_timestamp(), max("lastAssignedAt") + interval '1 millisecond') AS at FROM agent_profiles
       ), reasons AS (
         INSERT INTO chat_assignments ("chatId", reason, "assignedAt")
         SELECT a."chatId", a.reason, base.at + (a.n - 1) * interval '1 millisecond'
         FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS a("chatId", reason, n), base
         ON CONFLICT ("chatId") DO UPDATE SET reason = EXCLUDED.reason, "assignedAt" = EXCLUDED."assignedAt"
       ), profiles AS (
         UPDATE agent_profiles p SET "lastAssignedAt" = base.at + a.i * interval '1 millisecond'
         FROM unnest($3::uuid[], $4::int[]) AS a("userId", i), base WHERE p."userId" = a."userId"
       ), releases AS (
         DELETE FROM chat_releases WHERE "chatId" = ANY($1::uuid[])
       )
       SELECT 1`,
      [chatIds, assignments.map((a) => a.reason), [...lastOf.keys()], [...lastOf.values()]],
      runner,
    );
  }

  /** The chat has no agent any more: no reason either. */
  async clearAssignment(runner: QueryRunner, chatId: string): Promise<void> {
    await queryRows(this.dataSource, `DELETE FROM chat_assignments WHERE "chatId" = $1`, [chatId], runner);
  }

  /** The chat went back to the queue from this agent (releaseChat): remembered until it is next assigned. */
  async recordRelease(runner: QueryRunner, chatId: string, agentId: string): Promise<void> {
    await queryRows(
      this.dataSource,
      `INSERT INTO chat_releases ("chatId", "agentId", "releasedAt") VALUES ($1, $2, clock_timestamp())
       ON CONFLICT ("chatId") DO UPDATE SET "agentId" = EXCLUDED."agentId", "releasedAt" = EXCLUDED."releasedAt"`,
      [chatId, agentId],
      runner,
    );
  }

  /** The agent's ACTIVE chats, locked, oldest first. */
  async lockActiveChatsOf(runner: QueryRunner, agentId: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `SELECT id FROM chats WHERE "agentId" = $1 AND status = 'ACTIVE' ORDER BY "createdAt", id FOR UPDATE`,
      [agentId],
      runner,
    );
    return rows.map((row) => row.id);
  }

  async displayName(userId: string): Promise<string> {
    const [row] = await queryRows<{ displayName: string }>(this.dataSource, `SELECT "displayName" FROM users WHERE id = $1`, [userId]);
    return row?.displayName ?? 'Your agent';
  }

  /** Whether any chat waits for a person. */
  async anyWaiting(): Promise<boolean> {
    const rows = await queryRows(this.dataSource, `SELECT 1 FROM chats WHERE status = 'QUEUED' AND NOT "botActive" LIMIT 1`);
    return rows.length > 0;
  }

  /** Why each chat's agent has it: the stored reason, else "accepted" for a chat taken from the queue by hand; null while QUEUED. */
  async assignmentReasons(chatIds: readonly string[]): Promise<Map<string, string | null>> {
    const rows = await queryRows<{ id: string; reason: string | null }>(
      this.dataSource,
      `SELECT c.id, ${ASSIGNMENT_REASON} AS reason
       FROM chats c LEFT JOIN chat_assignments a ON a."chatId" = c.id WHERE c.id = ANY($1::uuid[])`,
      [chatIds],
    );
    return new Map(rows.map((row) => [row.id, row.reason]));
  }
}
