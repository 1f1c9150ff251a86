import { RollbackWith } from '@parley/api/database';
import { writing } from './chat.errors';
import { transitionEvents, type ChatEvents } from './chat.events';
import { OPEN_STATUSES, type ChatChanges, type ChatGuard, type ChatRepository } from './chat.repository';
import { ChatStatus, MessageKind, type ChatRow, type MessageRow } from './chat.type';

/**
 * One change of a chat's state: the rows it applies to (checked under the
 * row's lock, so of two racing changes one wins), the columns it sets, and
 * the SYSTEM message that tells the chat what happened.
 */
export interface ChatTransition<A> {
  guard: ChatGuard;
  changes(args: A): ChatChanges;
  notice(args: A): string;
}

/** Every state change of a chat. A new one is an entry here and a call of `ChatTransitions.apply`. */
export const TRANSITIONS = {
  /** An agent (or admin) takes a waiting chat; the bot stops. */
  accept: {
    guard: { status: [ChatStatus.QUEUED] },
    changes: ({ agentId }) => ({ status: ChatStatus.ACTIVE, agentId, botActive: false }),
    notice: ({ name }) => `${name} joined the chat.`,
  } satisfies ChatTransition<{ agentId: string; name: string }>,
  close: {
    guard: { status: OPEN_STATUSES },
    changes: () => ({ status: ChatStatus.CLOSED, closedAt: 'now', botActive: false }),
    notice: ({ name }) => `Chat closed by ${name}.`,
  } satisfies ChatTransition<{ name: string }>,
  /** The bot stops for good (the customer asked for a person). */
  stopBot: {
    guard: { status: OPEN_STATUSES, botActive: true },
    changes: () => ({ botActive: false }),
    notice: ({ notice }) => notice,
  } satisfies ChatTransition<{ notice: string }>,
};

/** Where a committed change is announced. */
export interface ChatPublisher {
  message(message: MessageRow): Promise<void>;
  chat(chat: ChatRow): Promise<void>;
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
  async apply<A>(chatId: string, transition: ChatTransition<A>, args: A): Promise<ChatRow | null> {
    const result = await writing(() =>
      this.repository.transaction(async (runner) => {
        const changes = transition.changes(args);
        const chat = await this.repository.changeChat(runner, chatId, transition.guard, changes);
        if (!chat) throw new RollbackWith(null);
        const message = (await this.repository.insertMessage(runner, chat, MessageKind.SYSTEM, null, transition.notice(args), null)) as MessageRow;
        const moved = changes.status !== undefined || changes.agentId !== undefined;
        const recorded = await this.events.record(runner, chat.id, transitionEvents(moved, chat, message));
        return { chat, message, recorded };
      }),
    );
    if (!result) return null;
    if (result.recorded) this.events.committed(result.chat.id);
    await this.publish.message(result.message);
    await this.publish.chat(result.chat);
    return result.chat;
  }
}
