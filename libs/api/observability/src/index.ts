// Keep this entry light: apps/api loads it before anything tracing instruments (pg, express, graphql, http).
export * from './lib/metrics';
export * from './lib/request-plugin';
export * from './lib/socket-observer';
export * from './lib/metrics-endpoint';
export * from './lib/database-metrics';
export * from './lib/tracing';
export * from './lib/log-safety';
