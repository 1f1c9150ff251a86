import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import { requireViewer, Role, scopedValue, type RequestContext } from '@parley/api/core';
import { User, userLoader } from '@parley/api/auth';
import { Chat, ChatConnection, ChatStatus, type ChatRow } from '@parley/api/chat';
import type { ChatActivityService } from './chat-activity.service';
import type { ChatFields } from './chat-fields';
import type { ChatSearchService } from './chat-search.service';
import type { TeamReportService } from './team-report.service';
import { AgentReport, ReadReceipt, TeamReport, type RatingRow, type ReadReceiptEvent } from './chat-activity.type';

/** Where readReceipts finds the service: the team module puts it in the subscription context under this key. */
export const CHAT_ACTIVITY_SUBSCRIPTIONS = Symbol('chat activity subscriptions');
type SubscriptionContext = RequestContext & { [CHAT_ACTIVITY_SUBSCRIPTIONS]?: ChatActivityService };
const activityOf = (ctx: SubscriptionContext) => {
  const service = ctx[CHAT_ACTIVITY_SUBSCRIPTIONS];
  if (!service) throw new Error('the team module did not provide its subscription context');
  return service;
};

const RATING_LOADER = Symbol('ratings');
const UNREAD_LOADER = Symbol('unreadCounts');

/** Read marks, ratings, chat search and the team report: thin, the services decide. */
@Resolver()
export class ChatActivityResolver {
  constructor(
    private readonly activity: ChatActivityService,
    private readonly search: ChatSearchService,
    private readonly reports: TeamReportService,
    private readonly dataSource: DataSource,
  ) {}

  @Mutation(() => Chat, {
    description: "The chat's customer or its agent: moves their read mark up to seq. It never\nmoves down; a seq beyond the last message means the last.",
  })
  markChatRead(@Ctx() ctx: RequestContext, @Arg('chatId', () => ID) chatId: string, @Arg('seq', () => Int) seq: number): Promise<ChatRow> {
    return this.activity.markRead(requireViewer(ctx), chatId, seq);
  }

  @Mutation(() => Chat, {
    description:
      "The chat's customer, once it is CLOSED: 1 to 5 with an optional comment\n(up to 1000 characters); rating again replaces the earlier rating.",
  })
  rateChat(
    @Ctx() ctx: RequestContext,
    @Arg('chatId', () => ID) chatId: string,
    @Arg('rating', () => Int) rating: number,
    @Arg('comment', () => String, { nullable: true }) comment?: string | null,
  ): Promise<ChatRow> {
    return this.activity.rate(requireViewer(ctx), chatId, rating, comment);
  }

  @Query(() => ChatConnection, {
    description:
      'Chats whose messages or subject match query (full-text) and/or that carry\nlabel, most recently updated first. Customers: only their own chats, and\nlabel is ignored for them.',
  })
  searchChats(
    @Ctx() ctx: RequestContext,
    @Arg('query', () => String, { nullable: true }) query?: string | null,
    @Arg('label', () => String, { nullable: true }) label?: string | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ChatConnection> {
    return this.search.search(requireViewer(ctx), { query, label, first, after });
  }

  @Query(() => TeamReport, { description: 'Admins: figures for chats created in [from, to).' })
  async teamReport(
    @Ctx() ctx: RequestContext,
    @Arg('from', () => DateTimeISOResolver) from: Date,
    @Arg('to', () => DateTimeISOResolver) to: Date,
    @Arg('timeZone', () => String, { nullable: true, description: 'The IANA time zone that divides `days` (Europe/Paris); UTC when omitted.' })
    timeZone?: string | null,
  ): Promise<TeamReport> {
    const row = await this.reports.report(requireViewer(ctx), from, to, timeZone ?? undefined);
    const users = userLoader(ctx, this.dataSource);
    const agents = await Promise.all(
      row.agents.map(async (agent) => Object.assign(new AgentReport(), { ...agent, agent: (await users.load(agent.agentId)) as User })),
    );
    return Object.assign(new TeamReport(), { ...row, agents });
  }

  @Subscription(() => ReadReceipt, {
    description: "The chat's customer, its agent and admins: read marks as they move, other\nthan the viewer's own.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { chatId: string }, SubscriptionContext>) =>
      activityOf(context).receipts(requireViewer(context), args.chatId),
  })
  async readReceipts(@Root() event: ReadReceiptEvent, @Arg('chatId', () => ID) _chatId: string, @Ctx() ctx: RequestContext): Promise<ReadReceipt> {
    const user = await userLoader(ctx, this.dataSource).load(event.userId);
    return { chatId: event.chatId, seq: event.seq, user: user as User };
  }
}

/** Read marks and the rating on Chat, batched per request. */
@Resolver(() => Chat)
export class ChatActivityFieldResolver {
  constructor(
    private readonly activity: ChatActivityService,
    private readonly fields: ChatFields,
  ) {}

  @FieldResolver(() => Int, { description: 'The highest seq the customer has read.' })
  async customerReadSeq(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<number> {
    return (await this.fields.marks(ctx, chat)).customer;
  }

  @FieldResolver(() => Int, { description: "The highest seq the chat's agent has read." })
  async agentReadSeq(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<number> {
    return (await this.fields.marks(ctx, chat)).agent;
  }

  @FieldResolver(() => Int, {
    description: "Messages after the viewer's read mark (the customer's for the customer,\nthe agent's for everyone else).",
  })
  async unreadCount(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<number> {
    const marks = await this.fields.marks(ctx, chat);
    const customer = ctx.viewer?.role === Role.CUSTOMER;
    const after = customer ? marks.customer : marks.agent;
    if (after >= chat.lastSeq) return 0;
    // What the mark's owner wrote themself is never unread to them.
    return this.unread(ctx).load({ chatId: chat.id, after, readerId: customer ? chat.customerId : chat.agentId });
  }

  @FieldResolver(() => Int, { nullable: true, description: "The customer's rating after the chat closed, 1 to 5; null until rated." })
  async rating(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<number | null> {
    return (await this.ratingOf(chat, ctx))?.rating ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async ratingComment(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<string | null> {
    return (await this.ratingOf(chat, ctx))?.comment ?? null;
  }

  // Only a CLOSED chat is rated (and none reopens): an open one, as every new message's chatUpdated shows, needs no read.
  private ratingOf(chat: ChatRow, ctx: RequestContext): Promise<RatingRow | null> | null {
    return chat.status === ChatStatus.CLOSED ? this.ratings(ctx).load(chat.id) : null;
  }

  // Batched, never cached: a subscription keeps its context for every event, and a count read once would go stale.
  private unread(ctx: RequestContext) {
    return scopedValue(
      ctx,
      UNREAD_LOADER,
      () => new DataLoader<{ chatId: string; after: number; readerId: string | null }, number>((items) => this.activity.unreadCounts(items), { cache: false }),
    );
  }

  private ratings(ctx: RequestContext) {
    return scopedValue(
      ctx,
      RATING_LOADER,
      () =>
        new DataLoader<string, RatingRow | null>(
          async (ids) => {
            const ratings = await this.activity.ratingsOf(ids);
            return ids.map((id) => ratings.get(id) ?? null);
          },
          { cache: false },
        ),
    );
  }
}
