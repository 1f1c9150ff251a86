export { HelpSearchGQL, HelpArticleGQL } from './generated/graphql';
export type { HelpSearchQuery, HelpArticleQuery } from './generated/graphql';
