import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

export enum Availability {
  ONLINE = 'ONLINE',
  AWAY = 'AWAY',
  OFFLINE = 'OFFLINE',
}
registerEnumType(Availability, { name: 'Availability' });

export enum RoutingMode {
  MANUAL = 'MANUAL',
  AUTO = 'AUTO',
}
registerEnumType(RoutingMode, {
  name: 'RoutingMode',
  valuesConfig: {
    MANUAL: { description: 'Agents take chats from the queue themselves (acceptChat).' },
    AUTO: { description: 'Parley assigns queued chats to available agents (see README.md).' },
  },
});

/** Team-wide limits of the contract's "The team" part. */
export const TEAM_LIMITS = {
  maxChatsMin: 1,
  maxChatsMax: 50,
  maxChatsDefault: 5,
  shortcutPattern: /^[A-Za-z0-9_-]{1,32}$/,
  cannedBodyMax: 4000,
  labelMax: 32,
  labelsPerChat: 20,
  noteMax: 4000,
} as const;

/** One opening span of a weekday, in the team's time zone: minutes since midnight, open < close (close 1440 is midnight). */
export interface OpeningSpan {
  /** 1 Monday … 7 Sunday (ISO). */
  day: number;
  openMinute: number;
  closeMinute: number;
}

export interface BusinessHours {
  timeZone: string;
  /** Empty: no business hours set, the team is always open. */
  weekly: OpeningSpan[];
}

export interface TeamSettingsRow {
  routing: RoutingMode;
  businessHours: BusinessHours;
}

@ObjectType('OpeningSpan', { description: "One span of a weekday when the team answers, in the team's time zone.", simpleResolvers: true })
export class OpeningSpanType implements OpeningSpan {
  @Field(() => Int, { description: '1 (Monday) to 7 (Sunday).' })
  day: number;

  @Field(() => Int, { description: 'Minutes after midnight when the span opens, 0 to 1439.' })
  openMinute: number;

  @Field(() => Int, { description: 'Minutes after midnight when it closes, after openMinute; 1440 is midnight.' })
  closeMinute: number;
}

@ObjectType('BusinessHours', { simpleResolvers: true })
export class BusinessHoursType implements BusinessHours {
  @Field({ description: 'An IANA time zone such as Europe/Paris: the one the spans are in.' })
  timeZone: string;

  @Field(() => [OpeningSpanType], { description: 'Spans by day and time; none means always open.' })
  weekly: OpeningSpanType[];
}

@ObjectType('TeamSettings')
export class TeamSettings {
  @Field(() => RoutingMode)
  routing: RoutingMode;

  @Field(() => BusinessHoursType, { description: 'Agents and admins: when the team answers (outside it the site, the widget and the bot say when it is back).' })
  businessHours: BusinessHoursType;
}

@InputType('OpeningSpanInput')
export class OpeningSpanInput implements OpeningSpan {
  @Field(() => Int, { description: '1 (Monday) to 7 (Sunday).' })
  day: number;

  @Field(() => Int, { description: 'Minutes after midnight, 0 to 1439.' })
  openMinute: number;

  @Field(() => Int, { description: 'Minutes after midnight, after openMinute, at most 1440 (midnight).' })
  closeMinute: number;
}

@InputType('BusinessHoursInput')
export class BusinessHoursInput implements BusinessHours {
  @Field({ description: 'An IANA time zone such as Europe/Paris.' })
  timeZone: string;

  @Field(() => [OpeningSpanInput], { description: 'At most 28 spans; spans of one day must not overlap. Empty: always open.' })
  weekly: OpeningSpanInput[];
}

export interface CannedReplyRow {
  id: string;
  shortcut: string;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}

@ObjectType('CannedReply')
export class CannedReply {
  @Field(() => ID)
  id: string;

  @Field({ description: 'What an agent types after "/" to find it: 1 to 32 letters, digits, - or _.' })
  shortcut: string;

  @Field()
  body: string;

  @Field(() => DateTimeISOResolver)
  createdAt: Date;

  @Field(() => DateTimeISOResolver)
  updatedAt: Date;
}

/** availabilityChanged's payload: whose availability, and what it is now (OFFLINE when they have no socket). */
export interface AvailabilityEvent {
  userId: string;
  availability: Availability;
}

/** An agent's or admin's team profile: what they chose, their capacity, their last auto-assignment. */
export interface AgentProfileRow {
  userId: string;
  availability: Availability;
  maxChats: number;
  lastAssignedAt: Date | null;
}

export interface NoteRow {
  id: string;
  chatId: string;
  authorId: string;
  body: string;
  createdAt: Date;
}

/** A private note on a chat: agents and admins only, never delivered to a customer. */
@ObjectType('Note')
export class Note {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  chatId: string;

  /** Resolved by NotesResolver.author. */
  authorId: string;

  @Field()
  body: string;

  @Field(() => DateTimeISOResolver)
  createdAt: Date;
}

@ObjectType('SupportStatus', { description: 'Whether a person can answer now: public facts for the site and the widget, no names.', simpleResolvers: true })
export class SupportStatus {
  @Field({ description: 'Someone from the team is ONLINE (with an open connection) now.' })
  anyoneOnline: boolean;

  @Field({ description: "Now is within the team's business hours (always true when none are set)." })
  withinBusinessHours: boolean;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When business hours start again; null within them or when none are set.' })
  nextOpening: Date | null;
}
