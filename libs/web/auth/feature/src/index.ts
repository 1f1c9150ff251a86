export * from './lib/sign-in.page';
export * from './lib/sign-up.page';
export * from './lib/forgot-password.page';
export * from './lib/reset-password.page';
