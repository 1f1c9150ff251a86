export * from './lib/inbox.page';
export * from './lib/empty-pane.component';
