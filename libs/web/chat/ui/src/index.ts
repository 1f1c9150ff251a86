export * from './lib/timeline-rows';
export * from './lib/chat-status-badge.component';
export * from './lib/typing-indicator.component';
export * from './lib/composer.component';
export * from './lib/message-list.component';
export * from './lib/rich-text';
export * from './lib/message-body.component';
export * from './lib/attachment-list.component';
