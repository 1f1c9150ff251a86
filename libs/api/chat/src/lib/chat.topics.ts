import type { PubSub } from '@parley/api/core';
import type { ChatRow, MessageRow, TypingPayload } from './chat.type';

/** The live topics of the chat domain; messageAdded and typingChanged are keyed by chat id, chatUpdated by ALL_CHATS. */
export interface ChatTopics extends Record<string, unknown> {
  messageAdded: MessageRow;
  chatUpdated: ChatRow;
  typingChanged: TypingPayload;
}

export const ALL_CHATS = 'all';

export type ChatPubSub = PubSub<ChatTopics>;
