import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import DataLoader from 'dataloader';
import {
  AsyncQueue,
  RateLimits,
  badUserInput,
  checkPageSize,
  conflict,
  decodeCursor,
  isIsoTimestamp,
  isPgInteger,
  encodeCursor,
  forbidden,
  isStaff,
  isUuid,
  notFound,
  Role,
  scopedValue,
  type RequestContext,
  type Viewer,
} from '@parley/api/core';
import { inTransaction, isConnectionError, pgErrorCode, PG_UNIQUE_VIOLATION, queryArrays, queryRows, RollbackWith } from '@parley/api/database';
import { DEFAULT_PAGE_SIZES, LIMITS } from '@parley/shared/limits';
import { JOINED_USER_COLUMN_COUNT, joinedUserColumns, userFromColumns, UserEntity, type User } from '@parley/api/auth';
import { alreadyAccepted, chatClosed, databaseUnavailable } from './chat.errors';
import { ALL_CHATS, type ChatPubSub } from './chat.topics';
import {
  ChatStatus,
  MessageKind,
  type ChatConnection,
  type ChatRow,
  type MessageConnection,
  type MessageRow,
  type TypingPayload,
} from './chat.type';
import type { SendMessageInput, StartChatInput } from './chat.inputs';

/** A chat's columns, in this order (chatFromColumns reads them by position). */
const CHAT_FIELDS = ['id', 'subject', 'status', 'customerId', 'agentId', 'lastSeq', 'botActive', 'createdAt', 'updatedAt', 'closedAt'] as const;
const CHAT_COLUMNS = CHAT_FIELDS.map((field) => `c."${field}"`).join(', ');
const MESSAGE_COLUMNS = `m.id, m."chatId", m.seq, m.kind, m."senderId", m.body, m."clientMessageId", m."createdAt"`;
/** A page's rows: $1 chat, seqs from $2 to $3, $4 of them from the lower or the upper end (pageRangeParams). */
const pageRange = (from: 'lower' | 'upper') =>
  `FROM messages m WHERE m."chatId" = $1 AND m.seq BETWEEN $2 AND $3 ORDER BY m.seq ${from === 'upper' ? 'DESC' : ''} LIMIT $4`;
/**
 * A page of messages on its own. One table only: joined to its senders,
 * PostgreSQL planned it afresh on every run, and that cost more than the page.
 */
const pageStatement = (from: 'lower' | 'upper') => `SELECT ${MESSAGE_COLUMNS} ${pageRange(from)}`;
// Built once, so each is prepared once per connection (sql.ts).
const MESSAGE_PAGES = { forward: pageStatement('lower'), backward: pageStatement('upper') };
/** Where a page's message columns start in a row of CHAT_WITH_PAGE: after the chat's and a participant's. */
const PAGE_PART_OFFSET = CHAT_FIELDS.length + JOINED_USER_COLUMN_COUNT;
/** A message's columns in CHAT_WITH_PAGE, in the order messageFromColumns reads them (its chat is the statement's). */
const PAGE_PART_COLUMNS = ['m.id', 'm.seq', 'm.kind', 'm."senderId"', 'm.body', 'm."clientMessageId"', 'm."createdAt"'];
const nulls = (count: number) => Array<string>(count).fill('NULL').join(', ');
/**
 * A chat, its participants and one page of its messages, in one statement ($1
 * chat, seqs from $2 to $3, $4 of them from the lower or the upper end).
 * Everyone who writes in a chat is its customer or its agent, so the
 * participants are the page's senders. A row of the first part holds the chat
 * and a participant, a row of the second a message from PAGE_PART_OFFSET on
 * (messageFromColumns). One statement because two at once, the chat and the
 * page, woke two database backends for every page, and one of them waited for
 * a core beside the server (docs/benchmarks.md, twelfth round). Each part is a
 * key lookup or an index range: from its sixth run on a connection, PostgreSQL
 * runs it on one generic plan instead of planning it again.
 */
const chatWithPageStatement = (from: 'lower' | 'upper') => `(SELECT ${CHAT_COLUMNS}, ${joinedUserColumns('u')}, ${nulls(PAGE_PART_COLUMNS.length)}
  FROM chats c LEFT JOIN users u ON u.id IN (c."customerId", c."agentId") WHERE c.id = $1)
  UNION ALL
  (SELECT ${nulls(PAGE_PART_OFFSET)}, ${PAGE_PART_COLUMNS.join(', ')} ${pageRange(from)})`;
const CHAT_WITH_PAGE = { forward: chatWithPageStatement('lower'), backward: chatWithPageStatement('upper') };
/** No seq reaches this (seq is a PostgreSQL integer): the upper end of a window with no `before`. */
const MAX_SEQ = 2_147_483_647;
const MESSAGE_RETURNING = `id, "chatId", seq, kind, "senderId", body, "clientMessageId", "createdAt"`;
const CHAT_RETURNING = `id, subject, status, "customerId", "agentId", "lastSeq", "botActive", "createdAt", "updatedAt", "closedAt"`;

/** How many stored messages a replay reads at a time. */
const REPLAY_BATCH = 500;
/** The queue lists at most this many waiting chats, oldest first. */
const QUEUE_LIMIT = 200;

export interface MessagePageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A checked page request: seqs from `lower` to `upper` (null: no bound), `size` of them, from the lower end when `forward`. */
interface PageWindow {
  lower: number;
  upper: number | null;
  size: number;
  forward: boolean;
}

/** A page of messages, and the users read with it (its senders, when it was read with its chat). */
export interface MessagePage {
  connection: MessageConnection;
  senders: readonly User[];
}

/** pageRange's parameters for a window of `chatId`. */
const pageRangeParams = (chatId: string, window: PageWindow) => [chatId, window.lower, window.upper ?? MAX_SEQ, window.size];

/** Which page a request asks for, as a key: a page read ahead with the chat serves only the same request. */
const pageKey = (args: MessagePageArgs) => `${args.first ?? ''}|${args.after ?? ''}|${args.last ?? ''}|${args.before ?? ''}`;

/** A chat from a row read as an array, its columns in CHAT_FIELDS order from the start. */
function chatFromColumns(values: readonly unknown[]): ChatRow {
  const chat: Record<string, unknown> = {};
  CHAT_FIELDS.forEach((field, i) => (chat[field] = values[i]));
  return chat as unknown as ChatRow;
}

/** A message of `chatId` from a row of CHAT_WITH_PAGE's second part. */
function messageFromColumns(values: readonly unknown[], chatId: string): MessageRow {
  const at = PAGE_PART_OFFSET;
  return {
    id: values[at] as string,
    chatId,
    seq: values[at + 1] as number,
    kind: values[at + 2] as MessageKind,
    senderId: values[at + 3] as string | null,
    body: values[at + 4] as string,
    clientMessageId: values[at + 5] as string | null,
    createdAt: values[at + 6] as Date,
  };
}

/** Called after a customer's message is committed and published (the answering bot listens). */
export type CustomerMessageListener = (message: MessageRow, chat?: Pick<ChatRow, 'status' | 'botActive'>) => Promise<void>;

const LAST_MESSAGE_LOADER = Symbol('lastMessageLoader');
const CHAT_LOADER = Symbol('chatLoader');
/**
 * Pages read together with their chat in this request (findVisibleChatWithPage).
 * Request-scoped on purpose: kept in a WeakMap on the service instead, one
 * entry per request, they took the garbage collector from 2-3% of a paging
 * run's server time to 13% (docs/benchmarks.md, ninth round).
 */
const PAGES_READ_AHEAD = Symbol('pagesReadAhead');
const pagesReadAhead = (ctx: RequestContext) => scopedValue(ctx, PAGES_READ_AHEAD, () => new Map<ChatRow, { key: string; page: MessagePage }>());

/** sendMessage's statement ($1 chat, $2 sender, $3 clientMessageId, $4 new id, $5 kind, $6 body), for a sender in `participant`'s column. */
function sendStatement(participant: '"customerId"' | '"agentId"'): string {
  return `WITH existing AS (
     SELECT ${MESSAGE_RETURNING} FROM messages
     WHERE $3::text IS NOT NULL AND "chatId" = $1 AND "senderId" = $2 AND "clientMessageId" = $3
   ), bumped AS (
     UPDATE chats SET "lastSeq" = "lastSeq" + 1, "updatedAt" = now()
     WHERE id = $1 AND status <> 'CLOSED' AND ${participant} = $2 AND NOT EXISTS (SELECT 1 FROM existing)
     RETURNING id, "lastSeq", status, "botActive"
   ), inserted AS (
     INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "clientMessageId")
     SELECT $4, bumped.id, bumped."lastSeq", $5, $2, $6, $3 FROM bumped
     RETURNING ${MESSAGE_RETURNING}
   )
   SELECT 'inserted' AS outcome, inserted.*, bumped.status AS "chatStatus", bumped."botActive" AS "chatBotActive"
     FROM inserted, bumped
   UNION ALL
   SELECT 'existing' AS outcome, existing.*, NULL::chat_status, NULL::boolean FROM existing`;
}
// Built once: the same text every time lets the statement be prepared once per connection (sql.ts).
const SEND_AS_CUSTOMER = sendStatement('"customerId"');
const SEND_AS_STAFF = sendStatement('"agentId"');


const isSeqCursor = (v: unknown): v is ['m', number] =>
  Array.isArray(v) && v[0] === 'm' && isPgInteger(v[1]) && v[1] >= 0;
const isChatCursor = (v: unknown): v is ['c', string, string] =>
  Array.isArray(v) && v[0] === 'c' && isIsoTimestamp(v[1]) && typeof v[2] === 'string' && isUuid(v[2]);

/** Metrics hooks: a message committed (then published), and one handed to a subscriber (live, or replayed from the database). */
export interface MessageObserver {
  messageSent?(message: MessageRow): void;
  messageDelivered?(message: MessageRow, live: boolean): void;
}

/**
 * The rules of chatting: who may see and do what, the state of a chat, and
 * message delivery that loses nothing (committed, then published; seq from the
 * chat's own counter inside the same transaction).
 */
export class ChatService {
  private readonly customerMessageListeners: CustomerMessageListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: ChatPubSub,
    private readonly limits: RateLimits = new RateLimits(0),
    private readonly observer: MessageObserver = {},
  ) {}

  // ---------------------------------------------------------------- reads

  /** A chat the viewer may see; null when there is no such chat. */
  async findVisibleChat(viewer: Viewer, chatId: string): Promise<ChatRow | null> {
    const chat = await this.findChat(chatId);
    if (!chat) return null;
    if (!this.canView(viewer, chat)) throw forbidden('You may not see this chat.');
    return chat;
  }

  async listChats(viewer: Viewer, status: ChatStatus | null | undefined, first?: number | null, after?: string | null): Promise<ChatConnection> {
    const problems = checkPageSize('first', first, LIMITS.pageSizeMax);
    const cursor = after == null ? null : decodeCursor(after, isChatCursor);
    if (after != null && !cursor) problems.push({ field: 'after', message: 'is not a cursor from this list' });
    if (problems.length) throw badUserInput(problems);

    const size = first ?? DEFAULT_PAGE_SIZES.chats;
    const where: string[] = [];
    const params: unknown[] = [];
    if (viewer.role === Role.CUSTOMER) {
      params.push(viewer.id);
      where.push(`c."customerId" = $${params.length}`);
    }
    if (status) {
      params.push(status);
      where.push(`c.status = $${params.length}`);
    }
    if (cursor) {
      params.push(cursor[1], cursor[2]);
      where.push(`(c."updatedAt", c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(size + 1);
    const rows = await queryRows<ChatRow>(
      this.dataSource,
      `SELECT ${CHAT_COLUMNS} FROM chats c ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY c."updatedAt" DESC, c.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, size);
    const edges = page.map((node) => ({ node, cursor: encodeCursor(['c', node.updatedAt.toISOString(), node.id]) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: cursor !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }

  /** QUEUED chats, oldest first: `first` of them (QUEUE_LIMIT when omitted) after the chat `after` names. */
  async queue(first?: number | null, after?: string | null): Promise<ChatRow[]> {
    const problems = checkPageSize('first', first, QUEUE_LIMIT);
    if (after != null && !isUuid(after)) problems.push({ field: 'after', message: 'is not the id of a chat' });
    if (problems.length) throw badUserInput(problems);
    // After a chat (queued or not by now) in the queue's own order; an id that names no chat gives an empty page.
    return queryRows<ChatRow>(
      this.dataSource,
      `SELECT ${CHAT_COLUMNS} FROM chats c WHERE c.status = 'QUEUED'
         AND ($2::uuid IS NULL OR (c."createdAt", c.id) > (SELECT a."createdAt", a.id FROM chats a WHERE a.id = $2::uuid))
       ORDER BY c."createdAt", c.id LIMIT $1`,
      [first ?? QUEUE_LIMIT, after ?? null],
    );
  }

  /** How many chats wait, however many that is. */
  async queueLength(): Promise<number> {
    const [row] = await queryRows<{ count: string }>(this.dataSource, `SELECT count(*) AS count FROM chats WHERE status = 'QUEUED'`, []);
    return Number(row?.count ?? 0);
  }

  /**
   * A customer's open chats are capped (RateLimits.maxOpenChatsPerCustomer).
   * The customer's row is locked first, so two starts at once are counted one
   * after the other.
   */
  private async checkOpenChats(customerId: string, runner: QueryRunner): Promise<void> {
    const cap = this.limits.maxOpenChatsPerCustomer();
    if (!Number.isFinite(cap)) return;
    await runner.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [customerId]);
    const [row] = await runner.query(`SELECT count(*) AS count FROM chats WHERE "customerId" = $1 AND status <> 'CLOSED'`, [customerId]);
    if (Number(row?.count ?? 0) >= cap) throw conflict(`You have ${cap} open conversations; close one to start another.`);
  }

  /**
   * A chat the viewer may see, read together with one page of its messages
   * and its participants (the page's senders) in one statement: the `chat`
   * query asks for this when its `messages` field is selected, and that
   * field's messagesPage then returns the page without another round trip.
   * Arguments the page would refuse read the chat alone, so the field reports
   * them as before. One statement sees one snapshot: pageInfo and the page
   * agree with the chat's lastSeq.
   */
  async findVisibleChatWithPage(ctx: RequestContext, viewer: Viewer, chatId: string, args: MessagePageArgs): Promise<ChatRow | null> {
    const window = this.pageWindow(args);
    if ('problems' in window || !isUuid(chatId)) return this.findVisibleChat(viewer, chatId);
    const statement = CHAT_WITH_PAGE[window.forward ? 'forward' : 'backward'];
    const rows = await queryArrays(this.dataSource, statement, pageRangeParams(chatId, window));
    let chat: ChatRow | null = null;
    const senders: User[] = [];
    const nodes: MessageRow[] = [];
    for (const row of rows) {
      if (row[0] === null) nodes.push(messageFromColumns(row, chatId));
      else {
        chat ??= chatFromColumns(row);
        if (row[CHAT_FIELDS.length] !== null) senders.push(userFromColumns(row, CHAT_FIELDS.length));
      }
    }
    if (!chat) return null;
    if (!this.canView(viewer, chat)) throw forbidden('You may not see this chat.');
    // Oldest first; a UNION ALL promises no order of its own.
    nodes.sort((a, b) => a.seq - b.seq);
    pagesReadAhead(ctx).set(chat, { key: pageKey(args), page: { connection: this.pageConnection(chat, window, nodes), senders } });
    return chat;
  }

  /**
   * One page of a chat's messages, oldest first: the one read with the chat
   * when it was, else read now (its senders are then left to the user loader,
   * which batches and caches them for the request).
   */
  async messagesPage(ctx: RequestContext, chat: ChatRow, args: MessagePageArgs): Promise<MessagePage> {
    const read = pagesReadAhead(ctx).get(chat);
    if (read?.key === pageKey(args)) return read.page;
    const window = this.pageWindow(args);
    if ('problems' in window) throw badUserInput(window.problems);
    return { connection: this.pageConnection(chat, window, await this.pageRows(chat.id, window)), senders: [] };
  }

  /** What a page's arguments ask for, or what is wrong with them. */
  private pageWindow(args: MessagePageArgs): PageWindow | { problems: { field: string; message: string }[] } {
    const problems = [...checkPageSize('first', args.first), ...checkPageSize('last', args.last)];
    if (args.first != null && args.last != null) problems.push({ field: 'last', message: 'cannot be used with first' });
    const after = this.seqCursor(args.after, 'after', problems);
    const before = this.seqCursor(args.before, 'before', problems);
    if (problems.length) return { problems };
    const forward = args.first != null || (args.after != null && args.last == null);
    return {
      lower: after === null ? 1 : after + 1,
      upper: before === null ? null : before - 1,
      size: forward ? (args.first ?? DEFAULT_PAGE_SIZES.messages) : (args.last ?? DEFAULT_PAGE_SIZES.messages),
      forward,
    };
  }

  /**
   * The window's messages, oldest first: the first `size` from its lower end,
   * or the last `size` below its upper end. Seqs are dense (1..lastSeq), so a
   * page is an index range scan whatever its depth.
   */
  private async pageRows(chatId: string, window: PageWindow): Promise<MessageRow[]> {
    if (window.size === 0 || (window.upper !== null && window.upper < window.lower)) return [];
    const statement = MESSAGE_PAGES[window.forward ? 'forward' : 'backward'];
    const rows = await queryRows<MessageRow>(this.dataSource, statement, pageRangeParams(chatId, window));
    return window.forward ? rows : rows.reverse();
  }

  private pageConnection(chat: ChatRow, window: PageWindow, nodes: MessageRow[]): MessageConnection {
    const upper = Math.min(window.upper ?? chat.lastSeq, chat.lastSeq);
    const edges = nodes.map((node) => ({ node, cursor: encodeCursor(['m', node.seq]) }));
    const first = nodes[0]?.seq;
    const last = nodes[nodes.length - 1]?.seq;
    return {
      edges,
      pageInfo: {
        hasPreviousPage: first !== undefined ? first > 1 : window.lower > 1,
        hasNextPage: last !== undefined ? last < chat.lastSeq : upper < chat.lastSeq,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }

  /** The newest message of each chat, batched per request. */
  lastMessage(ctx: RequestContext, chat: ChatRow): Promise<MessageRow | null> {
    const loader = scopedValue(
      ctx,
      LAST_MESSAGE_LOADER,
      () =>
        new DataLoader<string, MessageRow | null>(async (chatIds) => {
          const rows = await queryRows<MessageRow>(
            this.dataSource,
            `SELECT ${MESSAGE_COLUMNS} FROM chats c JOIN messages m ON m."chatId" = c.id AND m.seq = c."lastSeq"
             WHERE c.id = ANY($1::uuid[])`,
            [chatIds],
          );
          const byChat = new Map(rows.map((row) => [row.chatId, row]));
          return chatIds.map((id) => byChat.get(id) ?? null);
        }),
    );
    return loader.load(chat.id);
  }

  /** A message's chat, batched per request; only reached through a message the viewer could already see. */
  chatOf(ctx: RequestContext, chatId: string): Promise<ChatRow | null> {
    const loader = scopedValue(
      ctx,
      CHAT_LOADER,
      () =>
        new DataLoader<string, ChatRow | null>(async (ids) => {
          const rows = await queryRows<ChatRow>(
            this.dataSource,
            `SELECT ${CHAT_COLUMNS} FROM chats c WHERE c.id = ANY($1::uuid[])`,
            [ids],
          );
          const byId = new Map(rows.map((row) => [row.id, row]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
    );
    return loader.load(chatId);
  }

  // ---------------------------------------------------------------- writes

  async startChat(viewer: Viewer, input: StartChatInput): Promise<ChatRow> {
    if (viewer.role !== Role.CUSTOMER) throw forbidden('Only customers start chats.');
    const clientMessageId = input.clientMessageId ?? null;
    if (clientMessageId) {
      const existing = await this.findStartedChat(viewer.id, clientMessageId);
      if (existing) return existing;
    }
    await this.limits.consume('startChatPerUser', viewer.id);
    const subject = input.subject?.trim() || null;
    const result = await this.write(() =>
      inTransaction(this.dataSource, async (runner) => {
        await this.checkOpenChats(viewer.id, runner);
        const [chat] = await queryRows<ChatRow>(
          this.dataSource,
          `INSERT INTO chats (id, subject, status, "customerId", "lastSeq", "startClientMessageId")
           VALUES ($1, $2, 'QUEUED', $3, 1, $4)
           ON CONFLICT ("customerId", "startClientMessageId") WHERE "startClientMessageId" IS NOT NULL DO NOTHING
           RETURNING ${CHAT_RETURNING}`,
          [randomUUID(), subject, viewer.id, clientMessageId],
          runner,
        );
        // Lost a race with the same start: give back the chat the other request made.
        if (!chat) throw new RollbackWith(null);
        const [message] = await queryRows<MessageRow>(
          this.dataSource,
          `INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "clientMessageId")
           VALUES ($1, $2, 1, 'CUSTOMER', $3, $4, $5) RETURNING ${MESSAGE_RETURNING}`,
          [randomUUID(), chat.id, viewer.id, input.message.trim(), clientMessageId],
          runner,
        );
        return { chat, message };
      }),
    );
    if (!result) return (await this.findStartedChat(viewer.id, clientMessageId as string)) as ChatRow;
    await this.publishChat(result.chat);
    await this.publishMessage(result.message);
    this.notifyCustomerMessage(result.message);
    return result.chat;
  }

  /**
   * The hot path: one statement in the common case. It checks that the viewer
   * takes part in the open chat, returns the stored message for a repeated
   * clientMessageId, or bumps the chat's counter and inserts at that seq — all
   * atomically. Anything unusual (no such chat, not allowed, closed, a racing
   * duplicate) falls back to the slower path that says exactly what is wrong.
   */
  async sendMessage(viewer: Viewer, input: SendMessageInput): Promise<MessageRow> {
    const clientMessageId = input.clientMessageId ?? null;
    const body = input.body.trim();
    const kind = viewer.role === Role.CUSTOMER ? MessageKind.CUSTOMER : MessageKind.AGENT;
    if (!isUuid(input.chatId)) throw notFound('chat');
    await this.limits.consume('sendPerUser', viewer.id);
    const participant = viewer.role === Role.CUSTOMER ? 'customer' : 'agent';
    let rows: Array<MessageRow & { outcome: 'inserted' | 'existing'; chatStatus: ChatStatus | null; chatBotActive: boolean | null }>;
    try {
      rows = await this.write(() =>
        queryRows(
          this.dataSource,
          participant === 'customer' ? SEND_AS_CUSTOMER : SEND_AS_STAFF,
          [input.chatId, viewer.id, clientMessageId, randomUUID(), kind, body],
        ),
      );
    } catch (error) {
      // Two identical sends raced: the loser's whole statement rolled back (no seq spent).
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && clientMessageId) {
        const existing = await this.findByClientId(input.chatId, viewer.id, clientMessageId);
        if (existing) return existing;
      }
      throw error;
    }
    const [row] = rows;
    if (!row) {
      const chat = await this.requireChat(input.chatId);
      this.assertParticipant(viewer, chat);
      if (chat.status === ChatStatus.CLOSED) throw chatClosed();
      // Allowed and open after all (it changed in between): take the transactional path.
      const message = await this.write(() => this.appendMessage(chat.id, kind, viewer.id, body, clientMessageId));
      if (message === 'closed') throw chatClosed();
      if (message === 'duplicate') return (await this.findByClientId(chat.id, viewer.id, clientMessageId as string)) as MessageRow;
      await this.publishMessage(message);
      this.notifyCustomerMessage(message);
      return message;
    }
    const { outcome, chatStatus, chatBotActive, ...message } = row;
    if (outcome === 'inserted') {
      await this.publishMessage(message);
      // The chat's state comes along, so listeners (the bot) need not read it again.
      this.notifyCustomerMessage(message, { status: chatStatus as ChatStatus, botActive: chatBotActive as boolean });
    }
    return message;
  }

  async acceptChat(viewer: Viewer, chatId: string): Promise<ChatRow> {
    if (!isStaff(viewer.role)) throw forbidden('Only agents and admins accept chats.');
    const chat = await this.requireChat(chatId);
    if (chat.status === ChatStatus.CLOSED) throw chatClosed();
    if (chat.status === ChatStatus.ACTIVE) {
      if (chat.agentId === viewer.id) return chat;
      throw alreadyAccepted();
    }
    const name = await this.displayName(viewer.id);
    const result = await this.write(() =>
      inTransaction(this.dataSource, async (runner) => {
        // The status in WHERE makes this the race's referee: one agent's update matches, the others' do not.
        const [updated] = await queryRows<ChatRow>(
          this.dataSource,
          `UPDATE chats SET status = 'ACTIVE', "agentId" = $2, "botActive" = false, "updatedAt" = now(),
             "lastSeq" = "lastSeq" + 1
           WHERE id = $1 AND status = 'QUEUED' RETURNING ${CHAT_RETURNING}`,
          [chatId, viewer.id],
          runner,
        );
        if (!updated) throw new RollbackWith(null);
        const message = (await this.insertMessage(runner, updated, MessageKind.SYSTEM, null, `${name} joined the chat.`, null)) as MessageRow;
        return { chat: updated, message };
      }),
    );
    if (!result) {
      const now = await this.requireChat(chatId);
      if (now.status === ChatStatus.CLOSED) throw chatClosed();
      if (now.agentId === viewer.id) return now;
      throw alreadyAccepted();
    }
    await this.publishChat(result.chat);
    await this.publishMessage(result.message);
    return result.chat;
  }

  async closeChat(viewer: Viewer, chatId: string): Promise<ChatRow> {
    const chat = await this.requireChat(chatId);
    const mayClose =
      viewer.role === Role.ADMIN ||
      (viewer.role === Role.CUSTOMER && chat.customerId === viewer.id) ||
      (viewer.role === Role.AGENT && chat.agentId === viewer.id);
    if (!mayClose) {
      if (!this.canView(viewer, chat)) throw forbidden('You may not see this chat.');
      throw forbidden('Only the chat\'s customer, its agent or an admin may close it.');
    }
    if (chat.status === ChatStatus.CLOSED) return chat;
    const name = await this.displayName(viewer.id);
    const result = await this.write(() =>
      inTransaction(this.dataSource, async (runner) => {
        const [updated] = await queryRows<ChatRow>(
          this.dataSource,
          `UPDATE chats SET status = 'CLOSED', "closedAt" = now(), "updatedAt" = now(), "botActive" = false,
             "lastSeq" = "lastSeq" + 1
           WHERE id = $1 AND status <> 'CLOSED' RETURNING ${CHAT_RETURNING}`,
          [chatId],
          runner,
        );
        if (!updated) throw new RollbackWith(null);
        const message = (await this.insertMessage(runner, updated, MessageKind.SYSTEM, null, `Chat closed by ${name}.`, null)) as MessageRow;
        return { chat: updated, message };
      }),
    );
    if (!result) return this.requireChat(chatId);
    await this.publishMessage(result.message);
    await this.publishChat(result.chat);
    return result.chat;
  }

  /** The chat's customer asks for a person: the bot stops for good. Idempotent. */
  async requestHuman(viewer: Viewer, chatId: string): Promise<ChatRow> {
    const chat = await this.requireChat(chatId);
    if (viewer.role !== Role.CUSTOMER || chat.customerId !== viewer.id) {
      throw forbidden("Only the chat's customer may ask for a person.");
    }
    if (chat.status === ChatStatus.CLOSED) throw chatClosed();
    return (await this.stopBot(chatId, 'An agent will be with you shortly; the assistant has stopped answering.')) ?? this.requireChat(chatId);
  }

  /**
   * Turns the bot off with a SYSTEM message saying so; null when it was already
   * off or the chat is closed (nothing changed).
   */
  async stopBot(chatId: string, notice: string): Promise<ChatRow | null> {
    const result = await this.write(() =>
      inTransaction(this.dataSource, async (runner) => {
        const [updated] = await queryRows<ChatRow>(
          this.dataSource,
          `UPDATE chats SET "botActive" = false, "updatedAt" = now(), "lastSeq" = "lastSeq" + 1
           WHERE id = $1 AND "botActive" AND status <> 'CLOSED' RETURNING ${CHAT_RETURNING}`,
          [chatId],
          runner,
        );
        if (!updated) throw new RollbackWith(null);
        const message = (await this.insertMessage(runner, updated, MessageKind.SYSTEM, null, notice, null)) as MessageRow;
        return { chat: updated, message };
      }),
    );
    if (!result) return null;
    await this.publishMessage(result.message);
    await this.publishChat(result.chat);
    return result.chat;
  }

  /**
   * The bot's reply, stored only while the chat is still QUEUED with the bot on
   * (checked under the row lock, so no reply lands after a handover); null otherwise.
   */
  async appendBotMessage(chatId: string, body: string): Promise<MessageRow | null> {
    const message = await inTransaction(this.dataSource, async (runner) => {
      const [chat] = await queryRows<ChatRow>(
        this.dataSource,
        `UPDATE chats SET "lastSeq" = "lastSeq" + 1, "updatedAt" = now()
         WHERE id = $1 AND status = 'QUEUED' AND "botActive" RETURNING ${CHAT_RETURNING}`,
        [chatId],
        runner,
      );
      if (!chat) throw new RollbackWith(null);
      return this.insertMessage(runner, chat, MessageKind.BOT, null, body, null);
    });
    if (message) await this.publishMessage(message);
    return message;
  }

  /** 1 for the oldest waiting chat; null when the chat is not waiting. */
  async queuePosition(chatId: string): Promise<number | null> {
    const [row] = await queryRows<{ position: string | null }>(
      this.dataSource,
      `SELECT (SELECT count(*) FROM chats q WHERE q.status = 'QUEUED' AND (q."createdAt", q.id) <= (c."createdAt", c.id)) AS position
       FROM chats c WHERE c.id = $1 AND c.status = 'QUEUED'`,
      [chatId],
    );
    return row?.position == null ? null : Number(row.position);
  }

  /** Registers a listener for customers' messages; it runs after the send has returned, and its failure never fails the send. */
  onCustomerMessage(listener: CustomerMessageListener): void {
    this.customerMessageListeners.push(listener);
  }

  async setTyping(viewer: Viewer, chatId: string, typing: boolean): Promise<boolean> {
    const chat = await this.requireChat(chatId);
    this.assertParticipant(viewer, chat);
    if (chat.status === ChatStatus.CLOSED) throw chatClosed();
    await this.pubsub.publish('typingChanged', chat.id, { chatId: chat.id, userId: viewer.id, typing });
    return true;
  }

  /**
   * Appends a message as the chat's next seq, in one transaction: the counter
   * update takes the chat's row lock, so concurrent senders queue up and seqs
   * stay 1..n with no gap. A duplicate clientMessageId rolls back (no seq spent).
   */
  async appendMessage(
    chatId: string,
    kind: MessageKind,
    senderId: string | null,
    body: string,
    clientMessageId: string | null,
  ): Promise<MessageRow | 'closed' | 'duplicate'> {
    return inTransaction(this.dataSource, async (runner) => {
      const [chat] = await queryRows<ChatRow>(
        this.dataSource,
        `UPDATE chats SET "lastSeq" = "lastSeq" + 1, "updatedAt" = now()
         WHERE id = $1 AND status <> 'CLOSED' RETURNING ${CHAT_RETURNING}`,
        [chatId],
        runner,
      );
      if (!chat) throw new RollbackWith('closed' as const);
      const message = await this.insertMessage(runner, chat, kind, senderId, body, clientMessageId);
      if (!message) throw new RollbackWith('duplicate' as const);
      return message;
    });
  }

  // ---------------------------------------------------------------- live

  /**
   * messageAdded: listen first, then replay what is stored after `afterSeq`
   * (default: the chat's current last seq), then go live. Every message passes
   * one ordered step that drops what was already sent and fills any gap from
   * the database, so nothing is missed and nothing is sent twice.
   */
  async messageStream(viewer: Viewer, chatId: string, afterSeq: number | null | undefined): Promise<AsyncQueue<MessageRow>> {
    if (afterSeq != null && afterSeq < 0) throw badUserInput([{ field: 'afterSeq', message: 'must be 0 or more' }]);
    if (!isUuid(chatId)) throw notFound('chat');

    let lastSent = 0;
    // Nothing is processed before the chat is read; live messages queue up behind this gate.
    let openGate!: () => void;
    let step: Promise<void> = new Promise((resolve) => (openGate = resolve));
    const queue = new AsyncQueue<MessageRow>(() => {
      unsubscribe();
      stopResync?.();
    });
    const sendUpTo = async (upTo: number) => {
      while (lastSent < upTo && !queue.isClosed) {
        const rows = await this.messagesBetween(chatId, lastSent + 1, Math.min(upTo, lastSent + REPLAY_BATCH));
        if (!rows.length) break;
        for (const row of rows) if (row.seq === lastSent + 1) {
          queue.push(row);
          this.observer.messageDelivered?.(row, false);
          lastSent = row.seq;
        }
      }
    };
    // Work still queued behind the gate, a replay or a gap fill; while there is none, the next
    // message in order goes straight out (the common case, without a promise per subscriber).
    let queued = 1;
    const enqueue = (work: () => Promise<void>) => {
      queued++;
      step = step
        .then(work)
        .catch((error) => queue.fail(error))
        .finally(() => queued--);
    };
    const deliverLive = (message: MessageRow) => {
      queue.push(message);
      this.observer.messageDelivered?.(message, true);
      lastSent = message.seq;
    };
    // Listen before reading the chat, so that nothing committed after the read can be missed.
    const unsubscribe = this.pubsub.subscribe('messageAdded', chatId, (message) => {
      if (queued === 0 && message.seq === lastSent + 1 && !queue.isClosed) return deliverLive(message);
      enqueue(async () => {
        if (message.seq <= lastSent || queue.isClosed) return;
        if (message.seq > lastSent + 1) await sendUpTo(message.seq - 1);
        if (message.seq === lastSent + 1) deliverLive(message);
      });
    });
    let chat: ChatRow;
    try {
      // A pubsub shared by instances hears the others only once its subscription is confirmed.
      await this.pubsub.ready?.('messageAdded', chatId);
      chat = await this.requireChat(chatId);
      if (!this.canView(viewer, chat)) throw forbidden('You may not see this chat.');
    } catch (error) {
      unsubscribe();
      throw error;
    }
    lastSent = afterSeq ?? chat.lastSeq;
    // Replay what was stored when the chat was read; anything later arrives live (or is gap-filled).
    // (Only the number is captured: the row would stay in memory as long as the subscription.)
    const storedUpTo = chat.lastSeq;
    enqueue(() => sendUpTo(storedUpTo));
    // Events may have been lost while the shared pubsub was away: re-read past the last one sent.
    const stopResync = this.pubsub.onResync?.(() =>
      enqueue(async () => {
        const [current] = await queryRows<{ lastSeq: number }>(this.dataSource, `SELECT "lastSeq" FROM chats WHERE id = $1`, [chatId]);
        if (current) await sendUpTo(current.lastSeq);
      }),
    );
    openGate();
    step = step.finally(() => queued--); // the gate's own count
    return queue;
  }

  /** chatUpdated: every chat for agents and admins, a customer's own chats for them. */
  chatUpdates(viewer: Viewer): AsyncQueue<ChatRow> {
    const queue = new AsyncQueue<ChatRow>(() => unsubscribe());
    const unsubscribe = this.pubsub.subscribe('chatUpdated', ALL_CHATS, (chat) => {
      if (this.canView(viewer, chat)) queue.push(chat);
    });
    return queue;
  }

  async typingStream(viewer: Viewer, chatId: string): Promise<AsyncQueue<TypingPayload>> {
    const chat = await this.requireChat(chatId);
    if (!this.canView(viewer, chat)) throw forbidden('You may not see this chat.');
    const queue = new AsyncQueue<TypingPayload>(() => unsubscribe());
    const unsubscribe = this.pubsub.subscribe('typingChanged', chatId, (event) => {
      if (event.userId !== viewer.id) queue.push(event);
    });
    return queue;
  }

  // ---------------------------------------------------------------- rules

  canView(viewer: Viewer, chat: Pick<ChatRow, 'customerId'>): boolean {
    return isStaff(viewer.role) || chat.customerId === viewer.id;
  }

  /** Sending and typing: the chat's customer, or the agent (or admin) who accepted it. */
  private assertParticipant(viewer: Viewer, chat: ChatRow): void {
    if (viewer.role === Role.CUSTOMER) {
      if (chat.customerId !== viewer.id) throw forbidden('You may not see this chat.');
      return;
    }
    if (chat.agentId !== viewer.id) throw forbidden('Accept the chat before writing in it.');
  }

  // ---------------------------------------------------------------- helpers

  /** A message cursor's seq; null when absent; a problem recorded when it is not one of ours. */
  private seqCursor(cursor: string | null | undefined, field: string, problems: { field: string; message: string }[]): number | null {
    if (cursor == null) return null;
    const decoded = decodeCursor(cursor, isSeqCursor);
    if (!decoded) {
      problems.push({ field, message: 'is not a cursor from this list' });
      return null;
    }
    return decoded[1];
  }

  /** The chat, or null when there is none (or the id cannot name one). No visibility check: callers decide. */
  async findChat(chatId: string): Promise<ChatRow | null> {
    if (!isUuid(chatId)) return null;
    const [chat] = await queryRows<ChatRow>(this.dataSource, `SELECT ${CHAT_COLUMNS} FROM chats c WHERE c.id = $1`, [chatId]);
    return chat ?? null;
  }

  private async requireChat(chatId: string): Promise<ChatRow> {
    const chat = await this.findChat(chatId);
    if (!chat) throw notFound('chat');
    return chat;
  }

  private async findStartedChat(customerId: string, clientMessageId: string): Promise<ChatRow | null> {
    const [chat] = await queryRows<ChatRow>(
      this.dataSource,
      `SELECT ${CHAT_COLUMNS} FROM chats c WHERE c."customerId" = $1 AND c."startClientMessageId" = $2`,
      [customerId, clientMessageId],
    );
    return chat ?? null;
  }

  private async findByClientId(chatId: string, senderId: string, clientMessageId: string): Promise<MessageRow | null> {
    const [message] = await queryRows<MessageRow>(
      this.dataSource,
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m."chatId" = $1 AND m."senderId" = $2 AND m."clientMessageId" = $3`,
      [chatId, senderId, clientMessageId],
    );
    return message ?? null;
  }

  private messagesBetween(chatId: string, from: number, to: number): Promise<MessageRow[]> {
    return queryRows<MessageRow>(
      this.dataSource,
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m."chatId" = $1 AND m.seq BETWEEN $2 AND $3 ORDER BY m.seq`,
      [chatId, from, to],
    );
  }

  /** Inserts at the chat's (already bumped) lastSeq; null when the clientMessageId was already used. */
  private async insertMessage(
    runner: QueryRunner,
    chat: ChatRow,
    kind: MessageKind,
    senderId: string | null,
    body: string,
    clientMessageId: string | null,
  ): Promise<MessageRow | null> {
    const [message] = await queryRows<MessageRow>(
      this.dataSource,
      `INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "clientMessageId")
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ("chatId", "senderId", "clientMessageId") WHERE "clientMessageId" IS NOT NULL DO NOTHING
       RETURNING ${MESSAGE_RETURNING}`,
      [randomUUID(), chat.id, chat.lastSeq, kind, senderId, body, clientMessageId],
      runner,
    );
    return message ?? null;
  }

  private async displayName(userId: string): Promise<string> {
    const user = await this.dataSource.getRepository(UserEntity).findOne({ where: { id: userId }, select: { displayName: true } });
    return user?.displayName ?? 'Someone';
  }

  private notifyCustomerMessage(message: MessageRow, chat?: Pick<ChatRow, 'status' | 'botActive'>): void {
    if (message.kind !== MessageKind.CUSTOMER) return;
    for (const listener of this.customerMessageListeners) {
      // Listeners log their own failures; this catch only keeps a rejection from going unhandled.
      setImmediate(() => void listener(message, chat).catch(() => undefined));
    }
  }

  private publishMessage(message: MessageRow): Promise<void> {
    this.observer.messageSent?.(message);
    return this.pubsub.publish('messageAdded', message.chatId, message);
  }

  private publishChat(chat: ChatRow): Promise<void> {
    return this.pubsub.publish('chatUpdated', ALL_CHATS, chat);
  }

  /** Writes fail with a clear, retryable error while the database is unreachable. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isConnectionError(error)) throw databaseUnavailable();
      throw error;
    }
  }
}
