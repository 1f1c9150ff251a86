import type { DataSource, QueryRunner } from 'typeorm';
import DataLoader from 'dataloader';
import {
  RateLimits,
  badUserInput,
  checkPageSize,
  decodeCursor,
  forbidden,
  isStaff,
  isUuid,
  notFound,
  Role,
  scopedValue,
  type RequestContext,
  type Viewer,
} from '@parley/api/core';
import { pgErrorCode, PG_UNIQUE_VIOLATION } from '@parley/api/database';
import { DEFAULT_PAGE_SIZES, LIMITS } from '@parley/shared/limits';
import { displayNameOf } from '@parley/api/auth';
import { alreadyAccepted, chatClosed, writing } from './chat.errors';
import { assertCanView, assertParticipant, canView } from './chat.access';
import { ChatRepository, OPEN_STATUSES, type WithMessage } from './chat.repository';
import { ChatTransitions, TRANSITIONS, type StopBotNotice } from './chat.transitions';
import { MessageNoticeCode } from './message-notice';
import { ChatHooks } from './chat.hooks';
import { ChatLive } from './chat-live';
import { ChatStart } from './chat-start';
import { ChatEvents, isCustomerVisible } from './chat.events';
import { MessagePages, type MessagePage, type MessagePageArgs } from './message-pages';
import { MessageStream, type MessageObserver } from './message-stream';
import { HandoverWords } from './handover-words';
import { ALL_CHATS, type ChatPubSub } from './chat.topics';
import { ChatStatus, MessageKind, type CarriedMessage, type ChatConnection, type ChatRow, type ChatUpdate, type MessageRow } from './chat.type';
import { chatConnection, isChatCursor } from './chat-connection';
import type { SendMessageInput, StartChatInput } from './chat.inputs';
import type { MessageAttachments } from './message-attachments';

/** The queue lists at most this many waiting chats, oldest first. */
const QUEUE_LIMIT = 200;

const LAST_MESSAGE_LOADER = Symbol('lastMessageLoader');
const CHAT_LOADER = Symbol('chatLoader');

/**
 * The rules of chatting: who may see and do what, which state change a
 * request makes, and what is published once it is committed. SQL lives in
 * the repository, state changes in the transitions, paging and live delivery
 * in their own units, and what other domains plug in (a bot, the team's
 * assignments, files, listeners) in `hooks` (chat.hooks.ts).
 */
export class ChatService {
  readonly messages: MessageStream;
  readonly pages: MessagePages;
  /** The outbox of chat events (webhooks): every writer of a chat records its events here in its transaction. */
  readonly events = new ChatEvents();
  /** What a customer handed to a person is told about the wait. */
  readonly handover = new HandoverWords();
  /** Where other domains plug in: a bot, the team's assignments and state changes, files, listeners. */
  readonly hooks: ChatHooks;
  /** The subscriptions: messageAdded, chatUpdated, typingChanged. */
  readonly live: ChatLive;
  private readonly repository: ChatRepository;
  private readonly transitions: ChatTransitions;
  private readonly starts: ChatStart;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: ChatPubSub,
    private readonly limits: RateLimits = new RateLimits(0),
    observer: MessageObserver = {},
  ) {
    this.repository = new ChatRepository(dataSource);
    this.messages = new MessageStream(this.repository, pubsub, observer);
    this.pages = new MessagePages(this.repository);
    this.transitions = new ChatTransitions(this.repository, {
      message: (message) => this.messages.publish(message),
      chat: (chat, lastMessage) => this.publishChat(chat, lastMessage),
    }, this.events);
    this.hooks = new ChatHooks(this.transitions);
    this.starts = new ChatStart(this.repository, limits, this.events, this.hooks, {
      chat: (chat, lastMessage) => this.publishChat(chat, lastMessage),
      message: (message) => this.messages.publish(message),
    });
    this.live = new ChatLive(this.messages, pubsub, (chatId) => this.findChat(chatId));
  }

  // ---------------------------------------------------------------- reads

  /** A chat the viewer may see; null when there is no such chat. */
  async findVisibleChat(viewer: Viewer, chatId: string): Promise<ChatRow | null> {
    const chat = await this.findChat(chatId);
    if (!chat) return null;
    assertCanView(viewer, chat);
    return chat;
  }

  /** As findVisibleChat, with one page of its messages read in the same statement (MessagePages.chatWithPage). */
  async findVisibleChatWithPage(ctx: RequestContext, viewer: Viewer, chatId: string, args: MessagePageArgs): Promise<ChatRow | null> {
    const chat = await this.pages.chatWithPage(ctx, viewer, chatId, args);
    return chat === undefined ? this.findVisibleChat(viewer, chatId) : chat;
  }

  messagesPage(ctx: RequestContext, chat: ChatRow, args: MessagePageArgs): Promise<MessagePage> {
    return this.pages.page(ctx, chat, args);
  }

  async listChats(viewer: Viewer, status: ChatStatus | null | undefined, first?: number | null, after?: string | null): Promise<ChatConnection> {
    const problems = checkPageSize('first', first, LIMITS.pageSizeMax);
    const cursor = after == null ? null : decodeCursor(after, isChatCursor);
    if (after != null && !cursor) problems.push({ field: 'after', message: 'is not a cursor from this list' });
    if (problems.length) throw badUserInput(problems);

    const size = first ?? DEFAULT_PAGE_SIZES.chats;
    const rows = await this.repository.listChats({
      customerId: viewer.role === Role.CUSTOMER ? viewer.id : undefined,
      status,
      before: cursor ? [cursor[1], cursor[2]] : null,
      limit: size + 1,
    });
    return chatConnection(rows, size, cursor !== null);
  }

  /** QUEUED chats, oldest first: `first` of them (QUEUE_LIMIT when omitted) after the chat `after` names. */
  queue(first?: number | null, after?: string | null): Promise<ChatRow[]> {
    const problems = checkPageSize('first', first, QUEUE_LIMIT);
    if (after != null && !isUuid(after)) problems.push({ field: 'after', message: 'is not the id of a chat' });
    if (problems.length) throw badUserInput(problems);
    return this.repository.queue(first ?? QUEUE_LIMIT, after ?? null);
  }

  /** How many chats wait, however many that is. */
  queueLength(): Promise<number> {
    return this.repository.queueLength();
  }

  /** 1 for the oldest waiting chat; null when the chat is not waiting. */
  queuePosition(chatId: string): Promise<number | null> {
    return this.repository.queuePosition(chatId);
  }

  /** The newest message of each chat, batched per request; the one a chatActivity or chatUpdated event carries, without a read. */
  lastMessage(ctx: RequestContext, chat: ChatRow): Promise<MessageRow | null> {
    const carried = (chat as ChatUpdate).lastMessage;
    if (carried) return Promise.resolve(carried);
    const loader = scopedValue(
      ctx,
      LAST_MESSAGE_LOADER,
      () =>
        new DataLoader<string, MessageRow | null>(async (chatIds) => {
          const byChat = new Map((await this.repository.lastMessages(chatIds)).map((row) => [row.chatId, row]));
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
          const byId = new Map((await this.repository.findChats(ids)).map((row) => [row.id, row]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
    );
    return loader.load(chatId);
  }

  /** The chat, or null when there is none (or the id cannot name one). No visibility check: callers decide. */
  findChat(chatId: string): Promise<ChatRow | null> {
    return isUuid(chatId) ? this.repository.findChat(chatId) : Promise.resolve(null);
  }

  canView(viewer: Viewer, chat: Pick<ChatRow, 'customerId'>): boolean {
    return canView(viewer, chat);
  }

  // ---------------------------------------------------------------- writes

  /** See ChatStart: one statement in the common case, idempotent with a clientMessageId. */
  startChat(viewer: Viewer, input: StartChatInput): Promise<ChatRow> {
    return this.starts.start(viewer, input);
  }

  /**
   * The hot path: one statement in the common case (ChatRepository.send).
   * Anything unusual (no such chat, not allowed, closed, a racing duplicate)
   * falls back to the slower path that says exactly what is wrong.
   */
  async sendMessage(viewer: Viewer, input: SendMessageInput): Promise<MessageRow> {
    const clientMessageId = input.clientMessageId ?? null;
    const body = input.body.trim();
    const kind = viewer.role === Role.CUSTOMER ? MessageKind.CUSTOMER : MessageKind.AGENT;
    if (!isUuid(input.chatId)) throw notFound('chat');
    await this.limits.consume('sendPerUser', viewer.id);
    // Files go with the message in its one transaction; without them the send stays one statement.
    if (input.attachmentIds?.length) {
      return this.sendInTransaction(viewer, input.chatId, { kind, body, clientMessageId }, this.hooks.attaching(viewer.id, input.attachmentIds));
    }
    const participant = viewer.role === Role.CUSTOMER ? 'customerId' : 'agentId';
    let sent;
    // Only while a webhook takes message.created: the statement records it too (still one statement).
    const outbox = this.events.sendStatementPart({ message: 'inserted', chat: 'bumped' });
    try {
      sent = await writing(() => this.repository.send(participant, { chatId: input.chatId, senderId: viewer.id, clientMessageId, kind, body }, outbox));
    } catch (error) {
      // Two identical sends raced: the loser's whole statement rolled back (no seq spent).
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && clientMessageId) {
        const existing = await this.repository.findByClientId(input.chatId, viewer.id, clientMessageId);
        if (existing) return existing;
      }
      throw error;
    }
    // Allowed and open after all (it changed in between)? The transactional path says what is wrong.
    if (!sent) return this.sendInTransaction(viewer, input.chatId, { kind, body, clientMessageId });
    if (sent.outcome === 'inserted') {
      if (outbox) this.events.committed(sent.message.chatId);
      // Sent without files, so it never has any: its events and its answer say so (no read of its attachments).
      const carried: CarriedMessage = { ...sent.message, attached: false };
      await this.messages.publish(carried);
      await this.publishActivity(sent.chat, carried);
      // The chat's state comes along, so listeners (the bot) need not read it again.
      this.hooks.messageSent(sent.message, sent.chat);
      return carried;
    }
    return sent.message;
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
    // The guard makes this the race's referee: one agent's update matches, the others' do not.
    const accepted = await this.transitions.apply(chatId, TRANSITIONS.accept, { agentId: viewer.id, name }, this.hooks.acceptHooks(chatId, viewer.id));
    if (accepted) return accepted;
    const now = await this.requireChat(chatId);
    if (now.status === ChatStatus.CLOSED) throw chatClosed();
    if (now.agentId === viewer.id) return now;
    throw alreadyAccepted();
  }

  async closeChat(viewer: Viewer, chatId: string): Promise<ChatRow> {
    const chat = await this.requireChat(chatId);
    const mayClose =
      viewer.role === Role.ADMIN ||
      (viewer.role === Role.CUSTOMER && chat.customerId === viewer.id) ||
      (viewer.role === Role.AGENT && chat.agentId === viewer.id);
    if (!mayClose) {
      assertCanView(viewer, chat);
      throw forbidden("Only the chat's customer, its agent or an admin may close it.");
    }
    if (chat.status === ChatStatus.CLOSED) return chat;
    const name = await this.displayName(viewer.id);
    return (await this.transitions.apply(chatId, TRANSITIONS.close, { name })) ?? this.requireChat(chatId);
  }

  /** The chat's customer asks for a person: the bot stops for good. Idempotent. */
  async requestHuman(viewer: Viewer, chatId: string): Promise<ChatRow> {
    const chat = await this.requireChat(chatId);
    if (viewer.role !== Role.CUSTOMER || chat.customerId !== viewer.id) {
      throw forbidden("Only the chat's customer may ask for a person.");
    }
    if (chat.status === ChatStatus.CLOSED) throw chatClosed();
    const notice: StopBotNotice = { code: MessageNoticeCode.PERSON_REQUESTED, ...(await this.handover.wait()) };
    return (await this.stopBot(chatId, notice)) ?? this.requireChat(chatId);
  }

  /** Turns the bot off with a SYSTEM message saying so; null when it was already off or the chat is closed (nothing changed). */
  stopBot(chatId: string, notice: StopBotNotice): Promise<ChatRow | null> {
    return this.transitions.apply(chatId, TRANSITIONS.stopBot, { notice });
  }

  /**
   * The bot's reply, stored only while the chat is still QUEUED with the bot on
   * (checked under the row lock, so no reply lands after a handover); null otherwise.
   */
  async appendBotMessage(chatId: string, body: string): Promise<MessageRow | null> {
    const appended = await this.repository.appendMessage(
      chatId,
      { status: [ChatStatus.QUEUED], botActive: true },
      { kind: MessageKind.BOT, senderId: null, body, clientMessageId: null },
      this.recordMessage,
    );
    if (typeof appended === 'string') return null;
    this.events.committed(chatId);
    const carried: CarriedMessage = { ...appended.message, attached: false };
    await this.messages.publish(carried);
    await this.publishActivity(appended.chat, carried);
    return appended.message;
  }

  async setTyping(viewer: Viewer, chatId: string, typing: boolean): Promise<boolean> {
    const chat = await this.requireChat(chatId);
    assertParticipant(viewer, chat);
    if (chat.status === ChatStatus.CLOSED) throw chatClosed();
    await this.pubsub.publish('typingChanged', chat.id, { chatId: chat.id, userId: viewer.id, typing });
    return true;
  }

  /**
   * Another domain changed these chats outside the chat domain's own writes
   * (the visitor domain moved an anonymous visitor's chats to the identified
   * customer): chatUpdated tells every subscriber who may see them now.
   */
  async chatsChanged(chatIds: readonly string[]): Promise<void> {
    if (!chatIds.length) return;
    for (const chat of await this.repository.findChats(chatIds)) await this.publishChat(chat);
  }

  /** The attachments domain registers here at start (the same as `hooks.useAttachments`). */
  useAttachments(attachments: MessageAttachments): void {
    this.hooks.useAttachments(attachments);
  }

  // ---------------------------------------------------------------- helpers

  /** The slower send: checks the chat and says what is wrong, then appends in one transaction (with `withMessage`'s work). */
  private async sendInTransaction(
    viewer: Viewer,
    chatId: string,
    content: { kind: MessageKind; body: string; clientMessageId: string | null },
    withMessage?: WithMessage,
  ): Promise<MessageRow> {
    const chat = await this.requireChat(chatId);
    assertParticipant(viewer, chat);
    if (chat.status === ChatStatus.CLOSED) throw chatClosed();
    // The files (if any) and the outbox's message.created go in the message's own transaction.
    const written: WithMessage = async (runner, changed, message) => {
      await withMessage?.(runner, changed, message);
      return this.recordMessage(runner, changed, message);
    };
    const appended = await writing(() => this.repository.appendMessage(chat.id, { status: OPEN_STATUSES }, { ...content, senderId: viewer.id }, written));
    if (appended === 'refused') throw chatClosed();
    if (appended === 'duplicate') return (await this.repository.findByClientId(chat.id, viewer.id, content.clientMessageId as string)) as MessageRow;
    this.events.committed(chat.id);
    // Files only when the send named some (then Message.attachments reads them); its events and its answer say so.
    const carried: CarriedMessage = { ...appended.message, attached: Boolean(withMessage) };
    await this.messages.publish(carried);
    // The chat as this message left it, not as it was read before the send.
    await this.publishActivity(appended.chat, carried);
    this.hooks.messageSent(appended.message);
    return carried;
  }

  /** message.created in the outbox, inside the message's transaction. */
  private readonly recordMessage = (runner: QueryRunner, chat: ChatRow, message: MessageRow) =>
    this.events.record(runner, chat.id, [{ type: 'message.created', chat, message }]);

  private async requireChat(chatId: string): Promise<ChatRow> {
    const chat = await this.findChat(chatId);
    if (!chat) throw notFound('chat');
    return chat;
  }

  private async displayName(userId: string): Promise<string> {
    return (await displayNameOf(this.dataSource, userId)) ?? 'Someone';
  }

  /**
   * A new message in a customer's chat: their chatUpdated shows the chat again,
   * as the message left it and with it as its last message, so no subscriber
   * reads either (changes of state go through publishChat). Only kinds the
   * customer may see (an allow-list), so nothing else ever rides along.
   */
  private async publishActivity(chat: ChatRow, message: CarriedMessage): Promise<void> {
    if (!isCustomerVisible(message.kind)) return;
    await this.pubsub.publish('chatActivity', chat.customerId, { ...chat, lastMessage: message });
  }

  /**
   * chatUpdated, to staff and the chat's customer alike. With the message the
   * change wrote at the chat's lastSeq, the event carries it as the chat's
   * last message (ChatUpdate): only a kind the customer may see (the same
   * allow-list as chatActivity) and only the one that row names.
   */
  private async publishChat(chat: ChatRow, lastMessage?: CarriedMessage): Promise<void> {
    const carried = lastMessage && lastMessage.seq === chat.lastSeq && isCustomerVisible(lastMessage.kind);
    const event: ChatUpdate = carried ? { ...chat, lastMessage } : chat;
    await this.pubsub.publish('chatUpdated', ALL_CHATS, event);
    this.hooks.chatChanged(chat);
  }
}
