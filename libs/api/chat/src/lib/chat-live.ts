import { AsyncQueue, notFound, Role, type DeliveryGate, type Viewer } from '@parley/api/core';
import { assertCanView, canView } from './chat.access';
import { ALL_CHATS, type ChatPubSub } from './chat.topics';
import type { ChatRow, MessageRow, TypingPayload } from './chat.type';
import type { MessageStream } from './message-stream';

/** The chat domain's subscriptions: each opens a queue of what the viewer may see, checked again per event. */
export class ChatLive {
  constructor(
    private readonly messages: MessageStream,
    private readonly pubsub: ChatPubSub,
    private readonly findChat: (chatId: string) => Promise<ChatRow | null>,
  ) {}

  /** messageAdded: see MessageStream. */
  messageStream(viewer: Viewer, chatId: string, afterSeq: number | null | undefined, delivery?: DeliveryGate): Promise<AsyncQueue<MessageRow>> {
    return this.messages.open(viewer, chatId, afterSeq, delivery);
  }

  /**
   * chatUpdated: every chat for agents and admins, a customer's own chats for
   * them; a customer's also with each new message (their list's last message
   * and unread mark, through one subscription). The chatActivity event carries
   * the chat as that message left it, and the message: no subscriber reads the
   * chat again, and one object per instance lets the customer's subscriptions
   * share one execution (decision 011). The access check stays per subscriber.
   */
  chatUpdates(viewer: Viewer): AsyncQueue<ChatRow> {
    const stops: Array<() => void> = [];
    const queue = new AsyncQueue<ChatRow>(() => stops.forEach((stop) => stop()));
    if (viewer.role !== Role.CUSTOMER) {
      stops.push(this.pubsub.subscribe('chatUpdated', ALL_CHATS, (chat) => canView(viewer, chat) && queue.push(chat)));
      return queue;
    }
    // Per chat, the newest lastSeq this subscription has shown. Every change of
    // state writes a message, so it has a higher lastSeq than any message before
    // it: a message's event that lost a race with a later change is dropped
    // rather than shown over it (the chat is not read again to find out).
    const shown = new Map<string, number>();
    const show = (chat: ChatRow) => {
      shown.set(chat.id, Math.max(shown.get(chat.id) ?? 0, chat.lastSeq));
      queue.push(chat);
    };
    stops.push(
      this.pubsub.subscribe('chatUpdated', ALL_CHATS, (chat) => canView(viewer, chat) && show(chat)),
      this.pubsub.subscribe('chatActivity', viewer.id, (chat) => {
        if (canView(viewer, chat) && (shown.get(chat.id) ?? 0) < chat.lastSeq) show(chat);
      }),
    );
    return queue;
  }

  /** typingChanged: the others' typing in a chat the viewer may see. */
  async typingStream(viewer: Viewer, chatId: string): Promise<AsyncQueue<TypingPayload>> {
    const chat = await this.findChat(chatId);
    if (!chat) throw notFound('chat');
    assertCanView(viewer, chat);
    const queue = new AsyncQueue<TypingPayload>(() => unsubscribe());
    const unsubscribe = this.pubsub.subscribe('typingChanged', chatId, (event) => {
      if (event.userId !== viewer.id) queue.push(event);
    });
    return queue;
  }
}
