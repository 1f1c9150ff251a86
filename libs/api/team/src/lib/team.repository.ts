import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { queryRows } from '@parley/api/database';
import {
  Availability,
  RoutingMode,
  TEAM_LIMITS,
  type AgentProfileRow,
  type BusinessHours,
  type CannedReplyRow,
  type OpeningSpan,
  type TeamSettingsRow,
} from './team.type';

const CANNED_COLUMNS = `id, shortcut, body, "createdAt", "updatedAt"`;

/** Every SQL statement of the team's own tables (profiles, settings, canned replies, labels). */
export class TeamRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ---------------------------------------------------------------- profiles

  /** Profiles of these users; users without a row get the defaults. Staff only: customers have none. */
  async profiles(userIds: readonly string[]): Promise<Map<string, AgentProfileRow>> {
    const rows = await queryRows<AgentProfileRow>(
      this.dataSource,
      `SELECT u.id AS "userId", COALESCE(p.availability, 'OFFLINE') AS availability,
         COALESCE(p."maxChats", ${TEAM_LIMITS.maxChatsDefault}) AS "maxChats", p."lastAssignedAt"
       FROM users u LEFT JOIN agent_profiles p ON p."userId" = u.id
       WHERE u.id = ANY($1::uuid[]) AND u.role IN ('AGENT', 'ADMIN')`,
      [userIds],
    );
    return new Map(rows.map((row) => [row.userId, row]));
  }

  /** The user's role, or null when there is no such user. */
  async roleOf(userId: string): Promise<string | null> {
    const [row] = await queryRows<{ role: string }>(this.dataSource, `SELECT role FROM users WHERE id = $1`, [userId]);
    return row?.role ?? null;
  }

  /** Sets what the user chose; returns what they had chosen before. */
  async setAvailability(userId: string, availability: Availability): Promise<Availability> {
    const [row] = await queryRows<{ before: Availability }>(
      this.dataSource,
      `WITH before AS (SELECT availability FROM agent_profiles WHERE "userId" = $1)
       INSERT INTO agent_profiles ("userId", availability) VALUES ($1, $2)
       ON CONFLICT ("userId") DO UPDATE SET availability = EXCLUDED.availability, "updatedAt" = now()
       RETURNING COALESCE((SELECT availability FROM before), 'OFFLINE') AS before`,
      [userId, availability],
    );
    return row.before;
  }

  async setMaxChats(userId: string, maxChats: number): Promise<void> {
    await queryRows(
      this.dataSource,
      `INSERT INTO agent_profiles ("userId", "maxChats") VALUES ($1, $2)
       ON CONFLICT ("userId") DO UPDATE SET "maxChats" = EXCLUDED."maxChats", "updatedAt" = now()`,
      [userId, maxChats],
    );
  }

  /**
   * Records a presence edge: true when `present` differs from what was last
   * recorded (the row is locked, so of two instances seeing the same edge one wins).
   */
  async recordPresence(userId: string, present: boolean): Promise<{ changed: boolean; availability: Availability }> {
    // No row back when nothing changed: the conflict's update is skipped (no write at every heartbeat).
    const [row] = await queryRows<{ availability: Availability; inserted: boolean }>(
      this.dataSource,
      `INSERT INTO agent_profiles ("userId", present) VALUES ($1, $2)
       ON CONFLICT ("userId") DO UPDATE SET present = EXCLUDED.present WHERE agent_profiles.present IS DISTINCT FROM EXCLUDED.present
       RETURNING availability, (xmax = 0) AS inserted`,
      [userId, present],
    );
    if (!row) return { changed: false, availability: Availability.OFFLINE };
    // A new row starts absent: inserting "absent" changes nothing.
    return { changed: !(row.inserted && !present), availability: row.availability };
  }

  /** Users recorded present: the ones whose presence checks must go on. */
  async presentUserIds(): Promise<string[]> {
    const rows = await queryRows<{ userId: string }>(this.dataSource, `SELECT "userId" FROM agent_profiles WHERE present`);
    return rows.map((row) => row.userId);
  }

  /** Agents and admins who chose ONLINE (whether they have a socket is presence's to say). */
  async onlineStaff(): Promise<string[]> {
    const rows = await queryRows<{ userId: string }>(
      this.dataSource,
      `SELECT p."userId" FROM agent_profiles p JOIN users u ON u.id = p."userId"
       WHERE p.availability = 'ONLINE' AND u.role IN ('AGENT', 'ADMIN') AND u.active`,
    );
    return rows.map((row) => row.userId);
  }

  /** Agents and admins by display name. */
  async staff(): Promise<Array<{ id: string; displayName: string }>> {
    return queryRows(this.dataSource, `SELECT id, "displayName" FROM users WHERE role IN ('AGENT', 'ADMIN') ORDER BY lower("displayName"), id`);
  }

  // ---------------------------------------------------------------- settings

  async settings(runner?: QueryRunner): Promise<TeamSettingsRow> {
    const [row] = await queryRows<{ routing: RoutingMode; timeZone: string; weeklyHours: OpeningSpan[] }>(
      this.dataSource,
      `SELECT routing, "timeZone", "weeklyHours" FROM team_settings WHERE id = 1`,
      [],
      runner,
    );
    return {
      routing: row?.routing ?? RoutingMode.MANUAL,
      businessHours: { timeZone: row?.timeZone ?? 'UTC', weekly: row?.weeklyHours ?? [] },
    };
  }

  async setRouting(routing: RoutingMode): Promise<void> {
    await queryRows(
      this.dataSource,
      `INSERT INTO team_settings (id, routing) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET routing = EXCLUDED.routing, "updatedAt" = now()`,
      [routing],
    );
  }

  async setBusinessHours(hours: BusinessHours): Promise<void> {
    await queryRows(
      this.dataSource,
      `INSERT INTO team_settings (id, "timeZone", "weeklyHours") VALUES (1, $1, $2::jsonb)
       ON CONFLICT (id) DO UPDATE SET "timeZone" = EXCLUDED."timeZone", "weeklyHours" = EXCLUDED."weeklyHours", "updatedAt" = now()`,
      [hours.timeZone, JSON.stringify(hours.weekly)],
    );
  }

  // ---------------------------------------------------------------- canned replies

  /** Inserts; null when the shortcut is taken (whatever its case). */
  async createCanned(shortcut: string, body: string): Promise<CannedReplyRow | null> {
    const [row] = await queryRows<CannedReplyRow>(
      this.dataSource,
      `INSERT INTO canned_replies (id, shortcut, "shortcutLower", body) VALUES ($1, $2, lower($2), $3)
       ON CONFLICT ("shortcutLower") DO NOTHING RETURNING ${CANNED_COLUMNS}`,
      [randomUUID(), shortcut, body],
    );
    return row ?? null;
  }

  /** Updates; 'missing' when there is no such reply (a taken shortcut surfaces as a unique violation). */
  async updateCanned(id: string, shortcut: string, body: string): Promise<CannedReplyRow | 'missing'> {
    const [row] = await queryRows<CannedReplyRow>(
      this.dataSource,
      `UPDATE canned_replies SET shortcut = $2, "shortcutLower" = lower($2), body = $3, "updatedAt" = now()
       WHERE id = $1 RETURNING ${CANNED_COLUMNS}`,
      [id, shortcut, body],
    );
    return row ?? 'missing';
  }

  async deleteCanned(id: string): Promise<boolean> {
    const rows = await queryRows(this.dataSource, `DELETE FROM canned_replies WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /**
   * Every reply, by shortcut; with `search`, only those whose shortcut or body
   * contain it (case-insensitively): shortcuts starting with it first, then
   * shortcuts containing it, then bodies.
   */
  async cannedReplies(search: string | null): Promise<CannedReplyRow[]> {
    if (!search) return queryRows(this.dataSource, `SELECT ${CANNED_COLUMNS} FROM canned_replies ORDER BY "shortcutLower"`);
    const pattern = search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    return queryRows(
      this.dataSource,
      `SELECT ${CANNED_COLUMNS} FROM canned_replies
       WHERE "shortcutLower" LIKE '%' || $1 || '%' OR lower(body) LIKE '%' || $1 || '%'
       ORDER BY CASE WHEN "shortcutLower" LIKE $1 || '%' THEN 0 WHEN "shortcutLower" LIKE '%' || $1 || '%' THEN 1 ELSE 2 END,
         "shortcutLower"
       LIMIT 200`,
      [pattern],
    );
  }

  // ---------------------------------------------------------------- labels

  /** Replaces a chat's labels under the chat's row lock; false when there is no such chat. */
  async replaceLabels(runner: QueryRunner, chatId: string, labels: readonly string[]): Promise<boolean> {
    const [chat] = await queryRows(this.dataSource, `SELECT id FROM chats WHERE id = $1 FOR UPDATE`, [chatId], runner);
    if (!chat) return false;
    await queryRows(this.dataSource, `DELETE FROM chat_labels WHERE "chatId" = $1`, [chatId], runner);
    if (labels.length) {
      await queryRows(
        this.dataSource,
        `INSERT INTO chat_labels ("chatId", "labelLower", label, position)
         SELECT $1, lower(label), label, position - 1 FROM unnest($2::text[]) WITH ORDINALITY AS t(label, position)`,
        [chatId, labels],
        runner,
      );
    }
    return true;
  }

  /** Labels of each chat, in the order they were given. */
  async labelsOf(chatIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await queryRows<{ chatId: string; label: string }>(
      this.dataSource,
      `SELECT "chatId", label FROM chat_labels WHERE "chatId" = ANY($1::uuid[]) ORDER BY "chatId", position`,
      [chatIds],
    );
    const byChat = new Map<string, string[]>(chatIds.map((id) => [id, []]));
    for (const row of rows) byChat.get(row.chatId)?.push(row.label);
    return byChat;
  }
}
