import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

/** "Did this help?" on an article: one answer per voter (a signed-in user, or an anonymous browser's token), changeable. */
@Entity('article_feedback')
@Index('UQ_article_feedback_voter', ['articleId', 'voter'], { unique: true })
export class ArticleFeedbackEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  articleId: string;

  // Answers go with their article.
  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'articleId' })
  article?: ArticleEntity;

  /** `user:<id>` or `browser:<token>`: never shown to anyone. */
  @Column('text')
  voter: string;

  @Column('boolean')
  helpful: boolean;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
