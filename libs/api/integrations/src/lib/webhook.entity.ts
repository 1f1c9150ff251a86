import { Check, Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '@parley/api/auth';

/** An integrator's endpoint: where, for which events, and the key deliveries are signed with. */
@Entity('webhooks')
@Check('CHK_webhooks_one_secret', `num_nonnulls(secret, "secretSealed") = 1`)
export class WebhookEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  url: string;

  @Column('text', { array: true })
  events: string[];

  @Column('boolean', { default: true })
  active: boolean;

  /**
   * The signing secret as it was kept before secrets were encrypted: plaintext
   * (whsec_ + base64). Emptied at start (sealed into `secretSealed`); new webhooks never set it.
   */
  @Column('text', { nullable: true })
  secret: string | null;

  /** The signing secret encrypted at rest (AES-256-GCM, SecretBox): shown to the admin once, opened to sign each delivery. */
  @Column('text', { nullable: true })
  secretSealed: string | null;

  @Column('uuid', { nullable: true })
  createdById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'createdById' })
  createdBy?: UserEntity | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;
}

/**
 * The outbox and the delivery log in one: a row per event and webhook,
 * written in the same transaction as the chat change it tells of, then
 * delivered (and retried) by the job queue. Events of one chat and webhook go
 * out in `position` order, each only once the one before it is settled.
 */
@Entity('webhook_deliveries')
@Index('IDX_webhook_deliveries_lane', ['webhookId', 'chatId', 'position'], { where: `state = 'pending'` })
@Index('IDX_webhook_deliveries_due', ['nextAttemptAt'], { where: `state = 'pending'` })
@Index('IDX_webhook_deliveries_log', ['webhookId', 'createdAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Insertion order (a sequence): within a chat, the order its changes committed in, since each holds the chat's row lock. */
  @Column('bigint')
  @Generated('increment')
  position: string;

  @Column('uuid')
  webhookId: string;

  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhookId' })
  webhook?: WebhookEntity;

  /** Not a foreign key: the log outlives nothing it would have to wait for, and the send path stays one insert. */
  @Column('uuid')
  chatId: string;

  /** The webhook-id header: msg_ + 32 hex digits, the same on every attempt. */
  @Column('text')
  messageId: string;

  @Column('text')
  event: string;

  /** The body's `data`, as it was when the change committed. */
  @Column('jsonb')
  data: object;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  occurredAt: Date;

  /** pending (to send), delivered, or failed (gave up after 24 hours of retries). */
  @Column('text', { default: 'pending' })
  state: string;

  /** The last attempt's HTTP status; null when it got none. */
  @Column('integer', { nullable: true })
  status: number | null;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  nextAttemptAt: Date;

  /** While an attempt runs: until when it is that worker's (no second worker sends it meanwhile). */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  leaseUntil: Date | null;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  deliveredAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;
}

export const INTEGRATION_ENTITIES = [WebhookEntity, WebhookDeliveryEntity];
