import type { DataSource } from 'typeorm';
import { queryRows } from '@parley/api/database';
import { ASSIGNMENT_REASON } from './routing.repository';

/** The team's fields of a chat that one statement reads: labels, assignmentReason, the customer's and the agent's read marks. */
export type ChatFieldPart = 'labels' | 'reason' | 'marks';

/** A chat as its fields are read: the marks are its customer's and its agent's as the caller's row names them. */
export type ChatKey = { id: string; customerId: string; agentId: string | null };

export interface ChatFieldsRow {
  labels: string[];
  reason: string | null;
  customerMark: number;
  agentMark: number;
}

const NONE: ChatFieldsRow = { labels: [], reason: null, customerMark: 0, agentMark: 0 };

/**
 * Every team field a chat list or a chatUpdated event shows, for many chats
 * in one statement: a desk's chat was four reads (labels, reason, two marks'
 * pairs), each on its own. Only the parts asked for are read.
 */
export class ChatFieldsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async read(chats: readonly ChatKey[], parts: ReadonlySet<ChatFieldPart>): Promise<ChatFieldsRow[]> {
    if (!chats.length) return [];
    const reason = parts.has('reason');
    const marks = parts.has('marks');
    const mark = (user: string) => `(SELECT r.seq FROM chat_read_marks r WHERE r."chatId" = p.id AND r."userId" = p."${user}")`;
    const rows = await queryRows<{ n: string; labels: string[] | null; reason: string | null; customerMark: number | null; agentMark: number | null }>(
      this.dataSource,
      `SELECT p.n,
         ${parts.has('labels') ? `ARRAY(SELECT l.label FROM chat_labels l WHERE l."chatId" = p.id ORDER BY l.position)` : 'NULL::text[]'} AS labels,
         ${reason ? ASSIGNMENT_REASON : 'NULL::text'} AS reason,
         ${marks ? mark('customerId') : 'NULL::int'} AS "customerMark",
         ${marks ? mark('agentId') : 'NULL::int'} AS "agentMark"
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) WITH ORDINALITY AS p(id, "customerId", "agentId", n)
       ${reason ? `LEFT JOIN chats c ON c.id = p.id LEFT JOIN chat_assignments a ON a."chatId" = p.id` : ''}`,
      [chats.map((c) => c.id), chats.map((c) => c.customerId), chats.map((c) => c.agentId)],
    );
    const out = chats.map(() => NONE);
    for (const row of rows) {
      out[Number(row.n) - 1] = {
        labels: row.labels ?? [],
        reason: row.reason,
        customerMark: row.customerMark ?? 0,
        agentMark: row.agentMark ?? 0,
      };
    }
    return out;
  }
}
