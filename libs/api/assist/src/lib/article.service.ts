import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { badUserInput, isUuid, notFound, SingleFlight, type FieldProblem } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import { ARTICLE_LIMITS, type ArticleInput } from './article.inputs';
import type { ArticleHitRow, ArticleRow } from './article.type';
import type { ArticleFile } from './knowledge-files';
import { rewriteQuery, type Vocabulary } from './query-rewrite';

const COLUMNS = `a.id, a.slug, a.title, a.body, a.tags, a."createdAt", a."updatedAt"`;
const RETURNING = `id, slug, title, body, tags, "createdAt", "updatedAt"`;
/** Plain-text extract around the matches: about two sentences. */
const HEADLINE_OPTIONS = 'MaxWords=35, MinWords=15, MaxFragments=1, StartSel="", StopSel="", FragmentDelimiter=" … "';
/** How long the spelling vocabulary is trusted before it is read again (other instances may have edited articles). */
const VOCABULARY_TTL_MS = 30_000;

export interface SearchOptions {
  first?: number | null;
  tags?: string[] | null;
}

/**
 * The knowledge base: articles, and search in PostgreSQL itself (a weighted
 * tsvector, websearch_to_tsquery, ts_rank_cd, ts_headline), helped by
 * spelling fixes and customers' synonyms, with a trigram fallback for titles.
 */
export class ArticleService {
  /** For spelling fixes: read again after VOCABULARY_TTL_MS, and at once after an edit here. */
  private readonly vocabulary = new SingleFlight(() => this.readVocabulary(), { keepMs: VOCABULARY_TTL_MS });
  /** Whether pg_trgm is installed: read once (a failed read is tried again). */
  private readonly trigrams = new SingleFlight(() => this.readTrigrams(), { keepMs: Infinity });

  /** `changed`: told after articles were created, imported or deleted (the instances' caches of hasArticles forget). */
  constructor(
    private readonly dataSource: DataSource,
    private readonly changed: () => Promise<void> = async () => undefined,
  ) {}

  async find(id: string): Promise<ArticleRow | null> {
    if (!isUuid(id)) return null;
    const [row] = await queryRows<ArticleRow>(this.dataSource, `SELECT ${COLUMNS} FROM articles a WHERE a.id = $1`, [id]);
    return row ?? null;
  }

  async create(input: ArticleInput): Promise<ArticleRow> {
    const { title, body, tags } = normalise(input);
    const [row] = await queryRows<ArticleRow>(
      this.dataSource,
      `INSERT INTO articles (id, title, body, tags) VALUES ($1, $2, $3, $4) RETURNING ${RETURNING}`,
      [randomUUID(), title, body, tags],
    );
    this.vocabulary.forget();
    await this.changed();
    return row;
  }

  async update(id: string, input: ArticleInput): Promise<ArticleRow> {
    if (!isUuid(id)) throw notFound('article');
    const { title, body, tags } = normalise(input);
    const [row] = await queryRows<ArticleRow>(
      this.dataSource,
      `UPDATE articles SET title = $2, body = $3, tags = $4, "updatedAt" = now() WHERE id = $1 RETURNING ${RETURNING}`,
      [id, title, body, tags],
    );
    if (!row) throw notFound('article');
    this.vocabulary.forget();
    return row;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) throw notFound('article');
    const rows = await queryRows<{ id: string }>(this.dataSource, `DELETE FROM articles WHERE id = $1 RETURNING id`, [id]);
    if (!rows.length) throw notFound('article');
    this.vocabulary.forget();
    await this.changed();
    return true;
  }

  /** Adds or updates articles by slug; returns how many were created and updated. */
  async importArticles(files: ArticleFile[]): Promise<{ created: number; updated: number }> {
    let created = 0;
    let updated = 0;
    for (const file of files) {
      const { title, body, tags } = normalise(file);
      const [row] = await queryRows<{ inserted: boolean }>(
        this.dataSource,
        `INSERT INTO articles (id, slug, title, body, tags) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (slug) WHERE slug IS NOT NULL
         DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, tags = EXCLUDED.tags, "updatedAt" = now()
         RETURNING (xmax = 0) AS inserted`,
        [randomUUID(), file.slug, title, body, tags],
      );
      if (row.inserted) created++;
      else updated++;
    }
    this.vocabulary.forget();
    if (created) await this.changed();
    return { created, updated };
  }

  async hasArticles(): Promise<boolean> {
    const [{ any }] = await queryRows<{ any: boolean }>(this.dataSource, `SELECT EXISTS (SELECT 1 FROM articles) AS any`);
    return any;
  }

  /** Loads `files` only when there is no article at all (first start of a demo). */
  async seedIfEmpty(files: () => ArticleFile[]): Promise<number> {
    if (await this.hasArticles()) return 0;
    return (await this.importArticles(files())).created;
  }

  /** Best match first. BAD_USER_INPUT for an empty or overlong query, or `first` outside 1..20. */
  async search(query: string, options: SearchOptions = {}): Promise<ArticleHitRow[]> {
    const problems: FieldProblem[] = [];
    const text = query.trim();
    if (text.length < 1 || [...text].length > ARTICLE_LIMITS.queryMax) {
      problems.push({ field: 'query', message: `must be 1 to ${ARTICLE_LIMITS.queryMax} characters` });
    }
    const first = options.first ?? ARTICLE_LIMITS.firstDefault;
    if (!Number.isInteger(first) || first < 1 || first > ARTICLE_LIMITS.firstMax) {
      problems.push({ field: 'first', message: `must be from 1 to ${ARTICLE_LIMITS.firstMax}` });
    }
    if (problems.length) throw badUserInput(problems);
    const tags = options.tags?.length ? options.tags.map((tag) => tag.trim().toLowerCase()) : null;

    const terms = rewriteQuery(text, await this.vocabulary.get());
    if (terms.length) {
      const hits = await this.fullText(terms, first, tags);
      if (hits.length) return hits;
    }
    return (await this.trigrams.get()) ? this.similarTitles(text, first, tags) : [];
  }

  /**
   * Articles matching any term, scored per term: ts_rank_cd (title above body,
   * length-normalised), saturated so one word repeated cannot outweigh several
   * different ones, and weighted by how rare the term is (a word many articles
   * use, like "order", counts little). The sum is squashed into 0..1.
   */
  private async fullText(terms: string[], first: number, tags: string[] | null): Promise<ArticleHitRow[]> {
    const rows = await queryRows<ArticleRow & { score: number; snippet: string }>(
      this.dataSource,
      `WITH q AS (SELECT websearch_to_tsquery('english', $1) AS query),
       terms AS (
         SELECT DISTINCT ON (tq::text) tq AS query
         FROM unnest($5::text[]) AS t(term), LATERAL plainto_tsquery('english', t.term) AS tq
         WHERE numnode(tq) > 0
       ),
       total AS (SELECT count(*)::float8 AS n FROM articles),
       weighted AS (
         SELECT terms.query, ln(1 + total.n / (1 + (SELECT count(*) FROM articles d WHERE d.search @@ terms.query))) AS weight
         FROM terms, total
       ),
       matches AS (
         SELECT ${COLUMNS}, (SELECT sum(w.weight * ts_rank_cd(a.search, w.query, 1) / (ts_rank_cd(a.search, w.query, 1) + 1)) FROM weighted w) AS raw
         FROM articles a, q
         WHERE a.search @@ q.query AND ($2::text[] IS NULL OR a.tags && $2::text[])
         ORDER BY raw DESC, a.title
         LIMIT $3
       )
       SELECT m.id, m.slug, m.title, m.body, m.tags, m."createdAt", m."updatedAt", m.raw / (m.raw + 1) AS score,
         ts_headline('english', m.body, q.query, $4) AS snippet
       FROM matches m, q
       ORDER BY m.raw DESC, m.title`,
      [terms.join(' or '), tags, first, HEADLINE_OPTIONS, terms],
    );
    return rows.map(toHit);
  }

  /** When no word matched: titles that look like the query (typos the spelling fix missed). */
  private async similarTitles(text: string, first: number, tags: string[] | null): Promise<ArticleHitRow[]> {
    const rows = await queryRows<ArticleRow & { score: number; snippet: string }>(
      this.dataSource,
      `SELECT ${COLUMNS}, word_similarity($1, a.title) AS score, left(a.body, 200) AS snippet
       FROM articles a
       WHERE word_similarity($1, a.title) >= 0.4 AND ($2::text[] IS NULL OR a.tags && $2::text[])
       ORDER BY score DESC, a."updatedAt" DESC
       LIMIT $3`,
      [text, tags, first],
    );
    return rows.map(toHit);
  }

  private async readTrigrams(): Promise<boolean> {
    const [row] = await queryRows<{ present: boolean }>(
      this.dataSource,
      `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS present`,
    );
    return row.present;
  }

  private async readVocabulary(): Promise<Vocabulary> {
    const rows = await queryRows<{ word: string; ndoc: number }>(
      this.dataSource,
      `SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('simple', title || ' ' || body) FROM articles$$)
       WHERE word ~ '^[a-z]+$'`,
    );
    return { words: new Map(rows.map((row) => [row.word, Number(row.ndoc)])) };
  }
}

function normalise(input: { title: string; body: string; tags?: string[] | null }) {
  return {
    title: input.title.trim(),
    body: input.body.trim(),
    tags: [...new Set((input.tags ?? []).map((tag) => tag.trim().toLowerCase()).filter(Boolean))],
  };
}

function toHit(row: ArticleRow & { score: number; snippet: string }): ArticleHitRow {
  const { score, snippet, ...article } = row;
  return { article, score: Number(score), snippet: snippet.replace(/\s+/g, ' ').trim() };
}
