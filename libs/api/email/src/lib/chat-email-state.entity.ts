import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ChatEntity } from '@parley/api/chat';

/** Per chat: how far the customer has been told of the agent's replies by email, and when last. */
@Entity('chat_email_state')
export class ChatEmailStateEntity {
  @PrimaryColumn('uuid')
  chatId: string;

  @ManyToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chatId' })
  chat?: ChatEntity;

  /** Agent replies up to this seq were emailed, or seen live: no email repeats them. */
  @Column('integer', { default: 0 })
  notifiedSeq: number;

  /** The last reply email of this chat (at most one every 5 minutes). */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastEmailAt: Date | null;
}
