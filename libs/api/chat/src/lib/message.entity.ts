import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '@parley/api/auth';
import { ChatEntity } from './chat.entity';
import { MessageKind } from './chat.type';
import type { MessageNoticeRow } from './message-notice';

@Entity('messages')
// Full-text search of bodies (GIN on an expression, made by hand in its migration: TypeORM must leave it alone).
@Index('IDX_messages_search', { synchronize: false })
// The team report: a chat's first AGENT message and the bot's last one, without reading its customer's messages.
@Index('IDX_messages_chat_kind_seq', ['chatId', 'kind', 'seq'], { where: `"kind" <> 'CUSTOMER'` })
@Index('UQ_messages_chat_seq', ['chatId', 'seq'], { unique: true })
@Index('UQ_messages_chat_sender_client_id', ['chatId', 'senderId', 'clientMessageId'], {
  unique: true,
  where: '"clientMessageId" IS NOT NULL',
})
export class MessageEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  chatId: string;

  @ManyToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chatId' })
  chat?: ChatEntity;

  @Column('integer')
  seq: number;

  @Column({ type: 'enum', enum: MessageKind, enumName: 'message_kind' })
  kind: MessageKind;

  @Column('uuid', { nullable: true })
  senderId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'senderId' })
  sender?: UserEntity | null;

  @Column('text')
  body: string;

  @Column('text', { nullable: true })
  clientMessageId: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  /** A SYSTEM message's notice (MessageNoticeRow); null for every other kind. */
  @Column('jsonb', { nullable: true })
  notice: MessageNoticeRow | null;
}
