// A second entry point: the message box alone, without the message list (see data-access/src/compose.ts).
export * from './lib/composer.component';
export * from './lib/support-status-note.component';
