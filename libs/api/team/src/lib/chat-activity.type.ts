import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { User } from '@parley/api/auth';
import type { ChatRow } from '@parley/api/chat';

/** Limits of read marks, ratings, search and reports. */
export const ACTIVITY_LIMITS = {
  ratingMin: 1,
  ratingMax: 5,
  ratingCommentMax: 1000,
  searchQueryMax: 200,
  labelMax: 32,
  /** The longest span one teamReport covers: a year (leap years included). */
  reportMaxDays: 366,
} as const;

/** readReceipts' payload: whose mark moved where, with the chat's people at that moment (who may hear it is checked per event). */
export interface ReadReceiptEvent {
  chatId: string;
  userId: string;
  seq: number;
  customerId: string;
  agentId: string | null;
}

@ObjectType('ReadReceipt')
export class ReadReceipt {
  @Field(() => ID)
  chatId: string;

  @Field(() => User)
  user: User;

  @Field(() => Int, { description: 'The highest seq this person has read in the chat.' })
  seq: number;
}

export interface RatingRow {
  chatId: string;
  rating: number;
  comment: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The `chatRated` topic's payload (keyed by ALL_CHATS): a customer rated a
 * closed chat, or rated it again. Published once the rating is stored; what
 * the webhooks send as `chat.rated`.
 */
export interface ChatRatedEvent {
  chat: ChatRow;
  rating: number;
  ratingComment: string | null;
  ratedAt: Date;
}

@ObjectType('AgentReport')
export class AgentReport {
  @Field(() => User)
  agent: User;

  @Field(() => Int)
  chatsClosed: number;

  @Field(() => Float, { nullable: true })
  medianFirstResponseSeconds: number | null;

  @Field(() => Float, { nullable: true })
  averageRating: number | null;
}

@ObjectType('TeamReportDay', { description: "The report's figures for the chats created on one day (in the report's time zone)." })
export class TeamReportDay {
  @Field({ description: 'The day, YYYY-MM-DD.' })
  date: string;

  @Field(() => Int)
  chatsCreated: number;

  @Field(() => Int, { description: 'Of the chats created that day, those closed since.' })
  chatsClosed: number;

  @Field(() => Float, { nullable: true })
  medianFirstResponseSeconds: number | null;

  @Field(() => Float, { nullable: true })
  medianResolutionSeconds: number | null;

  @Field(() => Float, { nullable: true })
  averageRating: number | null;

  @Field(() => Int)
  ratings: number;
}

@ObjectType('TeamReport')
export class TeamReport {
  @Field(() => Int)
  chatsCreated: number;

  @Field(() => Int)
  chatsClosed: number;

  @Field(() => Float, {
    nullable: true,
    description: 'From the moment a chat needed a person (created, or handed over by the bot)\nto its first AGENT message; the median over chats that got one.',
  })
  medianFirstResponseSeconds: number | null;

  @Field(() => Float, { nullable: true, description: 'From creation to close; the median over the chats closed.' })
  medianResolutionSeconds: number | null;

  @Field(() => Float, { nullable: true })
  averageRating: number | null;

  @Field(() => Int)
  ratings: number;

  @Field(() => [AgentReport])
  agents: AgentReport[];

  @Field(() => [TeamReportDay], { description: "Every day of the range, oldest first, empty days included, by the day a chat was created in timeZone." })
  days: TeamReportDay[];
}

/** The report's figures before the agents are resolved to users. */
export interface TeamReportRow {
  chatsCreated: number;
  chatsClosed: number;
  medianFirstResponseSeconds: number | null;
  medianResolutionSeconds: number | null;
  averageRating: number | null;
  ratings: number;
  agents: Array<{ agentId: string; chatsClosed: number; medianFirstResponseSeconds: number | null; averageRating: number | null }>;
  days: TeamReportDay[];
}
