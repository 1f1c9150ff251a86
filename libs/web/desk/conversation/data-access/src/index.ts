export * from './lib/desk-conversation';
export * from './lib/open-chats.store';
export * from './lib/rows';
export * from './lib/canned-lookup';
