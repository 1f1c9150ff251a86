import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { inTransaction, queryRows } from '@parley/api/database';
import { messageAttachmentsJsonSql } from '@parley/api/attachments';
import { CUSTOMER_VISIBLE_KINDS, type ChatEvent, type EventChat } from '@parley/api/chat';
import type { MessageRow } from '@parley/api/chat';
import type { SecretBox } from './secret-box';

// Every SQL statement of webhooks: the endpoints, the outbox rows (written in
// the chat's own transactions), the lane of one chat and webhook, the log.

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  messageId: string;
  event: string;
  status: number | null;
  attempts: number;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** One attempt's work, taken under a lease. */
export interface ClaimedDelivery {
  id: string;
  messageId: string;
  event: string;
  data: object;
  occurredAt: Date;
  attempts: number;
  url: string;
  /** The signing secret, opened; null when it cannot be (secretError says why: sealed with another key, say). */
  secret: string | null;
  secretError?: string;
}

const WEBHOOK_COLUMNS = 'id, url, events, active, "createdAt"';

/** Timestamps as JavaScript's toISOString writes them (the columns hold milliseconds). */
const isoSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const iso = (value: Date | string | null | undefined) => (value == null ? null : new Date(value).toISOString());

/** `data.chat` of every event, from a row or (below) in SQL: the same fields either way. */
export function chatData(chat: EventChat): Record<string, unknown> {
  const data: Record<string, unknown> = {
    id: chat.id,
    status: chat.status,
    subject: chat.subject,
    customerId: chat.customerId,
    agentId: chat.agentId,
    createdAt: iso(chat.createdAt),
    updatedAt: iso(chat.updatedAt),
    closedAt: iso(chat.closedAt),
  };
  if (chat.rating !== undefined) {
    data['rating'] = chat.rating;
    data['ratingComment'] = chat.ratingComment ?? null;
  }
  return data;
}

export function messageData(message: MessageRow): Record<string, unknown> {
  return {
    id: message.id,
    chatId: message.chatId,
    seq: message.seq,
    kind: message.kind,
    body: message.body,
    senderId: message.senderId,
    createdAt: iso(message.createdAt),
    // Filled in SQL from the message's own transaction (WRITE_EVENTS), where its files were named.
    attachments: [],
  };
}

export const eventData = (event: ChatEvent) => (event.message ? { chat: chatData(event.chat), message: messageData(event.message) } : { chat: chatData(event.chat) });

const chatJsonSql = (c: string) =>
  `jsonb_build_object('id', ${c}.id, 'status', ${c}.status, 'subject', ${c}.subject, 'customerId', ${c}."customerId", 'agentId', ${c}."agentId",
    'createdAt', ${isoSql(`${c}."createdAt"`)}, 'updatedAt', ${isoSql(`${c}."updatedAt"`)}, 'closedAt', ${isoSql(`${c}."closedAt"`)})`;
const messageJsonSql = (m: string) =>
  `jsonb_build_object('id', ${m}.id, 'chatId', ${m}."chatId", 'seq', ${m}.seq, 'kind', ${m}.kind, 'body', ${m}.body, 'senderId', ${m}."senderId",
    'createdAt', ${isoSql(`${m}."createdAt"`)}, 'attachments', '[]'::jsonb)`;
const NEW_MESSAGE_ID = `'msg_' || replace(gen_random_uuid()::text, '-', '')`;
const VISIBLE_KINDS_SQL = CUSTOMER_VISIBLE_KINDS.map((kind) => `'${kind}'`).join(', ');

/**
 * The outbox rows of a transaction's events, one per event and active webhook
 * that takes it, in the events' order ($1 chat, $2 types, $3 data, $4 the
 * site's address for the files' URLs). A message's attachments are read here,
 * in its transaction, after its uploads were named in it. (The one-statement
 * send below never carries files: a message with files takes this path.)
 */
const WRITE_EVENTS = `INSERT INTO webhook_deliveries (id, "webhookId", "chatId", "messageId", event, data)
  SELECT gen_random_uuid(), w.id, $1::uuid, ${NEW_MESSAGE_ID}, e.type,
    CASE WHEN e.data ? 'message'
      THEN jsonb_set(e.data, '{message,attachments}', ${messageAttachmentsJsonSql(`(e.data #>> '{message,id}')::uuid`, '$4::text')})
      ELSE e.data END
  FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS e(type, data, n)
  JOIN webhooks w ON w.active AND e.type = ANY(w.events)
  ORDER BY e.n, w.id`;

export class WebhookRepository {
  /**
   * `secrets` seals the signing secrets it stores and opens them for a delivery;
   * `publicUrl`: the site's address, before the files' download paths in events
   * (none: the paths alone, as the schema gives them).
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly publicUrl = '',
  ) {}

  private rows<T>(text: string, params: unknown[] = [], runner?: QueryRunner): Promise<T[]> {
    return queryRows<T>(this.dataSource, text, params, runner);
  }

  // ---------------------------------------------------------------- webhooks

  list(): Promise<WebhookRow[]> {
    return this.rows<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks ORDER BY "createdAt", id`);
  }

  async find(id: string): Promise<WebhookRow | null> {
    const [row] = await this.rows<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** Stores a webhook; its secret only sealed (bound to the new row's id). */
  async create(input: { url: string; events: string[]; secret: string; createdById: string }): Promise<WebhookRow> {
    const id = randomUUID();
    const [row] = await this.rows<WebhookRow>(
      `INSERT INTO webhooks (id, url, events, "secretSealed", "createdById") VALUES ($1, $2, $3, $4, $5) RETURNING ${WEBHOOK_COLUMNS}`,
      [id, input.url, input.events, this.secrets.seal(input.secret, id), input.createdById],
    );
    return row;
  }

  /**
   * Seals every secret still kept in plaintext (stored before secrets were
   * encrypted): each row locked, sealed and its plaintext cleared in one
   * transaction, so instances starting together seal each once. How many.
   */
  async sealPlaintextSecrets(): Promise<number> {
    return inTransaction(this.dataSource, async (runner) => {
      const rows = await this.rows<{ id: string; secret: string }>(`SELECT id, secret FROM webhooks WHERE secret IS NOT NULL FOR UPDATE`, [], runner);
      for (const row of rows) {
        await this.rows(`UPDATE webhooks SET "secretSealed" = $2, secret = NULL WHERE id = $1`, [row.id, this.secrets.seal(row.secret, row.id)], runner);
      }
      return rows.length;
    });
  }

  /**
   * Seals again with the current key every secret an earlier key sealed (a
   * rotation: WEBHOOK_SECRET_KEY_PREVIOUS), each row locked, so instances
   * starting together do each once. How many.
   */
  async resealWithCurrentKey(): Promise<number> {
    const previous = this.secrets.previousKeyIds;
    if (!previous.length) return 0;
    return inTransaction(this.dataSource, async (runner) => {
      const rows = await this.rows<{ id: string; sealed: string }>(
        `SELECT id, "secretSealed" AS sealed FROM webhooks WHERE split_part("secretSealed", '.', 2) = ANY($1::text[]) FOR UPDATE`,
        [previous],
        runner,
      );
      for (const row of rows) {
        const resealed = this.secrets.seal(this.secrets.open(row.sealed, row.id), row.id);
        await this.rows(`UPDATE webhooks SET "secretSealed" = $2 WHERE id = $1`, [row.id, resealed], runner);
      }
      return rows.length;
    });
  }

  /** Changes what is given (null: unchanged); null when there is no such webhook. */
  async update(id: string, changes: { url: string | null; events: string[] | null; active: boolean | null }): Promise<WebhookRow | null> {
    const [row] = await this.rows<WebhookRow>(
      `UPDATE webhooks SET url = COALESCE($2, url), events = COALESCE($3::text[], events), active = COALESCE($4, active)
       WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
      [id, changes.url, changes.events, changes.active],
    );
    return row ?? null;
  }

  /** Replaces the signing secret (sealed, bound to the row); null when there is no such webhook. */
  async replaceSecret(id: string, secret: string): Promise<WebhookRow | null> {
    const [row] = await this.rows<WebhookRow>(
      `UPDATE webhooks SET "secretSealed" = $2, secret = NULL WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
      [id, this.secrets.seal(secret, id)],
    );
    return row ?? null;
  }

  /** Chats with deliveries waiting for this webhook (at most `limit`): their lanes start again when it resumes. */
  async pendingChats(webhookId: string, limit: number): Promise<string[]> {
    const rows = await this.rows<{ chatId: string }>(
      `SELECT DISTINCT "chatId" FROM webhook_deliveries WHERE "webhookId" = $1 AND state = 'pending' LIMIT $2`,
      [webhookId, limit],
    );
    return rows.map((r) => r.chatId);
  }

  /** Webhooks whose sealed secret this deployment's key did not seal (a changed key): their deliveries cannot be signed. */
  async sealedWithAnotherKey(): Promise<number> {
    const [row] = await this.rows<{ n: string }>(
      `SELECT count(*) AS n FROM webhooks WHERE "secretSealed" IS NOT NULL AND split_part("secretSealed", '.', 2) <> ALL($1::text[])`,
      [[this.secrets.keyId, ...this.secrets.previousKeyIds]],
    );
    return Number(row?.n ?? 0);
  }

  /** Deletes the webhook and its log (pending deliveries with it); false when there was none. */
  async delete(id: string): Promise<boolean> {
    return (await this.rows(`DELETE FROM webhooks WHERE id = $1 RETURNING id`, [id])).length > 0;
  }

  /** Event types some active webhook takes. */
  async subscribedEvents(): Promise<string[]> {
    return (await this.rows<{ event: string }>(`SELECT DISTINCT unnest(events) AS event FROM webhooks WHERE active`)).map((r) => r.event);
  }

  // ---------------------------------------------------------------- the outbox

  async writeEvents(runner: QueryRunner, chatId: string, events: ChatEvent[]): Promise<void> {
    await this.rows(WRITE_EVENTS, [chatId, events.map((e) => e.type), events.map((e) => JSON.stringify(eventData(e))), this.publicUrl], runner);
  }

  /** message.created as a CTE of the one-statement send, from its CTEs `message` and `chat` (ChatOutbox.sendStatementPart). */
  sendStatementPart(names: { message: string; chat: string }): string {
    const { message: m, chat: c } = names;
    return `webhook_outbox AS (
     INSERT INTO webhook_deliveries (id, "webhookId", "chatId", "messageId", event, data)
     SELECT gen_random_uuid(), w.id, ${m}."chatId", ${NEW_MESSAGE_ID}, 'message.created',
       jsonb_build_object('chat', ${chatJsonSql(c)}, 'message', ${messageJsonSql(m)})
     FROM ${m} CROSS JOIN ${c} JOIN webhooks w ON w.active AND 'message.created' = ANY(w.events)
     WHERE ${m}.kind::text IN (${VISIBLE_KINDS_SQL})
     ORDER BY w.id
   )`;
  }

  // ---------------------------------------------------------------- delivery

  /** Active webhooks with deliveries waiting for this chat (a paused webhook's wait until it resumes). */
  async pendingWebhooks(chatId: string): Promise<string[]> {
    const rows = await this.rows<{ webhookId: string }>(
      `SELECT DISTINCT d."webhookId" FROM webhook_deliveries d JOIN webhooks w ON w.id = d."webhookId" AND w.active
       WHERE d."chatId" = $1 AND d.state = 'pending'`,
      [chatId],
    );
    return rows.map((r) => r.webhookId);
  }

  /**
   * Takes the oldest pending delivery of the chat and webhook for one attempt,
   * if it is due and no other worker holds it: one statement, so of two
   * workers one wins. Counts the attempt. Null when there is nothing to take.
   */
  async claimHead(webhookId: string, chatId: string, leaseSeconds: number): Promise<ClaimedDelivery | null> {
    const [row] = await this.rows<Omit<ClaimedDelivery, 'secret'> & { webhookId: string; plain: string | null; sealed: string | null }>(
      `UPDATE webhook_deliveries d SET "leaseUntil" = now() + make_interval(secs => $3), attempts = d.attempts + 1
       FROM webhooks w
       WHERE d.id = (SELECT h.id FROM webhook_deliveries h WHERE h."webhookId" = $1 AND h."chatId" = $2 AND h.state = 'pending' ORDER BY h.position LIMIT 1)
         AND w.id = d."webhookId" AND w.active AND d.state = 'pending' AND d."nextAttemptAt" <= now()
         AND (d."leaseUntil" IS NULL OR d."leaseUntil" < now())
       RETURNING d.id, d."messageId", d.event, d.data, d."occurredAt", d.attempts, w.url, w.id AS "webhookId", w.secret AS plain, w."secretSealed" AS sealed`,
      [webhookId, chatId, leaseSeconds],
    );
    if (!row) return null;
    const { webhookId: boundTo, plain, sealed, ...claimed } = row;
    try {
      return { ...claimed, secret: plain ?? this.secrets.open(sealed as string, boundTo) };
    } catch (error) {
      return { ...claimed, secret: null, secretError: `the signing secret cannot be opened: ${(error as Error).message}` };
    }
  }

  /** The lane's oldest pending delivery: when it is due and whether someone holds it. */
  async head(webhookId: string, chatId: string): Promise<{ nextAttemptAt: Date; leaseUntil: Date | null; now: Date } | null> {
    const [row] = await this.rows<{ nextAttemptAt: Date; leaseUntil: Date | null; now: Date }>(
      `SELECT "nextAttemptAt", "leaseUntil", now() AS now FROM webhook_deliveries
       WHERE "webhookId" = $1 AND "chatId" = $2 AND state = 'pending' ORDER BY position LIMIT 1`,
      [webhookId, chatId],
    );
    return row ?? null;
  }

  /** Settles an attempt as delivered (only the attempt that holds it: `attempts` fences a late one). */
  async delivered(id: string, attempts: number, status: number): Promise<void> {
    await this.rows(
      `UPDATE webhook_deliveries SET state = 'delivered', status = $3, "deliveredAt" = now(), "leaseUntil" = NULL, "lastError" = NULL
       WHERE id = $1 AND attempts = $2 AND state = 'pending'`,
      [id, attempts, status],
    );
  }

  /**
   * Settles a failed attempt: due again in `retrySeconds`, or failed for good
   * once the event is `giveUpSeconds` old. Null when the attempt no longer held it.
   */
  async failed(
    id: string,
    attempts: number,
    outcome: { status: number | null; error?: string },
    retrySeconds: number,
    giveUpSeconds: number,
  ): Promise<{ state: string; nextAttemptAt: Date } | null> {
    const [row] = await this.rows<{ state: string; nextAttemptAt: Date }>(
      `UPDATE webhook_deliveries SET status = $3, "lastError" = $4, "leaseUntil" = NULL,
         "nextAttemptAt" = now() + make_interval(secs => $5),
         state = CASE WHEN now() - "createdAt" >= make_interval(secs => $6) THEN 'failed' ELSE 'pending' END
       WHERE id = $1 AND attempts = $2 AND state = 'pending'
       RETURNING state, "nextAttemptAt"`,
      [id, attempts, outcome.status, outcome.error?.slice(0, 500) ?? null, retrySeconds, giveUpSeconds],
    );
    return row ?? null;
  }

  /** Chats whose next delivery (to an active webhook) has been due for `overdueSeconds` with nobody on it: their job was lost. */
  async overdueChats(overdueSeconds: number, limit: number): Promise<string[]> {
    const rows = await this.rows<{ chatId: string }>(
      `SELECT DISTINCT h."chatId" FROM (
         SELECT DISTINCT ON (d."webhookId", d."chatId") d."chatId", d."nextAttemptAt", d."leaseUntil"
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d."webhookId" AND w.active
         WHERE d.state = 'pending' ORDER BY d."webhookId", d."chatId", d.position
       ) h
       WHERE h."nextAttemptAt" < now() - make_interval(secs => $1) AND (h."leaseUntil" IS NULL OR h."leaseUntil" < now())
       LIMIT $2`,
      [overdueSeconds, limit],
    );
    return rows.map((r) => r.chatId);
  }

  /**
   * Removes settled deliveries older than `days` (at most `limit` per webhook),
   * walking each webhook's log index from its oldest end; how many went.
   */
  async prune(days: number, limit: number): Promise<number> {
    const rows = await this.rows(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT old.id FROM webhooks w CROSS JOIN LATERAL (
           SELECT d.id FROM webhook_deliveries d
           WHERE d."webhookId" = w.id AND d."createdAt" < now() - make_interval(days => $1) AND d.state <> 'pending'
           ORDER BY d."createdAt" LIMIT $2
         ) old
       ) RETURNING id`,
      [days, limit],
    );
    return rows.length;
  }

  /**
   * Each webhook's newest delivery, in one statement whatever their number
   * (a lateral walk of each webhook's log index from its newest end).
   */
  async lastDeliveries(webhookIds: readonly string[]): Promise<Map<string, DeliveryRow>> {
    const rows = await this.rows<DeliveryRow & { webhookId: string }>(
      `SELECT w.id AS "webhookId", d.id, d."messageId", d.event, d.status, d.attempts, d."deliveredAt", d."createdAt"
       FROM unnest($1::uuid[]) AS w(id) CROSS JOIN LATERAL (
         SELECT * FROM webhook_deliveries l WHERE l."webhookId" = w.id ORDER BY l."createdAt" DESC, l.position DESC LIMIT 1
       ) d`,
      [webhookIds],
    );
    return new Map(rows.map(({ webhookId, ...row }) => [webhookId, row]));
  }

  /** The log, newest first. */
  deliveries(webhookId: string, limit: number): Promise<DeliveryRow[]> {
    return this.rows<DeliveryRow>(
      `SELECT id, "messageId", event, status, attempts, "deliveredAt", "createdAt" FROM webhook_deliveries
       WHERE "webhookId" = $1 ORDER BY "createdAt" DESC, position DESC LIMIT $2`,
      [webhookId, limit],
    );
  }
}
