import { defineModule, ServiceKey } from '@parley/api/core';
import { METRICS, tracedPubSub } from '@parley/api/observability';
import { ChatEntity } from './chat.entity';
import { MessageEntity } from './message.entity';
import { ChatService } from './chat.service';
import { CHAT_SUBSCRIPTIONS, ChatResolver, type MessageAddedArgs } from './chat.resolver';
import { MessageResolver } from './message.resolver';
import type { ChatPubSub, ChatTopics } from './chat.topics';
import type { ChatRow, MessageRow } from './chat.type';

/** The chat service, for the domains built on chats (assist). */
export const CHAT_SERVICE = new ServiceKey<ChatService>('chat service');

const TOPICS: readonly (keyof ChatTopics & string)[] = ['messageAdded', 'chatUpdated', 'typingChanged', 'chatActivity'];

/** Chats and their messages: the queue, state changes, paging and live delivery. */
export const chatModule = defineModule({
  name: 'chat',
  entities: [ChatEntity, MessageEntity],
  resolvers: [ChatResolver, MessageResolver],
  topics: TOPICS,
  directFields: [
    { resolver: MessageResolver, type: 'Message', field: 'sender', call: (r: MessageResolver, message: MessageRow, _args, ctx) => r.sender(message, ctx) },
    // Run once per subscriber for every event: the subscription's own `subscribe` has checked the viewer and its arguments.
    {
      resolver: ChatResolver,
      type: 'Subscription',
      field: 'messageAdded',
      call: (r: ChatResolver, message: MessageRow, args: MessageAddedArgs) => r.messageAdded(message, args.chatId, args.afterSeq),
    },
    { resolver: ChatResolver, type: 'Subscription', field: 'chatUpdated', call: (r: ChatResolver, chat: ChatRow) => r.chatUpdated(chat) },
  ],
  // A chatUpdated reaches every agent: one execution and one JSON text per event for all of them.
  sharedEvents: ['messageAdded', 'chatUpdated'],
  create({ dataSource, pubsub, limits, services }) {
    const chats = new ChatService(dataSource, tracedPubSub(pubsub as ChatPubSub), limits, services.get(METRICS));
    services.provide(CHAT_SERVICE, chats);
    return {
      resolvers: [new ChatResolver(chats, dataSource), new MessageResolver(chats, dataSource)],
      subscriptionContext: { [CHAT_SUBSCRIPTIONS]: chats },
    };
  },
});
