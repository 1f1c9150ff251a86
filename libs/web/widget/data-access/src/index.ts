export * from './lib/host-channel';
export * from './lib/host-bridge';
export * from './lib/widget-storage';
export * from './lib/visitor-session';
export * from './lib/unread';
export * from './lib/widget-settings.store';
export * from './lib/visitor-email';
