import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** One emailed password-reset link: single use, valid for an hour. */
@Entity('password_reset_tokens')
@Index('IDX_password_reset_tokens_user', ['userId'])
export class PasswordResetTokenEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity;

  /** SHA-256 of the token; the token itself is only in the email. */
  @Index('UQ_password_reset_tokens_hash', { unique: true })
  @Column('text')
  tokenHash: string;

  @Column({ type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  /** Set when the link is used, or when another link of the account is (every other link dies with it). */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  usedAt: Date | null;
}
