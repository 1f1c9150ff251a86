export * from './lib/inbox-views';
export * from './lib/inbox.store';
