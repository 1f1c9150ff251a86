// Over 400 lines: every SQL statement of the chat domain stays in this one file (STYLE.md: a repository owns the SQL).
import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { inTransaction, queryArrays, queryRows, RollbackWith } from '@parley/api/database';
import { JOINED_USER_COLUMN_COUNT, joinedUserColumns, noJoinedUser, userFromColumns, type User } from '@parley/api/auth';
import { ChatStatus, MessageKind, type ChatRow, type MessageRow } from './chat.type';
import { noticeSentence, type MessageNoticeRow } from './message-notice';

// Every SQL statement of the chat domain, its column lists and how its rows
// are read back. Statuses and kinds travel as parameters from their enums.
// Each statement's text is built once: the same text lets sql.ts prepare it
// once per connection.

const CHAT_FIELDS = ['id', 'subject', 'status', 'customerId', 'agentId', 'lastSeq', 'botActive', 'createdAt', 'updatedAt', 'closedAt'] as const;
const MESSAGE_FIELDS = ['id', 'chatId', 'seq', 'kind', 'senderId', 'body', 'clientMessageId', 'createdAt', 'notice'] as const;
const columns = (fields: readonly string[], alias?: string) => fields.map((f) => (alias ? `${alias}."${f}"` : `"${f}"`)).join(', ');
const CHAT_COLUMNS = columns(CHAT_FIELDS, 'c');
const CHAT_RETURNING = columns(CHAT_FIELDS);
const MESSAGE_COLUMNS = columns(MESSAGE_FIELDS, 'm');
const MESSAGE_RETURNING = columns(MESSAGE_FIELDS);

/** Chats that still take messages and changes. */
export const OPEN_STATUSES: readonly ChatStatus[] = Object.values(ChatStatus).filter((status) => status !== ChatStatus.CLOSED);

/** No seq reaches this (seq is a PostgreSQL integer): the upper end of a window with no `before`. */
const MAX_SEQ = 2_147_483_647;

/** Seqs from `lower` to `upper` (null: no bound), `size` of them, from the lower end when `forward`. */
export interface PageWindow {
  lower: number;
  upper: number | null;
  size: number;
  forward: boolean;
}

/** A page's rows: $1 chat, seqs from $2 to $3, $4 of them from the lower or the upper end. */
const pageRange = (forward: boolean) =>
  `FROM messages m WHERE m."chatId" = $1 AND m.seq BETWEEN $2 AND $3 ORDER BY m.seq ${forward ? '' : 'DESC'} LIMIT $4`;
const pageParams = (chatId: string, window: PageWindow) => [chatId, window.lower, window.upper ?? MAX_SEQ, window.size];
/**
 * A page of messages on its own. One table only: joined to its senders,
 * PostgreSQL planned it afresh on every run, and that cost more than the page.
 */
const MESSAGE_PAGE = { forward: `SELECT ${MESSAGE_COLUMNS} ${pageRange(true)}`, backward: `SELECT ${MESSAGE_COLUMNS} ${pageRange(false)}` };

/** A message's columns in CHAT_WITH_PAGE, from PAGE_PART_OFFSET on (after a chat's and a participant's); its chat is the statement's. */
const PAGE_PART_FIELDS = MESSAGE_FIELDS.filter((f) => f !== 'chatId');
const PAGE_PART_OFFSET = CHAT_FIELDS.length + JOINED_USER_COLUMN_COUNT;
const nulls = (count: number) => Array<string>(count).fill('NULL').join(', ');
/**
 * A chat, its participants (who write in a chat: the page's senders) and a page of its messages in one statement
 * (one backend per page, one generic plan). A row of the first part holds the chat and a participant, a row of the
 * second a message; rows read as arrays (an object per row of 22 columns: about a quarter more CPU; decision 006).
 */
const chatWithPage = (forward: boolean) => `(SELECT ${CHAT_COLUMNS}, ${joinedUserColumns('u')}, ${nulls(PAGE_PART_FIELDS.length)}
  FROM chats c LEFT JOIN users u ON u.id IN (c."customerId", c."agentId") WHERE c.id = $1)
  UNION ALL
  (SELECT ${nulls(CHAT_FIELDS.length)}, ${noJoinedUser()}, ${PAGE_PART_FIELDS.map((f) => `m."${f}"`).join(', ')}
  ${pageRange(forward)})`;
const CHAT_WITH_PAGE = { forward: chatWithPage(true), backward: chatWithPage(false) };

/** A replay's page: $1 chat, seqs $2 to $3, at most $4 rows, stopping once $5 bytes of bodies are read. */
const MESSAGES_BETWEEN = `SELECT ${columns(MESSAGE_FIELDS, 'p')} FROM (
    SELECT ${MESSAGE_COLUMNS}, sum(octet_length(m.body)) OVER (ORDER BY m.seq) - octet_length(m.body) AS "bytesBefore"
    FROM messages m WHERE m."chatId" = $1 AND m.seq BETWEEN $2 AND $3 ORDER BY m.seq LIMIT $4
  ) p WHERE p."bytesBefore" < $5 ORDER BY p.seq`;

/**
 * messageAdded's opening read with a replay: $1 the chat, and the first page of its messages after seq $2 up
 * to its lastSeq, at most $3 of them, stopping once $4 bytes of bodies are read (MESSAGES_BETWEEN's limits),
 * in one statement: one round trip where the chat and the page were two, and one snapshot, so the page ends
 * where the chat's lastSeq says. A row of the first part is the chat; of the second, a message (PAGE_PART_FIELDS
 * from CHAT_FIELDS.length on); no rows at all when there is no such chat.
 */
const CHAT_WITH_REPLAY = `WITH chat AS (SELECT ${CHAT_COLUMNS} FROM chats c WHERE c.id = $1)
  SELECT ${columns(CHAT_FIELDS, 'chat')}, ${nulls(PAGE_PART_FIELDS.length)} FROM chat
  UNION ALL
  SELECT ${nulls(CHAT_FIELDS.length)}, ${columns(PAGE_PART_FIELDS, 'p')} FROM (
    SELECT ${columns(PAGE_PART_FIELDS, 'm')}, sum(octet_length(m.body)) OVER (ORDER BY m.seq) - octet_length(m.body) AS "bytesBefore"
    FROM messages m WHERE m."chatId" = $1 AND m.seq > $2 AND m.seq <= (SELECT chat."lastSeq" FROM chat) ORDER BY m.seq LIMIT $3
  ) p WHERE p."bytesBefore" < $4`;

/** The chat's columns the send returns beside the message (its id and lastSeq are the message's chatId and seq), with their types. */
const SEND_CHAT_PART = [
  ['subject', 'text'],
  ['status', 'chat_status'],
  ['customerId', 'uuid'],
  ['agentId', 'uuid'],
  ['botActive', 'boolean'],
  ['createdAt', 'timestamptz'],
  ['updatedAt', 'timestamptz'],
  ['closedAt', 'timestamptz'],
] as const satisfies ReadonlyArray<readonly [(typeof CHAT_FIELDS)[number], string]>;
type SendChatPart = Pick<ChatRow, (typeof SEND_CHAT_PART)[number][0]>;

/**
 * sendMessage's statement, for a sender in `participant`'s column; with
 * `outbox` (a data-modifying CTE over `inserted` and `bumped`, ChatOutbox.sendStatementPart)
 * it also records message.created, still in one statement.
 */
function sendStatement(participant: 'customerId' | 'agentId', outbox: string | null = null): string {
  // $1 chat, $2 sender, $3 clientMessageId, $4 new id, $5 kind, $6 body, $7 the closed status
  return `WITH existing AS (
     SELECT ${MESSAGE_RETURNING} FROM messages
     WHERE $3::text IS NOT NULL AND "chatId" = $1 AND "senderId" = $2 AND "clientMessageId" = $3
   ), bumped AS (
     UPDATE chats SET "lastSeq" = "lastSeq" + 1, "updatedAt" = now()
     WHERE id = $1 AND status <> $7 AND "${participant}" = $2 AND NOT EXISTS (SELECT 1 FROM existing)
     RETURNING ${CHAT_RETURNING}
   ), inserted AS (
     INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "clientMessageId")
     SELECT $4, bumped.id, bumped."lastSeq", $5, $2, $6, $3 FROM bumped
     RETURNING ${MESSAGE_RETURNING}
   )${outbox ? `, ${outbox}` : ''}
   SELECT 'inserted' AS outcome, inserted.*, ${SEND_CHAT_PART.map(([field]) => `bumped."${field}" AS "chat.${field}"`).join(', ')}
     FROM inserted, bumped
   UNION ALL
   SELECT 'existing' AS outcome, existing.*, ${SEND_CHAT_PART.map(([, type]) => `NULL::${type}`).join(', ')} FROM existing`;
}
const SEND = { customerId: sendStatement('customerId'), agentId: sendStatement('agentId') };
/** The send statements with an outbox part, built once per distinct part (one, in practice). */
const sendWithOutbox = new Map<string, { customerId: string; agentId: string }>();
function sendStatementsWith(outbox: string): { customerId: string; agentId: string } {
  let statements = sendWithOutbox.get(outbox);
  if (!statements) sendWithOutbox.set(outbox, (statements = { customerId: sendStatement('customerId', outbox), agentId: sendStatement('agentId', outbox) }));
  return statements;
}

/**
 * A chat with its first message in one statement: $1 chat id, $2 subject, $3 customer, $4 clientMessageId,
 * $5 status, $6 botActive, $7 message id, $8 body, $9 kind; `capped`: only while the customer has fewer
 * than $11 chats not in status $10 (counted by the statement, so call it after locking the customer's row).
 * The same start (clientMessageId) stored already is read by the statement too, and wins over the cap.
 * Its one row: the chat's columns, the message's as "m.<field>", the stored start's chat as "e.<field>", and
 * the open chats counted; no new chat when the cap is reached or the same start is stored (or wins a race).
 */
function startStatement(capped: boolean): string {
  return `WITH existing AS (
     SELECT ${CHAT_COLUMNS} FROM chats c WHERE $4::text IS NOT NULL AND c."customerId" = $3 AND c."startClientMessageId" = $4
   ), ${capped ? `open AS (SELECT count(*) AS n FROM chats WHERE "customerId" = $3 AND status <> $10), ` : ''}chat AS (
     INSERT INTO chats (id, subject, status, "customerId", "lastSeq", "startClientMessageId", "botActive")
     SELECT $1, $2, $5, $3, 1, $4, $6 ${capped ? 'FROM open WHERE open.n < $11 AND' : 'WHERE'} NOT EXISTS (SELECT 1 FROM existing)
     ON CONFLICT ("customerId", "startClientMessageId") WHERE "startClientMessageId" IS NOT NULL DO NOTHING
     RETURNING ${CHAT_RETURNING}
   ), message AS (
     INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "clientMessageId")
     SELECT $7, chat.id, 1, $9, $3, $8, $4 FROM chat RETURNING ${MESSAGE_RETURNING}
   )
   SELECT ${columns(CHAT_FIELDS, 'chat')}, ${MESSAGE_FIELDS.map((f) => `message."${f}" AS "m.${f}"`).join(', ')},
     ${CHAT_FIELDS.map((f) => `existing."${f}" AS "e.${f}"`).join(', ')}, ${capped ? 'open.n' : '0'} AS "openChats"
   FROM (SELECT 1) one LEFT JOIN existing ON true${capped ? ' LEFT JOIN open ON true' : ''} LEFT JOIN (chat CROSS JOIN message) ON true`;
}
const START = { capped: startStatement(true), uncapped: startStatement(false) };

/** What startChat's statement found: a new chat with its first message, the chat the same start made before, the cap reached, or nothing (a race lost). */
export type StartOutcome =
  | { outcome: 'inserted'; chat: ChatRow; message: MessageRow }
  | { outcome: 'existing'; chat: ChatRow }
  | 'too many open'
  | null;

/** The fields named `prefix` + field of a row, as an object of their own. */
function pick<T>(row: Record<string, unknown>, fields: readonly string[], prefix: string): T {
  const picked: Record<string, unknown> = {};
  for (const field of fields) picked[field] = row[prefix + field];
  return picked as T;
}

/** What the one-statement send found: a new message (with its chat as the message left it), the stored one for a repeated id, or nothing. */
export type SendOutcome =
  | { outcome: 'inserted'; message: MessageRow; chat: ChatRow }
  | { outcome: 'existing'; message: MessageRow }
  | null;

/** Columns a state change may set, besides the counter and updatedAt it always moves. */
export interface ChatChanges {
  status?: ChatStatus;
  agentId?: string | null;
  botActive?: boolean;
  closedAt?: 'now';
}
/** Which rows a state change applies to: the guard, checked under the row's lock. */
export interface ChatGuard {
  status: readonly ChatStatus[];
  botActive?: boolean;
  /** The chat's agent must still be this one (null: no agent). */
  agentId?: string | null;
}

/** More work in a new message's transaction (another domain's rows that name it); a throw rolls the message back. */
export type WithMessage = (runner: QueryRunner, chat: ChatRow, message: MessageRow) => Promise<unknown>;

// The order changes are written in, so one transition always has one statement text.
const CHANGE_COLUMNS = ['status', 'agentId', 'botActive', 'closedAt'] as const;
// Their types, for the arrays a change of many chats at once unnests (closedAt takes now(): no array).
const CHANGE_TYPES = { status: 'chat_status', agentId: 'uuid', botActive: 'boolean' } as const;

export class ChatRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One transaction: commit when `work` returns, roll back when it throws (RollbackWith: roll back and return its value). */
  transaction<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, work);
  }

  private rows<T>(text: string, params: unknown[], runner?: QueryRunner): Promise<T[]> {
    return queryRows<T>(this.dataSource, text, params, runner);
  }

  // ---------------------------------------------------------------- chats

  async findChat(chatId: string): Promise<ChatRow | null> {
    const [chat] = await this.rows<ChatRow>(`SELECT ${CHAT_COLUMNS} FROM chats c WHERE c.id = $1`, [chatId]);
    return chat ?? null;
  }

  findChats(ids: readonly string[]): Promise<ChatRow[]> {
    return this.rows<ChatRow>(`SELECT ${CHAT_COLUMNS} FROM chats c WHERE c.id = ANY($1::uuid[])`, [ids]);
  }

  /** Most recently updated first, below `before` ([updatedAt, id]) when given; `limit` of them. */
  listChats(filter: { customerId?: string; status?: ChatStatus | null; before?: [string, string] | null; limit: number }): Promise<ChatRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.customerId) {
      params.push(filter.customerId);
      where.push(`c."customerId" = $${params.length}`);
    }
    if (filter.status) {
      params.push(filter.status);
      where.push(`c.status = $${params.length}`);
    }
    if (filter.before) {
      params.push(filter.before[0], filter.before[1]);
      where.push(`(c."updatedAt", c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(filter.limit);
    return this.rows<ChatRow>(
      `SELECT ${CHAT_COLUMNS} FROM chats c ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY c."updatedAt" DESC, c.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Waiting chats, oldest first: `limit` of them after the chat `after` (queued or not by now) in the queue's order; an id that names no chat gives none. */
  queue(limit: number, after: string | null): Promise<ChatRow[]> {
    return this.rows<ChatRow>(
      `SELECT ${CHAT_COLUMNS} FROM chats c WHERE c.status = $3
         AND ($2::uuid IS NULL OR (c."createdAt", c.id) > (SELECT a."createdAt", a.id FROM chats a WHERE a.id = $2::uuid))
       ORDER BY c."createdAt", c.id LIMIT $1`,
      [limit, after, ChatStatus.QUEUED],
    );
  }

  async queueLength(): Promise<number> {
    const [row] = await this.rows<{ count: string }>(`SELECT count(*) AS count FROM chats WHERE status = $1`, [ChatStatus.QUEUED]);
    return Number(row?.count ?? 0);
  }

  /** 1 for the oldest waiting chat; null when the chat is not waiting. */
  async queuePosition(chatId: string): Promise<number | null> {
    const [row] = await this.rows<{ position: string | null }>(
      `SELECT (SELECT count(*) FROM chats q WHERE q.status = $2 AND (q."createdAt", q.id) <= (c."createdAt", c.id)) AS position
       FROM chats c WHERE c.id = $1 AND c.status = $2`,
      [chatId, ChatStatus.QUEUED],
    );
    return row?.position == null ? null : Number(row.position);
  }

  async lastSeq(chatId: string): Promise<number | null> {
    const [row] = await this.rows<{ lastSeq: number }>(`SELECT "lastSeq" FROM chats WHERE id = $1`, [chatId]);
    return row?.lastSeq ?? null;
  }

  async findStartedChat(customerId: string, clientMessageId: string): Promise<ChatRow | null> {
    const [chat] = await this.rows<ChatRow>(`SELECT ${CHAT_COLUMNS} FROM chats c WHERE c."customerId" = $1 AND c."startClientMessageId" = $2`, [
      customerId,
      clientMessageId,
    ]);
    return chat ?? null;
  }

  /**
   * A QUEUED chat with its first message, in one transaction; the chat a start
   * with the same clientMessageId made already (`existing`), read in the same
   * statement; null when the same start won a race; 'too many open' when the
   * customer already has `maxOpenChats` open. The customer's row is locked
   * first, so two starts at once are counted one after the other.
   */
  startChat(input: {
    customerId: string;
    subject: string | null;
    body: string;
    clientMessageId: string | null;
    maxOpenChats: number;
    /** Inside the transaction, after the first message is written (attachments); a throw rolls everything back. */
    withMessage?: WithMessage;
    /** Whether the bot answers first (false: there is no bot, a person is needed at once). */
    botActive: boolean;
  }): Promise<StartOutcome> {
    const capped = Number.isFinite(input.maxOpenChats);
    // Nothing else to write and no cap: the one statement is atomic on its own.
    if (!capped && !input.withMessage) return this.insertStart(input, false);
    return inTransaction(this.dataSource, async (runner) => {
      if (capped) await runner.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [input.customerId]);
      const started = await this.insertStart(input, capped, runner);
      if (!started || started === 'too many open' || started.outcome !== 'inserted') throw new RollbackWith(started);
      await input.withMessage?.(runner, started.chat, started.message);
      return started;
    });
  }

  private async insertStart(
    input: { customerId: string; subject: string | null; body: string; clientMessageId: string | null; botActive: boolean; maxOpenChats: number },
    capped: boolean,
    runner?: QueryRunner,
  ): Promise<StartOutcome> {
    const params: unknown[] = [randomUUID(), input.subject, input.customerId, input.clientMessageId, ChatStatus.QUEUED, input.botActive, randomUUID(), input.body, MessageKind.CUSTOMER];
    if (capped) params.push(ChatStatus.CLOSED, input.maxOpenChats);
    const [row] = await this.rows<Record<string, unknown>>(capped ? START.capped : START.uncapped, params, runner);
    if (row?.['e.id']) return { outcome: 'existing', chat: pick<ChatRow>(row, CHAT_FIELDS, 'e.') };
    if (!row?.['id']) return Number(row?.['openChats'] ?? 0) >= input.maxOpenChats ? 'too many open' : null;
    return { outcome: 'inserted', chat: pick<ChatRow>(row, CHAT_FIELDS, ''), message: pick<MessageRow>(row, MESSAGE_FIELDS, 'm.') };
  }

  /**
   * Applies a state change under the guard, moving the counter for the
   * message that goes with it (insertMessage at the returned lastSeq); null
   * when the guard no longer holds.
   */
  async changeChat(runner: QueryRunner, chatId: string, guard: ChatGuard, changes: ChatChanges): Promise<ChatRow | null> {
    const params: unknown[] = [chatId, guard.status];
    const set = ['"lastSeq" = "lastSeq" + 1', '"updatedAt" = now()'];
    for (const column of CHANGE_COLUMNS) {
      const value = changes[column];
      if (value === undefined) continue;
      if (column === 'closedAt') set.push('"closedAt" = now()');
      else {
        params.push(value);
        set.push(`"${column}" = $${params.length}`);
      }
    }
    let where = 'id = $1 AND status = ANY($2::chat_status[])';
    if (guard.botActive !== undefined) {
      params.push(guard.botActive);
      where += ` AND "botActive" = $${params.length}`;
    }
    if (guard.agentId !== undefined) {
      params.push(guard.agentId);
      where += ` AND "agentId" IS NOT DISTINCT FROM $${params.length}::uuid`;
    }
    const [chat] = await this.rows<ChatRow>(`UPDATE chats SET ${set.join(', ')} WHERE ${where} RETURNING ${CHAT_RETURNING}`, params, runner);
    return chat ?? null;
  }

  /**
   * changeChat and insertMessage for many chats in one statement: each chat
   * that passes `guard` takes its own changes (the same columns for all: one
   * transition) and its SYSTEM message at the bumped lastSeq. The chats that
   * failed the guard are simply absent from the result, in which the order of
   * `items` is kept.
   */
  async changeChatsWithNotices(
    runner: QueryRunner,
    guard: Omit<ChatGuard, 'agentId'>,
    items: ReadonlyArray<{ chatId: string; changes: ChatChanges; notice: MessageNoticeRow }>,
  ): Promise<Array<{ chat: ChatRow; message: MessageRow }>> {
    if (!items.length) return [];
    const params: unknown[] = [
      guard.status,
      items.map((i) => i.chatId),
      items.map(() => randomUUID()),
      items.map((i) => noticeSentence(i.notice)),
      MessageKind.SYSTEM,
      items.map((i) => JSON.stringify(i.notice)),
    ];
    const unnested = ['$2::uuid[]', '$3::uuid[]', '$4::text[]', '$6::jsonb[]'];
    const names = ['id', 'mid', 'body', 'notice'];
    const set = ['"lastSeq" = c."lastSeq" + 1', '"updatedAt" = now()'];
    const first = items[0].changes;
    for (const column of CHANGE_COLUMNS) {
      if (first[column] === undefined) continue;
      if (items.some((i) => i.changes[column] === undefined)) throw new Error(`changeChatsWithNotices: every item changes ${column} or none does`);
      if (column === 'closedAt') {
        set.push('"closedAt" = now()');
        continue;
      }
      params.push(items.map((i) => i.changes[column]));
      unnested.push(`$${params.length}::${CHANGE_TYPES[column]}[]`);
      names.push(column);
      set.push(`"${column}" = u."${column}"`);
    }
    let where = 'c.id = u.id AND c.status = ANY($1::chat_status[])';
    if (guard.botActive !== undefined) {
      params.push(guard.botActive);
      where += ` AND c."botActive" = $${params.length}`;
    }
    const rows = await this.rows<Record<string, unknown>>(
      `WITH changed AS (
         UPDATE chats c SET ${set.join(', ')}
         FROM unnest(${unnested.join(', ')}) AS u(${names.map((n) => `"${n}"`).join(', ')})
         WHERE ${where}
         RETURNING ${CHAT_COLUMNS}, u.mid, u.body, u.notice
       ), message AS (
         INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "clientMessageId", notice)
         SELECT changed.mid, changed.id, changed."lastSeq", $5, NULL, changed.body, NULL, changed.notice FROM changed
         RETURNING ${MESSAGE_RETURNING}
       )
       SELECT ${columns(CHAT_FIELDS, 'changed')}, ${MESSAGE_FIELDS.map((f) => `message."${f}" AS "m.${f}"`).join(', ')}
       FROM changed JOIN message ON message.id = changed.mid`,
      params,
      runner,
    );
    const byId = new Map<string, { chat: ChatRow; message: MessageRow }>();
    for (const row of rows) {
      const chat: Record<string, unknown> = {};
      for (const field of CHAT_FIELDS) chat[field] = row[field];
      const message: Record<string, unknown> = {};
      for (const field of MESSAGE_FIELDS) message[field] = row[`m.${field}`];
      byId.set(chat['id'] as string, { chat: chat as unknown as ChatRow, message: message as unknown as MessageRow });
    }
    return items.flatMap((i) => byId.get(i.chatId) ?? []);
  }

  // ---------------------------------------------------------------- messages

  /**
   * The hot path's one statement: checks that the sender takes part in the
   * open chat, returns the stored message for a repeated clientMessageId, or
   * bumps the chat's counter and inserts at that seq, all atomically. Null
   * when nothing matched (no such chat, not a participant, closed).
   */
  async send(
    participant: 'customerId' | 'agentId',
    input: { chatId: string; senderId: string; clientMessageId: string | null; kind: MessageKind; body: string },
    /** A data-modifying CTE over `inserted` and `bumped` that records the message in the outbox (ChatEvents.sendStatementPart). */
    outbox: string | null = null,
  ): Promise<SendOutcome> {
    type Row = MessageRow & { outcome: 'inserted' | 'existing' } & { [F in keyof SendChatPart as `chat.${F}`]: SendChatPart[F] | null };
    const statements = outbox ? sendStatementsWith(outbox) : SEND;
    const [row] = await this.rows<Row>(statements[participant], [
      input.chatId,
      input.senderId,
      input.clientMessageId,
      randomUUID(),
      input.kind,
      input.body,
      ChatStatus.CLOSED,
    ]);
    if (!row) return null;
    const message: MessageRow = {
      id: row.id,
      chatId: row.chatId,
      seq: row.seq,
      kind: row.kind,
      senderId: row.senderId,
      body: row.body,
      clientMessageId: row.clientMessageId,
      createdAt: row.createdAt,
      // A person's message never has a notice.
      notice: null,
    };
    if (row.outcome === 'existing') return { outcome: 'existing', message };
    const chat = { id: message.chatId, lastSeq: message.seq } as Record<string, unknown>;
    for (const [field] of SEND_CHAT_PART) chat[field] = row[`chat.${field}`];
    return { outcome: 'inserted', message, chat: chat as unknown as ChatRow };
  }

  /**
   * Appends a message as the chat's next seq, in one transaction, while the
   * chat passes `guard`: the counter update takes the chat's row lock, so
   * concurrent senders queue up and seqs stay 1..n with no gap. A duplicate
   * clientMessageId rolls back (no seq spent). Gives the message and its chat
   * as the message left it.
   */
  appendMessage(
    chatId: string,
    guard: ChatGuard,
    message: { kind: MessageKind; senderId: string | null; body: string; clientMessageId: string | null },
    withMessage?: WithMessage,
  ): Promise<{ chat: ChatRow; message: MessageRow } | 'refused' | 'duplicate'> {
    return inTransaction(this.dataSource, async (runner) => {
      const chat = await this.changeChat(runner, chatId, guard, {});
      if (!chat) throw new RollbackWith('refused' as const);
      const stored = await this.insertMessage(runner, chat, message.kind, message.senderId, message.body, message.clientMessageId);
      if (!stored) throw new RollbackWith('duplicate' as const);
      await withMessage?.(runner, chat, stored);
      return { chat, message: stored };
    });
  }

  /** Inserts at the chat's (already bumped) lastSeq; null when the clientMessageId was already used. */
  async insertMessage(
    runner: QueryRunner,
    chat: ChatRow,
    kind: MessageKind,
    senderId: string | null,
    body: string,
    clientMessageId: string | null,
    notice: MessageNoticeRow | null = null,
  ): Promise<MessageRow | null> {
    const [message] = await this.rows<MessageRow>(
      `INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "clientMessageId", notice)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT ("chatId", "senderId", "clientMessageId") WHERE "clientMessageId" IS NOT NULL DO NOTHING
       RETURNING ${MESSAGE_RETURNING}`,
      [randomUUID(), chat.id, chat.lastSeq, kind, senderId, body, clientMessageId, notice === null ? null : JSON.stringify(notice)],
      runner,
    );
    return message ?? null;
  }

  async findByClientId(chatId: string, senderId: string, clientMessageId: string): Promise<MessageRow | null> {
    const [message] = await this.rows<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m."chatId" = $1 AND m."senderId" = $2 AND m."clientMessageId" = $3`,
      [chatId, senderId, clientMessageId],
    );
    return message ?? null;
  }

  /** Seqs `from` to `to`, oldest first: at most `maxRows`, none more once `maxBytes` of bodies are read (one at least). */
  messagesBetween(chatId: string, from: number, to: number, maxRows: number, maxBytes: number): Promise<MessageRow[]> {
    return this.rows<MessageRow>(MESSAGES_BETWEEN, [chatId, from, to, maxRows, maxBytes]);
  }

  /**
   * The chat and the first page of its messages after `afterSeq` up to its lastSeq (messagesBetween's limits),
   * read in one statement; null when there is no such chat.
   */
  async chatWithReplay(chatId: string, afterSeq: number, maxRows: number, maxBytes: number): Promise<{ chat: ChatRow; messages: MessageRow[] } | null> {
    const rows = await queryArrays(this.dataSource, CHAT_WITH_REPLAY, [chatId, afterSeq, maxRows, maxBytes]);
    let chat: ChatRow | null = null;
    const messages: MessageRow[] = [];
    for (const row of rows) {
      if (row[0] === null) messages.push(messageFromColumns(row, chatId, CHAT_FIELDS.length));
      else chat = chatFromColumns(row);
    }
    if (!chat) return null;
    // Oldest first; a UNION ALL promises no order of its own.
    messages.sort((a, b) => a.seq - b.seq);
    return { chat, messages };
  }

  /** The newest message of each chat. */
  lastMessages(chatIds: readonly string[]): Promise<MessageRow[]> {
    return this.rows<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM chats c JOIN messages m ON m."chatId" = c.id AND m.seq = c."lastSeq" WHERE c.id = ANY($1::uuid[])`,
      [chatIds],
    );
  }

  /** The window's messages, oldest first. */
  async messagePage(chatId: string, window: PageWindow): Promise<MessageRow[]> {
    const rows = await this.rows<MessageRow>(MESSAGE_PAGE[window.forward ? 'forward' : 'backward'], pageParams(chatId, window));
    return window.forward ? rows : rows.reverse();
  }

  /** The chat, its participants and the window's messages (oldest first), read in one statement; null when there is no such chat. */
  async chatWithPage(chatId: string, window: PageWindow): Promise<{ chat: ChatRow; participants: User[]; messages: MessageRow[] } | null> {
    const rows = await queryArrays(this.dataSource, CHAT_WITH_PAGE[window.forward ? 'forward' : 'backward'], pageParams(chatId, window));
    let chat: ChatRow | null = null;
    const participants: User[] = [];
    const messages: MessageRow[] = [];
    for (const row of rows) {
      if (row[0] === null) {
        messages.push(messageFromColumns(row, chatId, PAGE_PART_OFFSET));
        continue;
      }
      chat ??= chatFromColumns(row);
      const participant = userFromColumns(row, CHAT_FIELDS.length);
      if (participant) participants.push(participant);
    }
    if (!chat) return null;
    // Oldest first; a UNION ALL promises no order of its own.
    messages.sort((a, b) => a.seq - b.seq);
    return { chat, participants, messages };
  }
}

/** A chat from a row read as an array, its columns in CHAT_FIELDS order from the start. */
function chatFromColumns(values: readonly unknown[]): ChatRow {
  const chat: Record<string, unknown> = {};
  CHAT_FIELDS.forEach((field, i) => (chat[field] = values[i]));
  return chat as unknown as ChatRow;
}

/** A message of `chatId` from a row whose columns from `at` on are PAGE_PART_FIELDS (CHAT_WITH_PAGE's and CHAT_WITH_REPLAY's second parts). */
function messageFromColumns(v: readonly unknown[], chatId: string, at: number): MessageRow {
  return { id: v[at], chatId, seq: v[at + 1], kind: v[at + 2], senderId: v[at + 3], body: v[at + 4], clientMessageId: v[at + 5], createdAt: v[at + 6], notice: v[at + 7] } as MessageRow;
}
