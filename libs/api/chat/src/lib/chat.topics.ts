import type { PubSub } from '@parley/api/core';
import type { CarriedMessage, ChatUpdate, ChatWithLastMessage, TypingPayload } from './chat.type';

/**
 * The live topics of the chat domain; messageAdded and typingChanged are
 * keyed by chat id, chatUpdated by ALL_CHATS, chatActivity by the chat's
 * customer.
 */
export interface ChatTopics extends Record<string, unknown> {
  /** A new message, as its writer carries it (`attached: false` when sent without files). */
  messageAdded: CarriedMessage;
  /** The chat as a change left it; with its last message when the writer knew it (ChatUpdate). */
  chatUpdated: ChatUpdate;
  typingChanged: TypingPayload;
  /**
   * A chat of this customer has a new message (a kind they may see): their
   * chatUpdated shows the chat as it carries it (one subscription keeps their
   * whole list current, and no subscriber reads the chat again).
   */
  chatActivity: ChatWithLastMessage;
}

export const ALL_CHATS = 'all';

export type ChatPubSub = PubSub<ChatTopics>;
