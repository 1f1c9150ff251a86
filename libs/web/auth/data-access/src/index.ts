export * from './lib/session.store';
export * from './lib/session-refresher';
export * from './lib/auth.service';
export * from './lib/guards';
export * from './lib/form-errors';
export type { SessionUserFragment } from './generated/graphql';
export * from './lib/provide-auth';
