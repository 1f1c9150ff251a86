export { HelpSearchGQL, HelpArticleGQL, RateArticleGQL } from './generated/graphql';
export type { HelpSearchQuery, HelpArticleQuery } from './generated/graphql';
export * from './lib/browser-token';
