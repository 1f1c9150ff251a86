export * from './lib/widget.page';
export * from './lib/widget-conversation.component';
