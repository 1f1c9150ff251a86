export * from './lib/widget.page';
// WidgetConversationComponent is not exported: the page loads it with @defer, and a static export here would
// put the whole conversation (message list, its stores) into the first load.
