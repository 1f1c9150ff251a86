import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ChatEntity, MessageEntity } from '@parley/api/chat';

/** An uploaded file: pending (no message yet) until a message of its uploader names it. */
@Entity('attachments')
@Index('IDX_attachments_message', ['messageId'])
@Index('IDX_attachments_uploader_created', ['uploaderId', 'createdAt'])
export class AttachmentEntity {
  @PrimaryColumn('uuid')
  id: string;

  /**
   * Who uploaded it. No foreign key on purpose: a website visitor may upload
   * before their first message stores them (their id is in their token only),
   * and an upload no message names expires within a day whoever made it.
   */
  @Column('uuid')
  uploaderId: string;

  @Column('uuid', { nullable: true })
  chatId: string | null;

  @ManyToOne(() => ChatEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'chatId' })
  chat?: ChatEntity | null;

  @Column('uuid', { nullable: true })
  messageId: string | null;

  @ManyToOne(() => MessageEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'messageId' })
  message?: MessageEntity | null;

  /** Its place among the message's attachments. */
  @Column('smallint', { nullable: true })
  position: number | null;

  @Column('text')
  name: string;

  @Column('text')
  contentType: string;

  @Column('integer')
  size: number;

  @Column('integer', { nullable: true })
  width: number | null;

  @Column('integer', { nullable: true })
  height: number | null;

  @Column('boolean', { default: false })
  hasThumbnail: boolean;

  /** Which store holds its bytes ('postgres' or 's3'): files stay readable after the setting for new ones changes. */
  @Column('text')
  store: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;
}

/** The bytes of files kept in PostgreSQL (the default store), by key. */
@Entity('attachment_blobs')
export class AttachmentBlobEntity {
  @PrimaryColumn('text')
  key: string;

  @Column('bytea')
  data: Buffer;
}
