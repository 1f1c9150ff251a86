export * from './lib/server';
export * from './lib/schema';
export * from './lib/logger';
