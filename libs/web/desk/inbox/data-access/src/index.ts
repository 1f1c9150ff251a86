export * from './lib/inbox-views';
export * from './lib/inbox.store';
export * from './lib/status-label';
export * from './lib/team.store';
export * from './lib/search.store';
