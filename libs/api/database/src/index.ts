export * from './lib/data-source';
export * from './lib/embedded-postgres';
export * from './lib/migrate';
export * from './lib/postgres-errors';
export * from './lib/sql';
