import { AsyncQueue, badUserInput, notFound, isUuid, type DeliveryGate, type Viewer } from '@parley/api/core';
import { assertCanView } from './chat.access';
import type { ChatRepository } from './chat.repository';
import type { ChatPubSub } from './chat.topics';
import type { CarriedMessage, MessageRow } from './chat.type';

/**
 * A replay reads stored messages a page at a time, and the next page only once
 * the subscriber has taken the last and its socket has sent most of what it
 * holds: at most this many messages, and no more once this many bytes of
 * bodies are read. A client that does not read then holds about one page per
 * subscription in the server, not the chat's history.
 */
export const REPLAY_PAGE = { rows: 200, bytes: 64 * 1024 } as const;

/** Metrics hooks: a message committed (then published), and one handed to a subscriber (live, or replayed from the database). */
export interface MessageObserver {
  messageSent?(message: MessageRow): void;
  messageDelivered?(message: MessageRow, live: boolean): void;
}

/**
 * Live delivery of a chat's messages (the messageAdded subscription) that
 * loses nothing and repeats nothing: listen first, then replay what is stored
 * after `afterSeq`, then go live, every message through one ordered step that
 * drops what was already sent and fills any gap from the database.
 *
 * Stored messages (a replay, a gap fill) are read a page at a time as the
 * subscriber takes them and its socket drains (REPLAY_PAGE, `delivery`).
 *
 * What it hands the transport is an AsyncQueue, which maps each event as it
 * hands it out (`mapEach`, found by core's `mapEvents`): a waiting subscriber
 * then holds one promise, not a chain.
 */
export class MessageStream {
  constructor(
    private readonly repository: ChatRepository,
    private readonly pubsub: ChatPubSub,
    private readonly observer: MessageObserver = {},
  ) {}

  /**
   * Publishes a committed message to every subscriber of its chat (on every
   * instance), as its writer carries it: marked `attached: false` when sent
   * without files, so no subscriber reads its attachments (the mark crosses
   * Redis with the rest; stored messages, replayed, have none and are read).
   */
  publish(message: CarriedMessage): Promise<void> {
    this.observer.messageSent?.(message);
    return this.pubsub.publish('messageAdded', message.chatId, message);
  }

  /**
   * The stream after `afterSeq` (default: the chat's current last seq), for a
   * viewer who may see the chat; `delivery` paces reading stored messages by
   * the subscriber's socket.
   */
  async open(viewer: Viewer, chatId: string, afterSeq: number | null | undefined, delivery?: DeliveryGate): Promise<AsyncQueue<MessageRow>> {
    if (afterSeq != null && afterSeq < 0) throw badUserInput([{ field: 'afterSeq', message: 'must be 0 or more' }]);
    if (!isUuid(chatId)) throw notFound('chat');
    const { repository, pubsub } = this;
    const feed = new ChatFeed(repository, this.observer, chatId, delivery);
    // Listen before reading the chat, so that nothing committed after the read can be missed.
    // Bound methods, not arrows: an arrow would keep this call's scope as long as the subscription.
    feed.unsubscribe = pubsub.subscribe('messageAdded', chatId, feed.hear.bind(feed));
    let storedUpTo: number;
    let firstPage: readonly MessageRow[] = [];
    try {
      // A pubsub shared by instances hears the others only once its subscription is confirmed.
      await pubsub.ready?.('messageAdded', chatId);
      // A replay's first page is read with the chat (one round trip, one snapshot); it reaches the
      // subscriber only once the chat is found visible to them.
      const read =
        afterSeq == null
          ? await repository.findChat(chatId).then((chat) => chat && { chat, messages: [] })
          : await repository.chatWithReplay(chatId, afterSeq, REPLAY_PAGE.rows, REPLAY_PAGE.bytes);
      if (!read) throw notFound('chat');
      assertCanView(viewer, read.chat);
      // Only the number is kept: the row would stay in memory as long as the subscription.
      storedUpTo = read.chat.lastSeq;
      firstPage = read.messages;
    } catch (error) {
      feed.unsubscribe();
      throw error;
    }
    // Events may have been lost while the shared pubsub was away: re-read past the last one sent.
    feed.stopResync = pubsub.onResync?.(feed.resync.bind(feed));
    feed.start(afterSeq ?? storedUpTo, storedUpTo, firstPage);
    return feed;
  }
}

const nothing = (): void => undefined;

/**
 * One subscriber's messages of one chat: the queue the transport reads, and
 * the ordering step in front of it. One object whose methods are its
 * prototype's: a widget's socket holds its subscription for hours, and a
 * closure per step (five of them, and the scope they share) cost each one
 * about half a kilobyte.
 */
class ChatFeed extends AsyncQueue<MessageRow> {
  private lastSent = 0;
  /** Work still queued behind the gate, a replay or a gap fill (1: the gate itself, until start). */
  private queued = 1;
  private step: Promise<void>;
  private openGate: (() => void) | undefined;
  unsubscribe: () => void = nothing;
  stopResync: (() => void) | undefined = undefined;

  constructor(
    private readonly repository: ChatRepository,
    private readonly observer: MessageObserver,
    private readonly chatId: string,
    private readonly delivery: DeliveryGate | undefined,
  ) {
    super();
    // Nothing is processed before the chat is read; live messages queue up behind this gate.
    this.step = new Promise((resolve) => (this.openGate = resolve));
  }

  protected override ended(): void {
    this.unsubscribe();
    this.stopResync?.();
  }

  /**
   * The chat is read: replay what was stored after `from`, up to `storedUpTo`, starting with `firstPage`
   * (read with the chat); anything later arrives live (or is gap-filled).
   */
  start(from: number, storedUpTo: number, firstPage: readonly MessageRow[] = []): void {
    this.lastSent = from;
    // Paced as every page: out now while the socket has room, else dropped and read again once it has
    // (a subscription waiting for room holds a number, not messages). Ahead of any live message, which
    // waits behind the gate.
    if (firstPage.length && (this.delivery?.hasRoom() ?? true)) this.deliverStored(firstPage);
    this.enqueue(() => this.sendUpTo(storedUpTo));
    this.openGate?.();
    this.openGate = undefined;
    this.step = this.step.finally(() => this.queued--); // the gate's own count
  }

  /** A message published to the chat: while no work is queued, the next in order goes straight out (no promise per subscriber). */
  hear(message: MessageRow): void {
    if (this.queued === 0 && message.seq === this.lastSent + 1 && !this.isClosed) return this.deliverLive(message);
    this.enqueue(async () => {
      if (message.seq <= this.lastSent || this.isClosed) return;
      if (message.seq > this.lastSent + 1) await this.sendUpTo(message.seq - 1);
      if (message.seq === this.lastSent + 1) this.deliverLive(message);
    });
  }

  resync(): void {
    this.enqueue(async () => {
      const current = await this.repository.lastSeq(this.chatId);
      if (current !== null) await this.sendUpTo(current);
    });
  }

  private enqueue(work: () => Promise<void>): void {
    this.queued++;
    this.step = this.step
      .then(work)
      .catch((error) => this.fail(error))
      .finally(() => this.queued--);
  }

  private deliverLive(message: MessageRow): void {
    this.push(message);
    this.observer.messageDelivered?.(message, true);
    this.lastSent = message.seq;
  }

  private async sendUpTo(upTo: number): Promise<void> {
    while (this.lastSent < upTo && !this.isClosed) {
      // The next page once the last is taken and sent: what waits here is a number, not messages.
      await this.drained();
      await this.delivery?.waitForRoom();
      if (this.isClosed) break;
      const rows = await this.repository.messagesBetween(this.chatId, this.lastSent + 1, upTo, REPLAY_PAGE.rows, REPLAY_PAGE.bytes);
      if (!rows.length) break;
      this.deliverStored(rows);
    }
  }

  /** Stored messages, oldest first: each that is the next in order goes out. */
  private deliverStored(rows: readonly MessageRow[]): void {
    for (const row of rows) {
      if (this.isClosed) return;
      if (row.seq === this.lastSent + 1) {
        this.push(row);
        this.observer.messageDelivered?.(row, false);
        this.lastSent = row.seq;
      }
    }
  }
}
