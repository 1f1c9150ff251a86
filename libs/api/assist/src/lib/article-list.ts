import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { DataSource } from 'typeorm';
import { badUserInput, decodeCursor, encodeCursor, forbidden, isPgInteger, Role, type FieldProblem, type Viewer } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import { PageInfo } from '@parley/api/chat';
import { Article, type ArticleRow } from './article.type';

export enum ArticleOrder {
  TITLE = 'TITLE',
  UPDATED = 'UPDATED',
  HELPFUL = 'HELPFUL',
  NOT_HELPFUL = 'NOT_HELPFUL',
}

registerEnumType(ArticleOrder, {
  name: 'ArticleOrder',
  description: 'How the articles list is sorted; ties go by title.',
  valuesConfig: {
    TITLE: { description: 'By title, A to Z (case-insensitive).' },
    UPDATED: { description: 'Most recently updated first.' },
    HELPFUL: { description: 'Most "helpful" answers first, then fewest "not helpful".' },
    NOT_HELPFUL: { description: 'Most "not helpful" answers first, then fewest "helpful".' },
  },
});

export const ARTICLE_LIST_LIMITS = { firstMax: 100, firstDefault: 50 } as const;

@ObjectType('ArticleEdge', { simpleResolvers: true })
export class ArticleEdge {
  @Field()
  cursor: string;

  @Field(() => Article)
  node: ArticleRow;
}

@ObjectType('ArticleConnection', { simpleResolvers: true })
export class ArticleConnection {
  @Field(() => [ArticleEdge])
  edges: ArticleEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Every article in the knowledge base.' })
  totalCount: number;
}

// Each order ends with the id, so a page boundary never splits or repeats a tie.
const ORDER_BY: Record<ArticleOrder, string> = {
  [ArticleOrder.TITLE]: `lower(a.title), a.id`,
  [ArticleOrder.UPDATED]: `a."updatedAt" DESC, a.id`,
  [ArticleOrder.HELPFUL]: `helpful DESC, "notHelpful", lower(a.title), a.id`,
  [ArticleOrder.NOT_HELPFUL]: `"notHelpful" DESC, helpful, lower(a.title), a.id`,
};

type Position = { offset: number };
const isPosition = (value: unknown): value is Position =>
  typeof value === 'object' && value !== null && isPgInteger((value as Position).offset) && (value as Position).offset >= 0;

/**
 * The admins' list of articles, a page at a time, in any of the orders the
 * editor and the feedback screen offer. The cursor is a position in that
 * order: a knowledge base is hundreds of articles, edited rarely, so an
 * offset costs little and lets the order be by feedback counts.
 */
export class ArticleList {
  constructor(private readonly dataSource: DataSource) {}

  async page(viewer: Viewer, options: { orderBy?: ArticleOrder | null; first?: number | null; after?: string | null }): Promise<ArticleConnection> {
    if (viewer.role !== Role.ADMIN) throw forbidden('Only admins list the knowledge base.');
    const problems: FieldProblem[] = [];
    const first = options.first ?? ARTICLE_LIST_LIMITS.firstDefault;
    if (!Number.isInteger(first) || first < 1 || first > ARTICLE_LIST_LIMITS.firstMax) {
      problems.push({ field: 'first', message: `must be from 1 to ${ARTICLE_LIST_LIMITS.firstMax}` });
    }
    const position = options.after == null ? { offset: 0 } : decodeCursor(options.after, isPosition);
    if (!position) problems.push({ field: 'after', message: 'is not a cursor of this list' });
    if (problems.length || !position) throw badUserInput(problems);

    const orderBy = ORDER_BY[options.orderBy ?? ArticleOrder.TITLE];
    const [rows, [{ total }]] = await Promise.all([
      queryRows<ArticleRow & { helpful: number; notHelpful: number }>(
        this.dataSource,
        `SELECT a.id, a.slug, a.title, a.body, a.tags, a."createdAt", a."updatedAt",
           COALESCE(f.helpful, 0) AS helpful, COALESCE(f."notHelpful", 0) AS "notHelpful"
         FROM articles a
         LEFT JOIN (
           SELECT "articleId", count(*) FILTER (WHERE helpful)::int AS helpful, count(*) FILTER (WHERE NOT helpful)::int AS "notHelpful"
           FROM article_feedback GROUP BY "articleId"
         ) f ON f."articleId" = a.id
         ORDER BY ${orderBy}
         OFFSET $1 LIMIT $2`,
        [position.offset, first + 1],
      ),
      queryRows<{ total: number }>(this.dataSource, `SELECT count(*)::int AS total FROM articles`),
    ]);
    const edges = rows.slice(0, first).map(({ helpful: _h, notHelpful: _n, ...node }, i) => ({
      cursor: encodeCursor({ offset: position.offset + i + 1 }),
      node,
    }));
    return {
      edges,
      totalCount: total,
      pageInfo: {
        hasNextPage: rows.length > first,
        hasPreviousPage: position.offset > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
