export * from './lib/conversation.page';
