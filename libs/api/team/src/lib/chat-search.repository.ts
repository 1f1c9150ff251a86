import type { DataSource } from 'typeorm';
import { queryRows } from '@parley/api/database';
import type { ChatRow } from '@parley/api/chat';

/**
 * What full-text search reads: the same expressions as the GIN indexes of the
 * migration (IDX_messages_search, IDX_chats_subject_search), or PostgreSQL
 * would not use them. English: searching "refund" finds "refunds" and "refunded".
 */
export const SEARCH_CONFIG = 'english';
export const MESSAGE_SEARCH_EXPRESSION = `to_tsvector('${SEARCH_CONFIG}', body)`;
export const SUBJECT_SEARCH_EXPRESSION = `to_tsvector('${SEARCH_CONFIG}', coalesce(subject, ''))`;

const CHAT_COLUMNS = ['id', 'subject', 'status', 'customerId', 'agentId', 'lastSeq', 'botActive', 'createdAt', 'updatedAt', 'closedAt']
  .map((f) => `c."${f}"`)
  .join(', ');

export interface ChatSearch {
  /** Full-text, as a person types it (websearch_to_tsquery: quotes, or, -word). */
  query: string | null;
  /** Lower-cased. */
  label: string | null;
  customerId: string | null;
  /** [updatedAt ISO, id] of the previous page's last chat. */
  before: [string, string] | null;
  limit: number;
}

/**
 * Full-text search over messages' bodies and chats' subjects (never notes,
 * which live elsewhere) and/or a label, most recently updated first. One
 * statement text per combination of filters, so each prepared plan fits its filters.
 */
export class ChatSearchRepository {
  constructor(private readonly dataSource: DataSource) {}

  search(filter: ChatSearch): Promise<ChatRow[]> {
    const { text, params } = this.statement(filter);
    return queryRows<ChatRow>(this.dataSource, text, params);
  }

  /** The statement a search runs (its plan is checked in the tests). */
  statement(filter: ChatSearch): { text: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.query !== null) {
      const q = `websearch_to_tsquery('${SEARCH_CONFIG}', ${param(filter.query)})`;
      // One set of matching chats from both GIN indexes (an OR across the two tables would use neither), then
      // those chats by key: as `IN (…)` the planner hashed the set and read every chat to probe it.
      where.push(
        `c.id = ANY (ARRAY(SELECT m."chatId" FROM messages m WHERE ${MESSAGE_SEARCH_EXPRESSION.replace('body', 'm.body')} @@ ${q}` +
          ` UNION SELECT s.id FROM chats s WHERE ${SUBJECT_SEARCH_EXPRESSION.replace('subject', 's.subject')} @@ ${q}))`,
      );
    }
    // The label's chats by key (its index, then the chats' primary key), a page sorted from those alone: as
    // EXISTS or a join the planner hashed the label's rows and read every chat to probe them.
    if (filter.label !== null) where.push(`c.id = ANY (ARRAY(SELECT l."chatId" FROM chat_labels l WHERE l."labelLower" = ${param(filter.label)}))`);
    if (filter.customerId !== null) where.push(`c."customerId" = ${param(filter.customerId)}::uuid`);
    if (filter.before) where.push(`(c."updatedAt", c.id) < (${param(filter.before[0])}::timestamptz, ${param(filter.before[1])}::uuid)`);
    const limit = param(filter.limit);
    const text = `SELECT ${CHAT_COLUMNS} FROM chats c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c."updatedAt" DESC, c.id DESC LIMIT ${limit}`;
    return { text, params };
  }
}
