import DataLoader from 'dataloader';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { badUserInput, isUuid, notFound, scopedValue, type RequestContext } from '@parley/api/core';
import { queryRows } from '@parley/api/database';

/** What an anonymous browser sends to be counted once: a random token it keeps. */
export const BROWSER_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

export interface FeedbackCounts {
  helpful: number;
  notHelpful: number;
}

const COUNTS_LOADER = Symbol('articleFeedbackCounts');

/** "Did this help?" answers on articles, and their counts for staff. */
export class ArticleFeedbackService {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores (or changes) the voter's answer; NOT_FOUND for an unknown article. */
  async answer(articleId: string, helpful: boolean, voter: { userId: string } | { browserToken: string | null | undefined }): Promise<void> {
    let key: string;
    if ('userId' in voter) key = `user:${voter.userId}`;
    else if (voter.browserToken && BROWSER_TOKEN.test(voter.browserToken)) key = `browser:${voter.browserToken}`;
    else throw badUserInput([{ field: 'browserToken', message: 'Sign in, or send 16 to 64 letters, digits, - or _.' }]);
    if (!isUuid(articleId)) throw notFound('article');
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO article_feedback (id, "articleId", voter, helpful)
       SELECT $1, a.id, $3, $4 FROM articles a WHERE a.id = $2
       ON CONFLICT ("articleId", voter) DO UPDATE SET helpful = EXCLUDED.helpful, "updatedAt" = now()
       RETURNING id`,
      [randomUUID(), articleId, key, helpful],
    );
    if (!rows.length) throw notFound('article');
  }

  /** Counts per article, batched within one request (a page of search hits costs one query). */
  counts(ctx: RequestContext, articleId: string): Promise<FeedbackCounts> {
    const loader = scopedValue(
      ctx,
      COUNTS_LOADER,
      () =>
        new DataLoader<string, FeedbackCounts>(async (ids) => {
          const rows = await queryRows<{ articleId: string; helpful: number; notHelpful: number }>(
            this.dataSource,
            `SELECT "articleId", count(*) FILTER (WHERE helpful)::int AS helpful, count(*) FILTER (WHERE NOT helpful)::int AS "notHelpful"
             FROM article_feedback WHERE "articleId" = ANY($1::uuid[]) GROUP BY "articleId"`,
            [ids],
          );
          const byId = new Map(rows.map((row) => [row.articleId, { helpful: row.helpful, notHelpful: row.notHelpful }]));
          return ids.map((id) => byId.get(id) ?? { helpful: 0, notHelpful: 0 });
        }),
    );
    return loader.load(articleId);
  }
}
