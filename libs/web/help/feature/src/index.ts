export * from './lib/help-home.page';
export * from './lib/help-article.page';
