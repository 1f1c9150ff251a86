import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { Role } from '@parley/api/core';

@Entity('users')
export class UserEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** As the user typed it, for display. */
  @Column('text')
  email: string;

  /** Lower-cased: the unique key, so emails are unique whatever their case. */
  @Index('UQ_users_email_lower', { unique: true })
  @Column('text')
  emailLower: string;

  @Column('text')
  displayName: string;

  @Column({ type: 'enum', enum: Role, enumName: 'user_role' })
  role: Role;

  @Column('text')
  passwordHash: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
