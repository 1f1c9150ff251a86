import type { QueryRunner } from 'typeorm';
import { RollbackWith } from '@parley/api/database';
import { writing } from './chat.errors';
import { transitionEvents, type ChatEvents } from './chat.events';
import { OPEN_STATUSES, type ChatChanges, type ChatGuard, type ChatRepository } from './chat.repository';
import { ChatStatus, MessageKind, type CarriedMessage, type ChatRow, type MessageRow } from './chat.type';
import { MessageNoticeCode, noticeSentence, type MessageNoticeRow } from './message-notice';

/**
 * One change of a chat's state: the rows it applies to (checked under the
 * row's lock, so of two racing changes one wins), the columns it sets, and
 * the SYSTEM message that tells the chat what happened (its notice; the
 * message's English body is made from it by noticeSentence).
 */
export interface ChatTransition<A> {
  /** Which rows it applies to; `from` in the arguments, when given, also requires the chat's agent to be that one. */
  guard: ChatGuard;
  changes(args: A): ChatChanges;
  notice(args: A): MessageNoticeRow;
}

/** What a transfer's SYSTEM message says: to someone else, or an admin taking it themself. */
export type TransferNotice = Extract<MessageNoticeRow, { code: MessageNoticeCode.TRANSFERRED | MessageNoticeCode.TOOK_OVER }>;
/** What a release's says: by its agent, by an admin, or its agent no longer available. */
export type ReleaseNotice = Extract<
  MessageNoticeRow,
  { code: MessageNoticeCode.RETURNED_TO_QUEUE | MessageNoticeCode.MOVED_TO_QUEUE | MessageNoticeCode.AGENT_UNAVAILABLE }
>;
/** What the bot's stop says: the customer asked for a person (the button, or in words to the bot). */
export type StopBotNotice = Extract<MessageNoticeRow, { code: MessageNoticeCode.PERSON_REQUESTED | MessageNoticeCode.BOT_HANDED_OVER }>;

/** Every state change of a chat. A new one is an entry here and a call of `ChatTransitions.apply`. */
export const TRANSITIONS = {
  /** An agent (or admin) takes a waiting chat; the bot stops. */
  accept: {
    guard: { status: [ChatStatus.QUEUED] },
    changes: ({ agentId }) => ({ status: ChatStatus.ACTIVE, agentId, botActive: false }),
    notice: ({ name }) => ({ code: MessageNoticeCode.JOINED, name }),
  } satisfies ChatTransition<{ agentId: string; name: string }>,
  close: {
    guard: { status: OPEN_STATUSES },
    changes: () => ({ status: ChatStatus.CLOSED, closedAt: 'now', botActive: false }),
    notice: ({ name }) => ({ code: MessageNoticeCode.CLOSED, by: name }),
  } satisfies ChatTransition<{ name: string }>,
  /**
   * The chat goes to another agent or admin (an admin may take it over
   * themself), from the queue or from the agent who had it: `from` is who had
   * it when the change was decided, so a change made meanwhile wins.
   */
  transfer: {
    guard: { status: [ChatStatus.QUEUED, ChatStatus.ACTIVE] },
    changes: ({ agentId }) => ({ status: ChatStatus.ACTIVE, agentId, botActive: false }),
    notice: ({ notice }) => notice,
  } satisfies ChatTransition<{ agentId: string; from: string | null; notice: TransferNotice }>,
  /** The chat goes back to the queue from the agent who has it (released, or they left the team's availability). */
  release: {
    guard: { status: [ChatStatus.ACTIVE] },
    changes: () => ({ status: ChatStatus.QUEUED, agentId: null }),
    notice: ({ notice }) => notice,
  } satisfies ChatTransition<{ from: string; notice: ReleaseNotice }>,
  /** The bot stops for good (the customer asked for a person). */
  stopBot: {
    guard: { status: OPEN_STATUSES, botActive: true },
    changes: () => ({ botActive: false }),
    notice: ({ notice }) => notice,
  } satisfies ChatTransition<{ notice: StopBotNotice }>,
};

/** Work of another domain inside a transition's transaction (the team: capacity locks, why an agent has the chat). */
export interface TransitionHooks {
  /** Before the chat's row changes (locks taken here come before the chat's, as everywhere). */
  before?(runner: QueryRunner): Promise<void>;
  /** After the change and its SYSTEM message, before commit; throwing rolls everything back. */
  after?(runner: QueryRunner, chat: ChatRow): Promise<void>;
}

/** A committed change: the chat as it now is and the SYSTEM message that says so. */
export interface AppliedTransition {
  chat: ChatRow;
  message: MessageRow;
  /** Whether its events went to the outbox (a webhook listens): delivery starts once committed. */
  recorded: boolean;
}

/** Where a committed change is announced. */
export interface ChatPublisher {
  message(message: CarriedMessage): Promise<void>;
  /** The chat as the change left it, with the message its change wrote (its last, no files). */
  chat(chat: ChatRow, lastMessage: CarriedMessage): Promise<void>;
}

export class ChatTransitions {
  constructor(
    private readonly repository: ChatRepository,
    private readonly publish: ChatPublisher,
    private readonly events: ChatEvents,
  ) {}

  /**
   * Applies `transition` to the chat in one transaction (guard, update, SYSTEM
   * message at the next seq, its events in the outbox when anyone listens),
   * then publishes the message and the chat. Null,
   * with nothing written, when the guard does not hold: the caller says why.
   */
  async apply<A>(chatId: string, transition: ChatTransition<A>, args: A, hooks: TransitionHooks = {}): Promise<ChatRow | null> {
    const result = await writing(() =>
      this.repository.transaction(async (runner) => {
        await hooks.before?.(runner);
        const applied = await this.applyIn(runner, chatId, transition, args);
        if (!applied) throw new RollbackWith(null);
        await hooks.after?.(runner, applied.chat);
        return applied;
      }),
    );
    if (!result) return null;
    await this.published(result);
    return result.chat;
  }

  /**
   * The same change inside the caller's transaction (routing assigns and
   * records why in one): nothing is published; after commit the caller hands
   * the result to `published`. Null when the guard does not hold.
   */
  async applyIn<A>(runner: QueryRunner, chatId: string, transition: ChatTransition<A>, args: A): Promise<AppliedTransition | null> {
    const from = (args as { from?: string | null }).from;
    const guard = from === undefined ? transition.guard : { ...transition.guard, agentId: from };
    const changes = transition.changes(args);
    const chat = await this.repository.changeChat(runner, chatId, guard, changes);
    if (!chat) return null;
    const notice = transition.notice(args);
    const message = (await this.repository.insertMessage(runner, chat, MessageKind.SYSTEM, null, noticeSentence(notice), null, notice)) as MessageRow;
    const moved = changes.status !== undefined || changes.agentId !== undefined;
    const recorded = await this.events.record(runner, chat.id, transitionEvents(moved, chat, message));
    return { chat, message, recorded };
  }

  /**
   * applyIn for many chats at once, in two statements whatever their number
   * (the changes and their SYSTEM messages in one; the outbox's rows, when a
   * webhook listens, one INSERT per chat as applyIn writes them). For
   * transitions without `from`; the chats that fail the guard are left out,
   * the others in the order given. Publish each result with `published`.
   */
  async applyManyIn<A>(runner: QueryRunner, transition: ChatTransition<A>, items: ReadonlyArray<{ chatId: string; args: A }>): Promise<AppliedTransition[]> {
    const changed = await this.repository.changeChatsWithNotices(
      runner,
      transition.guard,
      items.map(({ chatId, args }) => {
        if ((args as { from?: unknown }).from !== undefined) throw new Error('applyManyIn: transitions with `from` go through applyIn');
        return { chatId, changes: transition.changes(args), notice: transition.notice(args) };
      }),
    );
    if (!changed.length) return [];
    // One transition: the same columns change for every chat.
    const changes = transition.changes(items[0].args);
    const moved = changes.status !== undefined || changes.agentId !== undefined;
    const out: AppliedTransition[] = [];
    for (const { chat, message } of changed) {
      const recorded = await this.events.record(runner, chat.id, transitionEvents(moved, chat, message));
      out.push({ chat, message, recorded });
    }
    return out;
  }

  /** Announces a committed change: the outbox's delivery, its message, then the chat. */
  async published(result: AppliedTransition): Promise<void> {
    if (result.recorded) this.events.committed(result.chat.id);
    const carried: CarriedMessage = { ...result.message, attached: false };
    await this.publish.message(carried);
    // The SYSTEM message was written at the chat's new lastSeq under the row's lock: the event's last message.
    await this.publish.chat(result.chat, carried);
  }
}
