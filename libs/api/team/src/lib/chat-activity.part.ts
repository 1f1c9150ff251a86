import type { DataSource } from 'typeorm';
import { ServiceKey, type PubSub } from '@parley/api/core';
import type { ChatService } from '@parley/api/chat';
import { ChatActivityRepository } from './chat-activity.repository';
import type { ChatFields } from './chat-fields';
import { CHAT_ACTIVITY_SUBSCRIPTIONS, ChatActivityFieldResolver, ChatActivityResolver } from './chat-activity.resolver';
import { ChatActivityService } from './chat-activity.service';
import type { ChatActivityPubSub } from './chat-activity.topics';
import { ChatSearchRepository } from './chat-search.repository';
import { ChatSearchService } from './chat-search.service';
import { TeamReportRepository } from './team-report.repository';
import { TeamReportService } from './team-report.service';

/** Read marks and ratings, for the domains listed after the team (`onRated` or the `chatRated` topic; chat.rated reaches the chat's outbox through `useRecorder`). */
export const CHAT_ACTIVITY_SERVICE = new ServiceKey<ChatActivityService>('chat activity service');

export const CHAT_ACTIVITY_RESOLVERS = [ChatActivityResolver, ChatActivityFieldResolver];

/** The team module's part for read marks, ratings, chat search and the team report. */
export function createChatActivity(dataSource: DataSource, pubsub: PubSub<Record<string, unknown>>, chats: ChatService, fields: ChatFields) {
  const activity = new ChatActivityService(dataSource, chats, new ChatActivityRepository(dataSource), pubsub as ChatActivityPubSub);
  const search = new ChatSearchService(new ChatSearchRepository(dataSource));
  const reports = new TeamReportService(new TeamReportRepository(dataSource));
  // chat.rated goes to the chat's outbox (webhooks) in the rating's own transaction.
  activity.useRecorder({
    record: async (runner, event) => {
      await chats.events.chatRated(runner, event.chat, { rating: event.rating, ratingComment: event.ratingComment });
    },
    committed: (chatId) => chats.events.committed(chatId),
  });
  return {
    activity,
    resolvers: [new ChatActivityResolver(activity, search, reports, dataSource), new ChatActivityFieldResolver(activity, fields)],
    subscriptionContext: { [CHAT_ACTIVITY_SUBSCRIPTIONS]: activity },
  };
}
