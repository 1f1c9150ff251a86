import { conflict, forbidden, Role, type RateLimits, type Viewer } from '@parley/api/core';
import { writing } from './chat.errors';
import type { ChatEvents } from './chat.events';
import type { ChatHooks } from './chat.hooks';
import type { ChatRepository, WithMessage } from './chat.repository';
import type { CarriedMessage, ChatRow } from './chat.type';
import type { StartChatInput } from './chat.inputs';

/** What a started chat is published through (the service's chatUpdated and messageAdded). */
export interface StartPublisher {
  /** The new chat, with its first message (its last so far). */
  chat(chat: ChatRow, lastMessage: CarriedMessage): Promise<void>;
  message(message: CarriedMessage): Promise<void>;
}

/**
 * A customer starts a chat with its first message: what a website visitor
 * does first, so one statement in the common case (ChatRepository.startChat),
 * which also finds the chat an earlier start with the same clientMessageId
 * made (a retry, a double click): that one comes back, never a second chat.
 */
export class ChatStart {
  constructor(
    private readonly repository: ChatRepository,
    private readonly limits: RateLimits,
    private readonly events: ChatEvents,
    private readonly hooks: ChatHooks,
    private readonly publish: StartPublisher,
  ) {}

  async start(viewer: Viewer, input: StartChatInput): Promise<ChatRow> {
    if (viewer.role !== Role.CUSTOMER) throw forbidden('Only customers start chats.');
    const clientMessageId = input.clientMessageId ?? null;
    try {
      await this.limits.consume('startChatPerUser', viewer.id);
    } catch (error) {
      // Over the limit, a start already made is still given back: retrying it starts nothing.
      const existing = clientMessageId ? await this.repository.findStartedChat(viewer.id, clientMessageId) : null;
      if (existing) return existing;
      throw error;
    }
    const subject = input.subject?.trim() || null;
    // A customer's open chats are capped (RateLimits.maxOpenChatsPerCustomer); a start already made is not counted again.
    const maxOpenChats = this.limits.maxOpenChatsPerCustomer();
    const attach = this.hooks.attaching(viewer.id, input.attachmentIds);
    let recorded = false;
    // Nothing else to write (no uploads, no webhook wants these events): the start is one statement.
    const alone = !attach && !this.events.wants('chat.created') && !this.events.wants('message.created');
    const withMessage: WithMessage | undefined = alone
      ? undefined
      : async (runner, chat, message) => {
          await attach?.(runner, chat, message);
          recorded = await this.events.record(runner, chat.id, [
            { type: 'chat.created', chat },
            { type: 'message.created', chat, message },
          ]);
        };
    const botActive = await this.hooks.botActive();
    const result = await writing(() =>
      this.repository.startChat({ customerId: viewer.id, subject, body: input.message.trim(), clientMessageId, maxOpenChats, withMessage, botActive }),
    );
    if (result === 'too many open') throw conflict(`You have ${maxOpenChats} open conversations; close one to start another.`);
    // Lost a race with the same start: give back the chat the other request made.
    if (!result) return (await this.repository.findStartedChat(viewer.id, clientMessageId as string)) as ChatRow;
    if (result.outcome === 'existing') return result.chat;
    if (recorded) this.events.committed(result.chat.id);
    // Files are named only in this transaction: without uploads the first message has none, ever.
    const carried: CarriedMessage = { ...result.message, attached: Boolean(attach) };
    await this.publish.chat(result.chat, carried);
    await this.publish.message(carried);
    this.hooks.messageSent(result.message, result.chat);
    return result.chat;
  }
}
