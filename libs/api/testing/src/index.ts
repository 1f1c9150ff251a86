export * from './lib/test-database';
export * from './lib/test-server';
export * from './lib/graphql-client';
export * from './lib/people';
export * from './lib/processes';
export * from './lib/api-process';
export * from './lib/fleet';
export * from './lib/smtp-receiver';
export * from './lib/test-cast';
export * from './lib/live';
export * from './lib/statement-log';
// the integrator's end of webhooks, for tests outside the API (the browser's, say)
export { WebhookReceiver, type Received as ReceivedWebhook } from '@parley/api/integrations/testing';
