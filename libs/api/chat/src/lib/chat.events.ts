import type { QueryRunner } from 'typeorm';
import { MessageKind, type ChatRow, type MessageRow } from './chat.type';

/** What integrators hear about (webhooks): the contract README's "Webhooks" lists them. */
export const CHAT_EVENT_TYPES = ['chat.created', 'chat.updated', 'message.created', 'chat.rated'] as const;
export type ChatEventType = (typeof CHAT_EVENT_TYPES)[number];

/**
 * The kinds of message a customer sees, and so the only ones an event may
 * carry. An allow-list: a kind added later (an agents-only note, say) is
 * never sent until someone adds it here on purpose.
 */
export const CUSTOMER_VISIBLE_KINDS: readonly MessageKind[] = [MessageKind.CUSTOMER, MessageKind.AGENT, MessageKind.BOT, MessageKind.SYSTEM];
export const isCustomerVisible = (kind: string): boolean => (CUSTOMER_VISIBLE_KINDS as readonly string[]).includes(kind);

/** A chat as events carry it; `rating` and `ratingComment` only on chat.rated. */
export type EventChat = Pick<ChatRow, 'id' | 'status' | 'subject' | 'customerId' | 'agentId' | 'createdAt' | 'updatedAt' | 'closedAt'> & {
  rating?: number | null;
  ratingComment?: string | null;
};

/** One change of a chat, as it is recorded in the same transaction as the change itself. */
export interface ChatEvent {
  type: ChatEventType;
  chat: EventChat;
  message?: MessageRow;
}

/**
 * Where chat events are recorded for later delivery (the webhooks' outbox,
 * libs/api/integrations). The chat domain only calls it; it never knows who listens.
 */
export interface ChatOutbox {
  /** Whether any active subscriber takes this type now: a cached answer, no database round trip. */
  wants(type: ChatEventType): boolean;
  /** Records the events in the caller's transaction (one INSERT). */
  write(runner: QueryRunner, chatId: string, events: ChatEvent[]): Promise<void>;
  /**
   * For the one-statement send: a data-modifying CTE (`name AS (INSERT ...)`) that records
   * message.created from the statement's CTEs `message` (every message column) and `chat`
   * (every chat column), so the send stays one statement and one implicit transaction.
   */
  sendStatementPart(names: { message: string; chat: string }): string;
  /** After the commit: start delivering what was recorded for the chat (delivery also finds it on its own, later). */
  committed(chatId: string): void;
}

/**
 * The chat domain's side of the outbox. Every writer of a chat (the chat's
 * own transitions and sends, routing, ratings) records its events here inside
 * its transaction, then calls `committed`. Nothing is written, not even a
 * statement, while no subscriber wants the event.
 */
export class ChatEvents {
  private outbox: ChatOutbox | undefined;

  /** Installs the outbox (the integrations module does, at start). */
  use(outbox: ChatOutbox): void {
    this.outbox = outbox;
  }

  wants(type: ChatEventType): boolean {
    return this.outbox?.wants(type) ?? false;
  }

  /** Records the wanted ones of `events` (oldest first) in the transaction; true when anything was written. */
  async record(runner: QueryRunner, chatId: string, events: ChatEvent[]): Promise<boolean> {
    const outbox = this.outbox;
    if (!outbox) return false;
    const wanted = events.filter((event) => outbox.wants(event.type) && (!event.message || isCustomerVisible(event.message.kind)));
    if (!wanted.length) return false;
    await outbox.write(runner, chatId, wanted);
    return true;
  }

  /**
   * The hook for ratings: call inside the transaction that stores a rating,
   * with the chat as stored and its rating, then `committed(chat.id)` after the commit.
   */
  chatRated(runner: QueryRunner, chat: EventChat, rating: { rating: number; ratingComment: string | null }): Promise<boolean> {
    return this.record(runner, chat.id, [{ type: 'chat.rated', chat: { ...chat, ...rating } }]);
  }

  /** The send statement's outbox part, when message.created is wanted; null otherwise. */
  sendStatementPart(names: { message: string; chat: string }): string | null {
    return this.outbox?.wants('message.created') ? this.outbox.sendStatementPart(names) : null;
  }

  committed(chatId: string): void {
    this.outbox?.committed(chatId);
  }
}

/** The events of a state change: chat.updated when its status or agent moved, then its SYSTEM message. */
export function transitionEvents(statusOrAgentChanged: boolean, chat: ChatRow, message: MessageRow | null): ChatEvent[] {
  const events: ChatEvent[] = [];
  if (statusOrAgentChanged) events.push({ type: 'chat.updated', chat });
  if (message) events.push({ type: 'message.created', chat, message });
  return events;
}
