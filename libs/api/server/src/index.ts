export * from './lib/server';
export * from './lib/schema';
export * from './lib/logger';
export * from './lib/migrate-only';
