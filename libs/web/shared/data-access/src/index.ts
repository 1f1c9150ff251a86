export * from './lib/session-access';
export * from './lib/app-error';
export * from './lib/realtime';
export * from './lib/apollo';
