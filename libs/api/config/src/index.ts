export * from './lib/config';
export * from './lib/password-policy';
