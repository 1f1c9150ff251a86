import { AsyncQueue, badUserInput, notFound, isUuid, type DeliveryGate, type Viewer } from '@parley/api/core';
import { assertCanView } from './chat.access';
import type { ChatRepository } from './chat.repository';
import type { ChatPubSub } from './chat.topics';
import type { MessageRow } from './chat.type';

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

  /** Publishes a committed message to every subscriber of its chat (on every instance). */
  publish(message: MessageRow): Promise<void> {
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
    const { repository, observer } = this;

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
        // The next page once the last is taken and sent: what waits here is a number, not messages.
        await queue.drained();
        await delivery?.waitForRoom();
        if (queue.isClosed) break;
        const rows = await repository.messagesBetween(chatId, lastSent + 1, upTo, REPLAY_PAGE.rows, REPLAY_PAGE.bytes);
        if (!rows.length) break;
        for (const row of rows)
          if (row.seq === lastSent + 1) {
            queue.push(row);
            observer.messageDelivered?.(row, false);
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
      observer.messageDelivered?.(message, true);
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
    let storedUpTo: number;
    try {
      // A pubsub shared by instances hears the others only once its subscription is confirmed.
      await this.pubsub.ready?.('messageAdded', chatId);
      const chat = await repository.findChat(chatId);
      if (!chat) throw notFound('chat');
      assertCanView(viewer, chat);
      // Only the number is kept: the row would stay in memory as long as the subscription.
      storedUpTo = chat.lastSeq;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    lastSent = afterSeq ?? storedUpTo;
    // Replay what was stored when the chat was read; anything later arrives live (or is gap-filled).
    enqueue(() => sendUpTo(storedUpTo));
    // Events may have been lost while the shared pubsub was away: re-read past the last one sent.
    const stopResync = this.pubsub.onResync?.(() =>
      enqueue(async () => {
        const current = await repository.lastSeq(chatId);
        if (current !== null) await sendUpTo(current);
      }),
    );
    openGate();
    step = step.finally(() => queued--); // the gate's own count
    return queue;
  }
}
