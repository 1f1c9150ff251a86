import type { DataSource } from 'typeorm';
import { queryRows } from '@parley/api/database';

/**
 * The kinds of message a customer sees in their chat. A whitelist: any kind
 * added later (agents' private notes) stays out of every email until it is listed here.
 */
export const CUSTOMER_VISIBLE_KINDS = ['CUSTOMER', 'AGENT', 'BOT', 'SYSTEM'] as const;

export interface EmailChat {
  id: string;
  subject: string | null;
  customerId: string;
  /** The customer's address: a password account's, or what a visitor gave; null when none. */
  customerEmail: string | null;
}

export interface EmailMessage {
  seq: number;
  kind: string;
  body: string;
  createdAt: Date;
  senderName: string | null;
}

export interface AwayState {
  notifiedSeq: number;
  lastEmailAt: Date | null;
}

/** Every statement of the email domain. */
export class EmailRepository {
  constructor(private readonly dataSource: DataSource) {}

  async chat(chatId: string): Promise<EmailChat | null> {
    const [row] = await queryRows<EmailChat>(
      this.dataSource,
      `SELECT c.id, c.subject, c."customerId", NULLIF(btrim(u.email), '') AS "customerEmail"
       FROM chats c JOIN users u ON u.id = c."customerId" WHERE c.id = $1`,
      [chatId],
    );
    return row ?? null;
  }

  /** The messages the customer can see, oldest first (after `afterSeq`, of `kinds` only when given). */
  async visibleMessages(chatId: string, options: { afterSeq?: number; kinds?: readonly string[]; limit?: number } = {}): Promise<EmailMessage[]> {
    const kinds = (options.kinds ?? CUSTOMER_VISIBLE_KINDS).filter((kind) => (CUSTOMER_VISIBLE_KINDS as readonly string[]).includes(kind));
    return queryRows<EmailMessage>(
      this.dataSource,
      `SELECT m.seq, m.kind::text AS kind, m.body, m."createdAt", u."displayName" AS "senderName"
       FROM messages m LEFT JOIN users u ON u.id = m."senderId"
       WHERE m."chatId" = $1 AND m.seq > $2 AND m.kind::text = ANY($3::text[])
       ORDER BY m.seq LIMIT $4`,
      [chatId, options.afterSeq ?? 0, kinds, options.limit ?? 10_000],
    );
  }

  async awayState(chatId: string): Promise<AwayState> {
    const [row] = await queryRows<AwayState>(this.dataSource, `SELECT "notifiedSeq", "lastEmailAt" FROM chat_email_state WHERE "chatId" = $1`, [chatId]);
    return row ?? { notifiedSeq: 0, lastEmailAt: null };
  }

  /** Records how far the customer knows (emailed: `emailed` true stamps lastEmailAt). */
  async recordNotified(chatId: string, seq: number, emailed: boolean): Promise<void> {
    await queryRows(
      this.dataSource,
      `INSERT INTO chat_email_state ("chatId", "notifiedSeq", "lastEmailAt") VALUES ($1, $2, CASE WHEN $3 THEN now() END)
       ON CONFLICT ("chatId") DO UPDATE SET "notifiedSeq" = GREATEST(chat_email_state."notifiedSeq", EXCLUDED."notifiedSeq"),
         "lastEmailAt" = COALESCE(EXCLUDED."lastEmailAt", chat_email_state."lastEmailAt")`,
      [chatId, seq, emailed],
    );
  }
}
