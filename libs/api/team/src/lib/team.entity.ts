import { Check, Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '@parley/api/auth';
import { ChatEntity } from '@parley/api/chat';
import { Availability, RoutingMode, type OpeningSpan } from './team.type';

/** An agent's or admin's part in the team; no row means the defaults (OFFLINE, 5 chats). */
@Entity('agent_profiles')
@Check('CHK_agent_profiles_max_chats', '"maxChats" BETWEEN 1 AND 50')
export class AgentProfileEntity {
  @PrimaryColumn('uuid')
  userId: string;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity;

  /** What they chose; what others see is OFFLINE while they have no socket (presence.ts). */
  @Column({ type: 'enum', enum: Availability, enumName: 'availability', default: Availability.OFFLINE })
  availability: Availability;

  @Column('integer', { default: 5 })
  maxChats: number;

  /** Whether the last presence change published said they had a socket: the edge presence checks compare against. */
  @Column('boolean', { default: false })
  present: boolean;

  /** Ties in auto-assignment go to whoever was assigned a chat longest ago (never: first). */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastAssignedAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}

/** The team's settings: one row (id 1). */
@Entity('team_settings')
@Check('CHK_team_settings_single_row', 'id = 1')
export class TeamSettingsEntity {
  @PrimaryColumn('integer')
  id: number;

  @Column({ type: 'enum', enum: RoutingMode, enumName: 'routing_mode', default: RoutingMode.MANUAL })
  routing: RoutingMode;

  /** IANA time zone of the business hours. */
  @Column('text', { default: 'UTC' })
  timeZone: string;

  /** Opening spans of the week in that zone; empty means always open. */
  @Column('jsonb', { default: () => `'[]'` })
  weeklyHours: OpeningSpan[];

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}

@Entity('canned_replies')
export class CannedReplyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  shortcut: string;

  /** Shortcuts are unique whatever their case. */
  @Index('UQ_canned_replies_shortcut_lower', { unique: true })
  @Column('text')
  shortcutLower: string;

  @Column('text')
  body: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}

/** A label on a chat; one per chat and lower-cased text, shown as first written. */
@Entity('chat_labels')
@Index('IDX_chat_labels_label', ['labelLower', 'chatId'])
export class ChatLabelEntity {
  @PrimaryColumn('uuid')
  chatId: string;

  @ManyToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chatId' })
  chat?: ChatEntity;

  @PrimaryColumn('text')
  labelLower: string;

  @Column('text')
  label: string;

  /** Keeps the order the labels were given in. */
  @Column('smallint')
  position: number;
}

/** Why a chat's agent has it (assignmentReason); a row only while the chat has an agent who got it through the team's rules. */
@Entity('chat_assignments')
export class ChatAssignmentEntity {
  @PrimaryColumn('uuid')
  chatId: string;

  @OneToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chatId' })
  chat?: ChatEntity;

  @Column('text')
  reason: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  assignedAt: Date;
}

/**
 * The agent a QUEUED chat was last released from (releaseChat): AUTO routing
 * gives it to someone else while anyone else has room. A row only until the
 * chat is next assigned.
 */
@Entity('chat_releases')
export class ChatReleaseEntity {
  @PrimaryColumn('uuid')
  chatId: string;

  @OneToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chatId' })
  chat?: ChatEntity;

  @Column('uuid')
  agentId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agentId' })
  agent?: UserEntity;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  releasedAt: Date;
}

/** A private note on a chat: agents and admins only, never delivered to a customer in any form. */
@Entity('notes')
@Index('IDX_notes_chat_created', ['chatId', 'createdAt', 'id'])
export class NoteEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  chatId: string;

  @ManyToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chatId' })
  chat?: ChatEntity;

  @Column('uuid')
  authorId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'authorId' })
  author?: UserEntity;

  @Column('text')
  body: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;
}

export const TEAM_ENTITIES = [AgentProfileEntity, TeamSettingsEntity, CannedReplyEntity, ChatLabelEntity, ChatAssignmentEntity, ChatReleaseEntity, NoteEntity];
