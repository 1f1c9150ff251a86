export * from './lib/avatar.component';
export * from './lib/connection-banner.component';
export * from './lib/spinner.component';
export * from './lib/logo.component';
export * from './lib/language-picker.component';
