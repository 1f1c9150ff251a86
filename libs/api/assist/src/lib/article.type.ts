import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

/** A stored article as the services pass it around. */
export interface ArticleRow {
  id: string;
  slug: string | null;
  title: string;
  body: string;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface ArticleHitRow {
  article: ArticleRow;
  score: number;
  snippet: string;
}

@ObjectType('Article', { simpleResolvers: true, description: 'A help-center article the bot and agents answer from.' })
export class Article implements Omit<ArticleRow, 'slug'> {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  @Field({ description: 'Markdown.' })
  body: string;

  @Field(() => [String])
  tags: string[];

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

@ObjectType('ArticleHit', { simpleResolvers: true })
export class ArticleHit implements ArticleHitRow {
  @Field(() => Article)
  article: ArticleRow;

  @Field(() => Float, { description: 'Relevance; higher is better. Only comparable within one search.' })
  score: number;

  @Field({ description: 'A short extract of the article around the words that matched.' })
  snippet: string;
}

@ObjectType('ArticleFeedback', { simpleResolvers: true, description: '"Did this help?" answers on an article (agents and admins).' })
export class ArticleFeedback {
  @Field(() => Int, { description: 'Readers who answered yes.' })
  helpful: number;

  @Field(() => Int, { description: 'Readers who answered no.' })
  notHelpful: number;
}
