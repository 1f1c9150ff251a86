export * from './lib/time';
export * from './lib/ids';
export * from './lib/backoff';
export * from './lib/initials';
export * from './lib/locale';
export * from './lib/notice';
