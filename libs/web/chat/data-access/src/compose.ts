// A second entry point: what writing a first message needs (the chat list, drafts, uploads), without the
// conversation's stores. The widget's first screen imports this so that its first load stays small; a
// bundler puts every module a barrel names into the chunk that imports the barrel.
export * from './lib/chat-list.store';
export * from './lib/draft.store';
export * from './lib/attachment-client';
export * from './lib/pending-files';
export * from './lib/support-status.store';
export * from './lib/rating-prompts';
