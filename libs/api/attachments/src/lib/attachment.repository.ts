import type { DataSource, QueryRunner } from 'typeorm';
import { queryRows } from '@parley/api/database';

/** One row of `attachments`, as the services pass it around. */
export interface AttachmentRow {
  id: string;
  uploaderId: string;
  chatId: string | null;
  messageId: string | null;
  position: number | null;
  name: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
  store: string;
  createdAt: Date;
}

const FIELDS = ['id', 'uploaderId', 'chatId', 'messageId', 'position', 'name', 'contentType', 'size', 'width', 'height', 'hasThumbnail', 'store', 'createdAt'];
const COLUMNS = FIELDS.map((f) => `"${f}"`).join(', ');

/**
 * A message's attachments as a JSON array built in SQL, in the order the
 * message named them, with the fields of the schema's Attachment: for
 * statements of other domains (webhooks' message.created) that read them in
 * the message's own transaction. `messageId` is an SQL expression of type
 * uuid; `base` an SQL text expression (a parameter) put before the download
 * paths (fileUrl, thumbnailUrl), so that they can be absolute.
 */
export function messageAttachmentsJsonSql(messageId: string, base: string): string {
  return `(SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'name', a.name, 'contentType', a."contentType", 'size', a.size,
      'url', ${base} || '/uploads/' || a.id, 'width', a.width, 'height', a.height,
      'thumbnailUrl', CASE WHEN a."hasThumbnail" THEN ${base} || '/uploads/' || a.id || '/thumbnail' END) ORDER BY a.position), '[]'::jsonb)
    FROM attachments a WHERE a."messageId" = ${messageId})`;
}

/** Every SQL statement of the attachments domain. */
export class AttachmentRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows<T>(text: string, params: unknown[], runner?: QueryRunner): Promise<T[]> {
    return queryRows<T>(this.dataSource, text, params, runner);
  }

  async insert(row: Omit<AttachmentRow, 'chatId' | 'messageId' | 'position' | 'createdAt'>, runner: QueryRunner): Promise<AttachmentRow> {
    const [stored] = await this.rows<AttachmentRow>(
      `INSERT INTO attachments (id, "uploaderId", name, "contentType", size, width, height, "hasThumbnail", store)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [row.id, row.uploaderId, row.name, row.contentType, row.size, row.width, row.height, row.hasThumbnail, row.store],
      runner,
    );
    return stored as AttachmentRow;
  }

  async find(id: string): Promise<AttachmentRow | null> {
    const [row] = await this.rows<AttachmentRow>(`SELECT ${COLUMNS} FROM attachments WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** The attachments of these messages, each message's in the order it named them. */
  forMessages(messageIds: readonly string[]): Promise<AttachmentRow[]> {
    return this.rows<AttachmentRow>(`SELECT ${COLUMNS} FROM attachments WHERE "messageId" = ANY($1::uuid[]) ORDER BY "messageId", position`, [messageIds]);
  }

  /** Names the uploader's pending uploads in the message (row locks: one message wins each); how many it named. */
  async claim(runner: QueryRunner, message: { id: string; chatId: string }, uploaderId: string, ids: readonly string[]): Promise<AttachmentRow[]> {
    return this.rows<AttachmentRow>(
      `UPDATE attachments SET "messageId" = $1, "chatId" = $2, position = array_position($4::uuid[], id)
       WHERE id = ANY($4::uuid[]) AND "uploaderId" = $3 AND "messageId" IS NULL RETURNING ${COLUMNS}`,
      [message.id, message.chatId, uploaderId, ids],
      runner,
    );
  }

  /** Bytes the user uploaded since `since`, and when the oldest of those leaves a window of `windowSeconds`. */
  async uploadedSince(uploaderId: string, windowSeconds: number): Promise<{ bytes: number; oldestLeavesInSeconds: number }> {
    const [row] = await this.rows<{ bytes: string | null; leaves: number | null }>(
      `SELECT sum(size) AS bytes, EXTRACT(EPOCH FROM (min("createdAt") + make_interval(secs => $2) - now()))::float8 AS leaves
       FROM attachments WHERE "uploaderId" = $1 AND "createdAt" > now() - make_interval(secs => $2)`,
      [uploaderId, windowSeconds],
    );
    return { bytes: Number(row?.bytes ?? 0), oldestLeavesInSeconds: Math.max(1, Math.ceil(row?.leaves ?? 1)) };
  }

  /** Deletes the upload if no message names it; the deleted row, or null. */
  async deleteUnclaimed(id: string, runner: QueryRunner): Promise<AttachmentRow | null> {
    const [row] = await this.rows<AttachmentRow>(`DELETE FROM attachments WHERE id = $1 AND "messageId" IS NULL RETURNING ${COLUMNS}`, [id], runner);
    return row ?? null;
  }

  /** Of these ids, the ones that name an attachment. */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    const rows = await this.rows<{ id: string }>(`SELECT id FROM attachments WHERE id = ANY($1::uuid[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** Unsent uploads past their time by `lateSeconds` more: their expiry job was lost. */
  async overdueUnclaimed(unclaimedSeconds: number, lateSeconds: number, limit: number): Promise<string[]> {
    const rows = await this.rows<{ id: string }>(
      `SELECT id FROM attachments WHERE "messageId" IS NULL AND "createdAt" < now() - make_interval(secs => $1) LIMIT $2`,
      [unclaimedSeconds + lateSeconds, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Attachments kept in `store`, `limit` at a time after `afterId` (moving files between stores). */
  inStore(store: string, afterId: string | null, limit: number): Promise<AttachmentRow[]> {
    return this.rows<AttachmentRow>(
      `SELECT ${COLUMNS} FROM attachments WHERE store = $1 AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`,
      [store, afterId, limit],
    );
  }

  async setStore(id: string, store: string): Promise<void> {
    await this.rows(`UPDATE attachments SET store = $2 WHERE id = $1`, [id, store]);
  }
}
