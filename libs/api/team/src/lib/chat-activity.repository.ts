import type { DataSource, QueryRunner } from 'typeorm';
import { queryRows } from '@parley/api/database';
import type { RatingRow } from './chat-activity.type';

const RATING_COLUMNS = `"chatId", rating, comment, "createdAt", "updatedAt"`;

/** The SQL of read marks and ratings. */
export class ChatActivityRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Moves the user's mark up to `seq`, capped at the chat's last message, in
   * one statement: the upsert only writes when the new mark is higher, so of
   * two racing marks the higher one stays. Returns the new mark, or null when
   * it did not move (or there is no such chat).
   */
  async markRead(chatId: string, userId: string, seq: number): Promise<number | null> {
    const [row] = await queryRows<{ seq: number }>(
      this.dataSource,
      `INSERT INTO chat_read_marks ("chatId", "userId", seq)
       SELECT c.id, $2, LEAST($3::integer, c."lastSeq") FROM chats c WHERE c.id = $1 AND LEAST($3::integer, c."lastSeq") > 0
       ON CONFLICT ("chatId", "userId") DO UPDATE SET seq = EXCLUDED.seq, "updatedAt" = now()
         WHERE chat_read_marks.seq < EXCLUDED.seq
       RETURNING seq`,
      [chatId, userId, seq],
    );
    return row?.seq ?? null;
  }

  /**
   * Per (chat, mark, reader): the messages after the mark that the reader did
   * not write, in the order given. Seqs after a mark are few (the unread), and
   * UQ_messages_chat_seq finds them.
   */
  async unreadCounts(items: ReadonlyArray<{ chatId: string; after: number; readerId: string | null }>): Promise<number[]> {
    if (!items.length) return [];
    const rows = await queryRows<{ i: string; unread: number }>(
      this.dataSource,
      `SELECT p.i, count(m.id)::int AS unread
       FROM unnest($1::uuid[], $2::int[], $3::uuid[]) WITH ORDINALITY AS p("chatId", after, reader, i)
       LEFT JOIN messages m ON m."chatId" = p."chatId" AND m.seq > p.after AND m."senderId" IS DISTINCT FROM p.reader
       GROUP BY p.i`,
      [items.map((x) => x.chatId), items.map((x) => x.after), items.map((x) => x.readerId)],
    );
    const byIndex = new Map(rows.map((row) => [Number(row.i), row.unread]));
    return items.map((_, i) => byIndex.get(i + 1) ?? 0);
  }

  /**
   * Stores the customer's rating of their CLOSED chat, replacing an earlier
   * one. The chat's state and owner are checked in the same statement; null
   * when they do not hold.
   */
  async rate(runner: QueryRunner, chatId: string, customerId: string, rating: number, comment: string | null): Promise<RatingRow | null> {
    const [row] = await queryRows<RatingRow>(
      this.dataSource,
      `INSERT INTO chat_ratings ("chatId", rating, comment)
       SELECT c.id, $3, $4 FROM chats c WHERE c.id = $1 AND c."customerId" = $2 AND c.status = 'CLOSED'
       ON CONFLICT ("chatId") DO UPDATE SET rating = EXCLUDED.rating, comment = EXCLUDED.comment, "updatedAt" = now()
       RETURNING ${RATING_COLUMNS}`,
      [chatId, customerId, rating, comment],
      runner,
    );
    return row ?? null;
  }

  async ratings(chatIds: readonly string[]): Promise<Map<string, RatingRow>> {
    const rows = await queryRows<RatingRow>(this.dataSource, `SELECT ${RATING_COLUMNS} FROM chat_ratings WHERE "chatId" = ANY($1::uuid[])`, [chatIds]);
    return new Map(rows.map((row) => [row.chatId, row]));
  }
}
