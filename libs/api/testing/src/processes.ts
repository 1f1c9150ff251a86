// The process-level half of the harness, without the in-process server: what
// the benchmark loads (tools/bench/lib/harness.mjs bundles this entry).
export * from './lib/test-database';
export * from './lib/graphql-client';
export * from './lib/people';
export * from './lib/processes';
export * from './lib/api-process';
