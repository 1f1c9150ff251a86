import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { Role } from '@parley/api/core';

@Entity('users')
export class UserEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** As the user typed it, for display; a visitor's is never verified (null when none was given). */
  @Column('text', { nullable: true })
  email: string | null;

  /**
   * Lower-cased: the unique sign-in key of password accounts, so emails are
   * unique whatever their case. Null for visitors, whose typed email never signs anyone in.
   */
  @Index('UQ_users_email_lower', { unique: true })
  @Column('text', { nullable: true })
  emailLower: string | null;

  @Column('text')
  displayName: string;

  @Column({ type: 'enum', enum: Role, enumName: 'user_role' })
  role: Role;

  /** Null for website visitors, who have no password. */
  @Column('text', { nullable: true })
  passwordHash: string | null;

  /** The host website's id for an identified visitor (identifyVisitor): one customer per externalId. */
  @Index('UQ_users_external_id', { unique: true })
  @Column('text', { nullable: true })
  externalId: string | null;

  /** False: the account may not sign in, and every token and session it had stops working. */
  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Carried by access tokens as `ver`; raising it (revokeAccess) ends every token and session the user has. */
  @Column({ type: 'integer', default: 1 })
  accessVersion: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
