import { Check, Column, Entity, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '@parley/api/auth';
import { ChatEntity } from '@parley/api/chat';

/**
 * How far one person has read one chat: the chat's customer, and each agent
 * or admin who had it (a transfer gives the new agent a mark of their own).
 * No row means nothing read (0).
 */
@Entity('chat_read_marks')
@Check('CHK_chat_read_marks_seq', 'seq >= 0')
export class ChatReadMarkEntity {
  @PrimaryColumn('uuid')
  chatId: string;

  @ManyToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chatId' })
  chat?: ChatEntity;

  @PrimaryColumn('uuid')
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity;

  /** The highest seq read; it only ever moves up. */
  @Column('integer')
  seq: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}

/** The customer's rating of a closed chat; rating again replaces it. */
@Entity('chat_ratings')
@Check('CHK_chat_ratings_rating', 'rating BETWEEN 1 AND 5')
export class ChatRatingEntity {
  @PrimaryColumn('uuid')
  chatId: string;

  @OneToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chatId' })
  chat?: ChatEntity;

  @Column('smallint')
  rating: number;

  @Column('text', { nullable: true })
  comment: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}

export const CHAT_ACTIVITY_ENTITIES = [ChatReadMarkEntity, ChatRatingEntity];
