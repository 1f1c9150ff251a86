export * from './lib/sign-in.page';
export * from './lib/desk-shell.page';
export * from './lib/keys';
export * from './lib/admin.page';
export * from './lib/forgot-password.page';
