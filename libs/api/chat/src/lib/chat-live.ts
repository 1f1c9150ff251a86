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
   * and unread mark, through one subscription). The chat is read as the event
   * arrives, by the customer's own subscription, so the sender's path stays
   * one statement; it goes through the same check and fields as any other.
   */
  chatUpdates(viewer: Viewer): AsyncQueue<ChatRow> {
    const stops: Array<() => void> = [];
    const queue = new AsyncQueue<ChatRow>(() => stops.forEach((stop) => stop()));
    stops.push(
      this.pubsub.subscribe('chatUpdated', ALL_CHATS, (chat) => {
        if (canView(viewer, chat)) queue.push(chat);
      }),
    );
    if (viewer.role === Role.CUSTOMER) {
      stops.push(
        this.pubsub.subscribe('chatActivity', viewer.id, ({ chatId }) => {
          this.findChat(chatId).then(
            (chat) => chat && canView(viewer, chat) && queue.push(chat),
            () => undefined, // the next message or a reload brings it
          );
        }),
      );
    }
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
