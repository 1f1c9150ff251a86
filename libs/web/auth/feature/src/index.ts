export * from './lib/sign-in.page';
export * from './lib/sign-up.page';
