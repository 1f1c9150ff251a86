export * from './lib/admin-layout.component';
export * from './lib/reports.page';
export * from './lib/articles.page';
export * from './lib/article-editor.page';
export * from './lib/feedback.page';
export * from './lib/business-hours.page';
export * from './lib/webhooks.page';
