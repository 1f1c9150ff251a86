export * from './lib/chat-shell.page';
export * from './lib/chat-home.page';
export * from './lib/new-chat.page';
export * from './lib/conversation.page';
