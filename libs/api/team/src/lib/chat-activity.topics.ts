import type { PubSub } from '@parley/api/core';
import type { ChatRatedEvent, ReadReceiptEvent } from './chat-activity.type';

/**
 * Live topics of read marks and ratings: `readReceipt` keyed by chat id;
 * `chatRated` keyed by ALL_CHATS (the domain event webhooks deliver as `chat.rated`).
 */
export interface ChatActivityTopics extends Record<string, unknown> {
  readReceipt: ReadReceiptEvent;
  chatRated: ChatRatedEvent;
}

export const CHAT_ACTIVITY_TOPICS: readonly (keyof ChatActivityTopics & string)[] = ['readReceipt', 'chatRated'];

export type ChatActivityPubSub = PubSub<ChatActivityTopics>;
