import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '@parley/api/auth';
import { ChatStatus } from './chat.type';

@Entity('chats')
@Index('IDX_chats_status_updated', ['status', 'updatedAt'])
@Index('IDX_chats_updated', ['updatedAt', 'id'])
@Index('IDX_chats_customer_updated', ['customerId', 'updatedAt'])
@Index('IDX_chats_queue', ['status', 'createdAt'])
// Each agent's ACTIVE chats: counted under the capacity lock at every assignment, listed when they leave.
@Index('IDX_chats_agent_active', ['agentId', 'createdAt'], { where: `"status" = 'ACTIVE'` })
// The team report's range of creation dates.
@Index('IDX_chats_created', ['createdAt'])
// Full-text search of subjects (GIN on an expression, made by hand in its migration: TypeORM must leave it alone).
@Index('IDX_chats_subject_search', { synchronize: false })
@Index('UQ_chats_customer_start_client_id', ['customerId', 'startClientMessageId'], {
  unique: true,
  where: '"startClientMessageId" IS NOT NULL',
})
export class ChatEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { nullable: true })
  subject: string | null;

  @Column({ type: 'enum', enum: ChatStatus, enumName: 'chat_status', default: ChatStatus.QUEUED })
  status: ChatStatus;

  @Column('uuid')
  customerId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customerId' })
  customer?: UserEntity;

  @Column('uuid', { nullable: true })
  agentId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'agentId' })
  agent?: UserEntity | null;

  /** The per-chat message counter: the seq of the newest message. Bumped under the row lock, so seqs have no gaps. */
  @Column('integer', { default: 0 })
  lastSeq: number;

  @Column('boolean', { default: true })
  botActive: boolean;

  /** The clientMessageId of startChat, which makes starting a chat idempotent. */
  @Column('text', { nullable: true })
  startClientMessageId: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  closedAt: Date | null;
}
