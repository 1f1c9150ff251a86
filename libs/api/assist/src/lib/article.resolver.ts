import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Public, requireViewer, Role, type RequestContext } from '@parley/api/core';
import { ArticleConnection, ArticleList, ArticleOrder, ARTICLE_LIST_LIMITS } from './article-list';
import { ArticleFeedbackService } from './article-feedback.service';
import { ArticleService } from './article.service';
import { ArticleInput, ARTICLE_LIMITS } from './article.inputs';
import { Article, ArticleFeedback, ArticleHit, type ArticleHitRow, type ArticleRow } from './article.type';

@Resolver(() => Article)
export class ArticleResolver {
  constructor(
    private readonly articles: ArticleService,
    private readonly feedbackService: ArticleFeedbackService,
    private readonly list: ArticleList,
  ) {}

  @Query(() => ArticleConnection, { name: 'articles', description: 'Admins: every article in the knowledge base, a page at a time (FORBIDDEN for anyone else).' })
  listArticles(
    @Ctx() ctx: RequestContext,
    @Arg('orderBy', () => ArticleOrder, { nullable: true, description: 'TITLE when omitted.' }) orderBy?: ArticleOrder | null,
    @Arg('first', () => Int, { nullable: true, description: `1 to ${ARTICLE_LIST_LIMITS.firstMax}; ${ARTICLE_LIST_LIMITS.firstDefault} when omitted.` })
    first?: number | null,
    @Arg('after', () => String, { nullable: true, description: "The endCursor of the previous page, in the same order." }) after?: string | null,
  ): Promise<ArticleConnection> {
    return this.list.page(requireViewer(ctx), { orderBy, first, after });
  }

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

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Anyone: "Did this help?" on an article. One answer per signed-in user, or per anonymous browser (its browserToken: a random 16 to 64 letters, digits, - or _ it keeps); answering again changes the answer.',
  })
  async rateArticle(
    @Arg('articleId', () => ID) articleId: string,
    @Arg('helpful') helpful: boolean,
    @Arg('browserToken', () => String, { nullable: true, description: 'Required without a token; ignored with one.' }) browserToken: string | null | undefined,
    @Ctx() ctx: RequestContext,
  ): Promise<boolean> {
    await this.feedbackService.answer(articleId, helpful, ctx.viewer ? { userId: ctx.viewer.id } : { browserToken });
    return true;
  }

  @Authorized(Role.AGENT, Role.ADMIN)
  @FieldResolver(() => ArticleFeedback, { description: 'Agents and admins: how readers answered "Did this help?".' })
  feedback(@Root() article: Article, @Ctx() ctx: RequestContext): Promise<ArticleFeedback> {
    return this.feedbackService.counts(ctx, article.id);
  }
}
