export * from './lib/message-log';
export * from './lib/typing-notifier';
export * from './lib/draft.store';
export * from './lib/chat-list.store';
export * from './lib/conversation.store';
export type { ChatStatus, MessageKind, ChatSummaryFragment, ChatMessageFragment, PersonFragment } from './generated/graphql';
export { REQUEST_HUMAN_IN_SCHEMA } from './generated/assist';
export * from './lib/send-retry';
export * from './lib/typing-people';
