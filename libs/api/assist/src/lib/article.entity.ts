import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The weighted document searched: the title counts more (A) than the body (B). */
export const ARTICLE_SEARCH_EXPRESSION =
  "setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(body, '')), 'B')";

@Entity('articles')
// Created by hand in the migration (GIN, trigram): TypeORM cannot express them, so it must leave them alone.
@Index('IDX_articles_search', { synchronize: false })
@Index('IDX_articles_title_trgm', { synchronize: false })
@Index('UQ_articles_slug', ['slug'], { unique: true, where: '"slug" IS NOT NULL' })
export class ArticleEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Stable name from an imported file, so importing again updates instead of duplicating. */
  @Column('text', { nullable: true })
  slug: string | null;

  @Column('text')
  title: string;

  @Column('text')
  body: string;

  @Column('text', { array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'tsvector', select: false, insert: false, update: false, generatedType: 'STORED', asExpression: ARTICLE_SEARCH_EXPRESSION })
  search?: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
