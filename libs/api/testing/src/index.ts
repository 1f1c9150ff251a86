export * from './lib/test-database';
export * from './lib/test-server';
export * from './lib/graphql-client';
export * from './lib/people';
export * from './lib/processes';
export * from './lib/api-process';
export * from './lib/fleet';
export * from './lib/smtp-receiver';
