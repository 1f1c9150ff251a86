import { AsyncQueue, badUserInput, codePointLength, conflict, forbidden, isUuid, notFound, Role, type FieldProblem, type Viewer } from '@parley/api/core';
import type { DataSource, QueryRunner } from 'typeorm';
import { inTransaction, RollbackWith } from '@parley/api/database';
import { ALL_CHATS, ChatStatus, type ChatRow, type ChatService } from '@parley/api/chat';
import type { ChatActivityRepository } from './chat-activity.repository';
import type { ChatActivityPubSub } from './chat-activity.topics';
import { ACTIVITY_LIMITS, type ChatRatedEvent, type RatingRow, type ReadReceiptEvent } from './chat-activity.type';

/** Called once a rating is stored (webhooks send it as `chat.rated`); its failure never fails rateChat. */
export type ChatRatedListener = (event: ChatRatedEvent) => Promise<void>;

/**
 * Records a rating inside the transaction that stores it (a webhooks outbox:
 * `chat.rated` then cannot be lost between the commit and its delivery), and
 * hears when that transaction has committed.
 */
export interface RatingRecorder {
  record(runner: QueryRunner, event: ChatRatedEvent): Promise<void>;
  committed(chatId: string): void;
}

/** Read marks and ratings: who may move a mark or rate, what they see, what is published. */
export class ChatActivityService {
  private readonly ratedListeners: ChatRatedListener[] = [];
  private readonly recorders: RatingRecorder[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly chats: ChatService,
    private readonly repository: ChatActivityRepository,
    private readonly pubsub: ChatActivityPubSub,
  ) {}

  // ---------------------------------------------------------------- read marks

  /**
   * The chat's customer or its agent moves their own mark up to `seq` (a seq
   * past the last message means the last); it never moves down. Publishes a
   * receipt when it moved. Returns the chat.
   */
  async markRead(viewer: Viewer, chatId: string, seq: number): Promise<ChatRow> {
    if (!Number.isInteger(seq) || seq < 0) throw badUserInput([{ field: 'seq', message: 'must be 0 or more' }]);
    const chat = await this.requireChat(chatId);
    const mine = viewer.role === Role.CUSTOMER ? chat.customerId === viewer.id : chat.agentId === viewer.id;
    if (!mine) {
      if (viewer.role === Role.CUSTOMER) throw forbidden('You may not see this chat.');
      throw forbidden("Only the chat's customer and its agent have read marks.");
    }
    const moved = await this.repository.markRead(chat.id, viewer.id, seq);
    if (moved !== null) {
      await this.pubsub.publish('readReceipt', chat.id, { chatId: chat.id, userId: viewer.id, seq: moved, customerId: chat.customerId, agentId: chat.agentId });
    }
    return chat;
  }

  /** Per (chat, mark, reader): the messages after the mark that someone other than the reader wrote. */
  unreadCounts(items: ReadonlyArray<{ chatId: string; after: number; readerId: string | null }>): Promise<number[]> {
    return this.repository.unreadCounts(items);
  }

  /**
   * readReceipts: the chat's customer, its agent and admins hear marks move,
   * other than their own. Who may hear is checked again on every event, from
   * the chat's people when the mark moved (an agent who handed the chat on
   * stops hearing it).
   */
  async receipts(viewer: Viewer, chatId: string): Promise<AsyncQueue<ReadReceiptEvent>> {
    const chat = await this.requireChat(chatId);
    if (!mayHear(viewer, chat)) {
      throw forbidden(viewer.role === Role.CUSTOMER ? 'You may not see this chat.' : "Only the chat's agent and admins hear its read receipts.");
    }
    const queue = new AsyncQueue<ReadReceiptEvent>(() => unsubscribe());
    const unsubscribe = this.pubsub.subscribe('readReceipt', chat.id, (event) => {
      if (event.userId !== viewer.id && mayHear(viewer, event)) queue.push(event);
    });
    return queue;
  }

  // ---------------------------------------------------------------- ratings

  /** The chat's customer rates it once it is CLOSED (again: replaces). Publishes `chatRated`. */
  async rate(viewer: Viewer, chatId: string, rating: number, comment: string | null | undefined): Promise<ChatRow> {
    const problems: FieldProblem[] = [];
    if (!Number.isInteger(rating) || rating < ACTIVITY_LIMITS.ratingMin || rating > ACTIVITY_LIMITS.ratingMax) {
      problems.push({ field: 'rating', message: `must be from ${ACTIVITY_LIMITS.ratingMin} to ${ACTIVITY_LIMITS.ratingMax}` });
    }
    const text = comment?.trim() || null;
    if (text && codePointLength(text) > ACTIVITY_LIMITS.ratingCommentMax) {
      problems.push({ field: 'comment', message: `must be at most ${ACTIVITY_LIMITS.ratingCommentMax} characters` });
    }
    if (problems.length) throw badUserInput(problems);
    const chat = await this.requireChat(chatId);
    if (viewer.role !== Role.CUSTOMER || chat.customerId !== viewer.id) {
      throw forbidden(viewer.role === Role.CUSTOMER ? 'You may not see this chat.' : "Only the chat's customer rates it.");
    }
    // The right person, the chat's state not yet: a conflict with the chat's state, as accepting a taken chat is.
    if (chat.status !== ChatStatus.CLOSED) throw notClosedYet();
    const event = await inTransaction(this.dataSource, async (runner) => {
      const stored = await this.repository.rate(runner, chat.id, viewer.id, rating, text);
      if (!stored) throw new RollbackWith(null);
      const rated: ChatRatedEvent = { chat, rating: stored.rating, ratingComment: stored.comment, ratedAt: stored.updatedAt };
      for (const recorder of this.recorders) await recorder.record(runner, rated);
      return rated;
    });
    // Checked again under the statement: it was reopened meanwhile (nothing reopens chats today).
    if (!event) throw notClosedYet();
    for (const recorder of this.recorders) recorder.committed(chat.id);
    await this.pubsub.publish('chatRated', ALL_CHATS, event);
    for (const listener of this.ratedListeners) {
      // Listeners log their own failures; this catch only keeps a rejection from going unhandled.
      setImmediate(() => void listener(event).catch(() => undefined));
    }
    return chat;
  }

  /** Registers what records each rating in its own transaction (the webhooks' outbox). */
  useRecorder(recorder: RatingRecorder): void {
    this.recorders.push(recorder);
  }

  /** Registers a listener for stored ratings (in this process, after the rating is committed). */
  onRated(listener: ChatRatedListener): void {
    this.ratedListeners.push(listener);
  }

  ratingsOf(chatIds: readonly string[]): Promise<Map<string, RatingRow>> {
    return this.repository.ratings(chatIds);
  }

  private async requireChat(chatId: string): Promise<ChatRow> {
    const chat = isUuid(chatId) ? await this.chats.findChat(chatId) : null;
    if (!chat) throw notFound('chat');
    return chat;
  }
}

const notClosedYet = () => conflict('A chat can be rated once it is closed.');

/** The chat's customer, its agent, and admins. */
function mayHear(viewer: Viewer, chat: Pick<ChatRow, 'customerId' | 'agentId'>): boolean {
  if (viewer.role === Role.ADMIN) return true;
  return viewer.role === Role.CUSTOMER ? chat.customerId === viewer.id : chat.agentId === viewer.id;
}
