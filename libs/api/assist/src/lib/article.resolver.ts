import { Arg, Authorized, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Public, Role } from '@parley/api/core';
import { ArticleService } from './article.service';
import { ArticleInput, ARTICLE_LIMITS } from './article.inputs';
import { Article, ArticleHit, type ArticleHitRow, type ArticleRow } from './article.type';

@Resolver(() => Article)
export class ArticleResolver {
  constructor(private readonly articles: ArticleService) {}

  // Public: the help center's pages are read without signing in; the anonymous and
  // searchArticles rate limits still apply. Every mutation below stays staff-only.
  @Public()
  @Query(() => [ArticleHit], { description: 'Anyone, signed in or not: knowledge-base search, best match first.' })
  searchArticles(
    @Arg('query', { description: `1 to ${ARTICLE_LIMITS.queryMax} characters, in the customer's own words.` }) query: string,
    @Arg('first', () => Int, { nullable: true, description: `1 to ${ARTICLE_LIMITS.firstMax}; ${ARTICLE_LIMITS.firstDefault} when omitted.` })
    first?: number | null,
    @Arg('tags', () => [String], { nullable: true, description: 'Only articles carrying at least one of these tags.' })
    tags?: string[] | null,
  ): Promise<ArticleHitRow[]> {
    return this.articles.search(query, { first, tags });
  }

  @Public()
  @Query(() => Article, { nullable: true, description: 'Anyone, signed in or not: one article, or null when there is none.' })
  article(@Arg('id', () => ID) id: string): Promise<ArticleRow | null> {
    return this.articles.find(id);
  }

  @Authorized(Role.AGENT, Role.ADMIN)
  @Mutation(() => Article, { description: 'Agents and admins.' })
  createArticle(@Arg('input', () => ArticleInput) input: ArticleInput): Promise<ArticleRow> {
    return this.articles.create(input);
  }

  @Authorized(Role.AGENT, Role.ADMIN)
  @Mutation(() => Article, { description: 'Agents and admins.' })
  updateArticle(@Arg('id', () => ID) id: string, @Arg('input', () => ArticleInput) input: ArticleInput): Promise<ArticleRow> {
    return this.articles.update(id, input);
  }

  @Authorized(Role.AGENT, Role.ADMIN)
  @Mutation(() => Boolean, { description: 'Agents and admins.' })
  deleteArticle(@Arg('id', () => ID) id: string): Promise<boolean> {
    return this.articles.delete(id);
  }
}
