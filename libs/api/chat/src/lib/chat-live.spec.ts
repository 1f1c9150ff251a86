import { randomUUID } from 'node:crypto';
import { LocalPubSub, Role, type AsyncQueue, type Viewer } from '@parley/api/core';
import { ChatLive } from './chat-live';
import { ALL_CHATS, type ChatTopics } from './chat.topics';
import { ChatStatus, MessageKind, type ChatRow, type ChatWithLastMessage } from './chat.type';
import type { MessageStream } from './message-stream';

const customer: Viewer = { id: randomUUID(), role: Role.CUSTOMER, expiresAt: Number.MAX_SAFE_INTEGER };

function chatAt(lastSeq: number, status: ChatStatus, customerId = customer.id): ChatRow {
  const at = new Date();
  return { id: CHAT_ID, subject: null, status, customerId, agentId: null, lastSeq, botActive: false, createdAt: at, updatedAt: at, closedAt: null };
}
const CHAT_ID = randomUUID();
const activity = (lastSeq: number, customerId = customer.id): ChatWithLastMessage => ({
  ...chatAt(lastSeq, ChatStatus.ACTIVE, customerId),
  lastMessage: { id: randomUUID(), chatId: CHAT_ID, seq: lastSeq, kind: MessageKind.AGENT, senderId: null, body: `message ${lastSeq}`, clientMessageId: null, createdAt: new Date(), notice: null },
});

/** What the queue has been handed so far (the pubsub here delivers as it publishes). */
async function drain(queue: AsyncQueue<ChatRow>): Promise<ChatRow[]> {
  const seen: ChatRow[] = [];
  for (;;) {
    const next = await Promise.race([queue.next(), new Promise<null>((resolve) => setImmediate(() => resolve(null)))]);
    if (!next) return seen;
    seen.push(next.value as ChatRow);
  }
}

describe("ChatLive.chatUpdates, a customer's", () => {
  let pubsub: LocalPubSub<ChatTopics>;
  let live: ChatLive;
  beforeEach(() => {
    pubsub = new LocalPubSub<ChatTopics>();
    // chatUpdates never reads a chat: a findChat that is called fails the test.
    live = new ChatLive({} as MessageStream, pubsub, () => Promise.reject(new Error('read a chat')));
  });

  it('shows each message as its event carries it, the same object every subscriber is handed', async () => {
    const tabs = [live.chatUpdates(customer), live.chatUpdates(customer)];
    const event = activity(4);
    await pubsub.publish('chatActivity', customer.id, event);
    for (const tab of tabs) {
      const [shown, ...more] = await drain(tab);
      expect(shown).toBe(event);
      expect(more).toEqual([]);
    }
  });

  it("drops a message's event that arrives after a later change of the chat", async () => {
    const queue = live.chatUpdates(customer);
    const closed = chatAt(6, ChatStatus.CLOSED);
    await pubsub.publish('chatActivity', customer.id, activity(4));
    await pubsub.publish('chatUpdated', ALL_CHATS, closed);
    // The message at 5 was published after the close at 6 (it lost the race to the pubsub).
    await pubsub.publish('chatActivity', customer.id, activity(5));
    expect((await drain(queue)).map((chat) => [chat.lastSeq, chat.status])).toEqual([
      [4, ChatStatus.ACTIVE],
      [6, ChatStatus.CLOSED],
    ]);
  });

  it("never shows a chat that is not the customer's own", async () => {
    const queue = live.chatUpdates(customer);
    // Not a channel it listens on, and not its chat either: checked per event all the same.
    await pubsub.publish('chatActivity', customer.id, activity(3, randomUUID()));
    await pubsub.publish('chatUpdated', ALL_CHATS, chatAt(3, ChatStatus.QUEUED, randomUUID()));
    expect(await drain(queue)).toEqual([]);
  });
});
