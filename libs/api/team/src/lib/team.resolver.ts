import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { AsyncQueue, forbidden, isStaff, notFound, Public, requireViewer, scopedValue, type RequestContext } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import { User, userLoader } from '@parley/api/auth';
import { Chat, type ChatRow } from '@parley/api/chat';
import type { ChatFields } from './chat-fields';
import type { TeamService } from './team.service';
import { ALL_AGENTS, type TeamPubSub } from './team.topics';
import { Availability, BusinessHoursInput, CannedReply, RoutingMode, SupportStatus, TeamSettings, type AvailabilityEvent, type CannedReplyRow, type TeamSettingsRow } from './team.type';

const PROFILE_LOADER = Symbol('teamProfiles');
const ACTIVE_LOADER = Symbol('usersActive');
/**
 * Batched, not cached: a subscription's context lasts as long as the
 * subscription (availabilityChanged), and each event must show the
 * availability as it is then.
 */
const FRESH = { cache: false } as const;
/** On a User an availabilityChanged event carries: the availability the event announced. */
const SEEN_AVAILABILITY = Symbol('seenAvailability');

/**
 * The team's subscriptions reach its live topics through the subscription
 * context under this key (team.module.ts fills it), as the chat's do.
 */
export const TEAM_SUBSCRIPTIONS = Symbol('team subscriptions');
type SubscriptionContext = RequestContext & { [TEAM_SUBSCRIPTIONS]?: TeamPubSub };
type Sub<A = Record<string, never>> = SubscribeResolverData<unknown, A, SubscriptionContext>;

/** availabilityChanged: agents and admins only; every change of anyone's availability as the team sees it. */
function availabilityStream(ctx: SubscriptionContext): AsyncQueue<AvailabilityEvent> {
  const viewer = requireViewer(ctx);
  if (!isStaff(viewer.role)) throw forbidden('Only agents and admins see availability.');
  const pubsub = ctx[TEAM_SUBSCRIPTIONS];
  if (!pubsub) throw new Error('the team module did not provide its subscription context');
  const queue = new AsyncQueue<AvailabilityEvent>(() => unsubscribe());
  const unsubscribe = pubsub.subscribe('availabilityChanged', ALL_AGENTS, (event) => queue.push(event));
  return queue;
}

/**
 * The team's queries, mutations and fields on User and Chat: thin, the
 * services decide. Not in the server's schema until the whole contract part
 * (team.graphql) is there.
 */
@Resolver()
export class TeamResolver {
  constructor(
    private readonly team: TeamService,
    private readonly dataSource: DataSource,
  ) {}

  @Query(() => TeamSettings, { description: 'Agents and admins.' })
  async teamSettings(@Ctx() ctx: RequestContext): Promise<TeamSettings> {
    return settingsType(await this.team.settings(requireViewer(ctx)));
  }

  // Public: the widget and the site say before a first message whether someone can answer now (anonymous
  // callers spend the anonymous limit, everyone the supportStatus one: FIELD_LIMITS).
  @Public()
  @Query(() => SupportStatus, { description: 'Anyone: whether someone from the team can answer now, and when business hours start again.' })
  async supportStatus(): Promise<SupportStatus> {
    const status = await this.team.teamStatus();
    return { anyoneOnline: status.someoneOnline, withinBusinessHours: status.withinHours, nextOpening: status.opensAt };
  }

  @Query(() => [User], { description: 'Agents and admins: every agent and admin, by display name.' })
  async agents(@Ctx() ctx: RequestContext): Promise<User[]> {
    const staff = await this.team.agents(requireViewer(ctx));
    const users = await userLoader(ctx, this.dataSource).loadMany(staff.map((s) => s.id));
    return users.filter((u): u is User => u instanceof User);
  }

  @Query(() => [CannedReply], { description: 'Agents and admins: canned replies, those whose shortcut or body match\nsearch first (all of them without search).' })
  cannedReplies(@Ctx() ctx: RequestContext, @Arg('search', () => String, { nullable: true }) search?: string | null): Promise<CannedReplyRow[]> {
    return this.team.cannedReplies(requireViewer(ctx), search);
  }

  @Mutation(() => User, { description: 'Agents and admins: their own availability.' })
  async setAvailability(@Ctx() ctx: RequestContext, @Arg('availability', () => Availability) availability: Availability): Promise<User> {
    const viewer = requireViewer(ctx);
    await this.team.setAvailability(viewer, availability);
    return this.user(ctx, viewer.id);
  }

  @Mutation(() => TeamSettings, { description: 'Admins.' })
  async updateTeamSettings(@Ctx() ctx: RequestContext, @Arg('routing', () => RoutingMode) routing: RoutingMode): Promise<TeamSettings> {
    return settingsType(await this.team.updateRouting(requireViewer(ctx), routing));
  }

  @Mutation(() => TeamSettings, {
    description:
      "Admins: the team's time zone and weekly hours (BAD_USER_INPUT with the fields at fault otherwise). Outside them\nsupportStatus, the site, the widget and the bot's handover say when the team is back.",
  })
  async updateBusinessHours(@Ctx() ctx: RequestContext, @Arg('input', () => BusinessHoursInput) input: BusinessHoursInput): Promise<TeamSettings> {
    return settingsType(await this.team.updateBusinessHours(requireViewer(ctx), { timeZone: input.timeZone, weekly: input.weekly }));
  }

  @Mutation(() => User, { description: "Admins: an agent's or admin's capacity, 1 to 50." })
  async setAgentCapacity(
    @Ctx() ctx: RequestContext,
    @Arg('agentId', () => ID) agentId: string,
    @Arg('maxChats', () => Int) maxChats: number,
  ): Promise<User> {
    await this.team.setAgentCapacity(requireViewer(ctx), agentId, maxChats);
    return this.user(ctx, agentId);
  }

  @Mutation(() => Chat, { description: "Agents and admins: replaces the chat's labels (each 1 to 32 characters,\nat most 20, compared case-insensitively)." })
  async setChatLabels(
    @Ctx() ctx: RequestContext,
    @Arg('chatId', () => ID) chatId: string,
    @Arg('labels', () => [String]) labels: string[],
  ): Promise<ChatRow> {
    const viewer = requireViewer(ctx);
    await this.team.setChatLabels(viewer, chatId, labels);
    const [chat] = await this.dataSource.query(
      `SELECT id, subject, status, "customerId", "agentId", "lastSeq", "botActive", "createdAt", "updatedAt", "closedAt" FROM chats WHERE id = $1`,
      [chatId],
    );
    if (!chat) throw notFound('chat');
    return chat as ChatRow;
  }

  @Mutation(() => CannedReply, { description: 'Agents and admins. A shortcut is unique: CONFLICT otherwise.' })
  createCannedReply(@Ctx() ctx: RequestContext, @Arg('shortcut') shortcut: string, @Arg('body') body: string): Promise<CannedReplyRow> {
    return this.team.createCannedReply(requireViewer(ctx), shortcut, body);
  }

  @Mutation(() => CannedReply)
  updateCannedReply(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('shortcut') shortcut: string,
    @Arg('body') body: string,
  ): Promise<CannedReplyRow> {
    return this.team.updateCannedReply(requireViewer(ctx), id, shortcut, body);
  }

  @Mutation(() => Boolean)
  deleteCannedReply(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return this.team.deleteCannedReply(requireViewer(ctx), id);
  }

  @Subscription(() => User, {
    description: "Agents and admins: an agent's or admin's availability as it changes.",
    subscribe: ({ context }: Sub) => availabilityStream(context),
  })
  async availabilityChanged(@Root() event: AvailabilityEvent, @Ctx() ctx: RequestContext): Promise<User> {
    // A subscription's context lasts as long as it does: the user's name is read again (a rename shows).
    userLoader(ctx, this.dataSource).clear(event.userId);
    const user = await this.user(ctx, event.userId);
    // The event's availability is what the field answers (a later read could already see the next change).
    return Object.assign(Object.create(User.prototype) as User, user, { [SEEN_AVAILABILITY]: event.availability });
  }

  private async user(ctx: RequestContext, id: string): Promise<User> {
    const user = await userLoader(ctx, this.dataSource).load(id);
    if (!user) throw notFound('user');
    return user;
  }
}

/** Availability and capacity on User: for agents and admins, about agents and admins. */
@Resolver(() => User)
export class TeamUserResolver {
  constructor(
    private readonly team: TeamService,
    private readonly dataSource: DataSource,
  ) {}

  @FieldResolver(() => Boolean, { description: 'False once an admin has deactivated the account.' })
  async active(@Root() user: User, @Ctx() ctx: RequestContext): Promise<boolean> {
    const loader = scopedValue(ctx, ACTIVE_LOADER, () => new DataLoader<string, boolean>(async (ids) => {
      const rows = await queryRows<{ id: string; active: boolean }>(this.dataSource, `SELECT id, active FROM users WHERE id = ANY($1::uuid[])`, [ids]);
      const byId = new Map(rows.map((row) => [row.id, row.active]));
      return ids.map((id) => byId.get(id) ?? false);
    }, FRESH));
    return loader.load(user.id);
  }

  @FieldResolver(() => Availability, {
    nullable: true,
    description:
      'Agents and admins, as seen by agents and admins: whether they take chats\nnow. OFFLINE whenever they have had no open WebSocket for 60 seconds,\nwhatever they set. Null for customers and for customers to see.',
  })
  async availability(@Root() user: User, @Ctx() ctx: RequestContext): Promise<Availability | null> {
    const viewer = ctx.viewer;
    if (!viewer || !isStaff(viewer.role) || !isStaff(user.role)) return null;
    const seen = (user as User & { [SEEN_AVAILABILITY]?: Availability })[SEEN_AVAILABILITY];
    if (seen) return seen;
    return (await profileLoader(ctx, this.team).load(user.id))?.availability ?? null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Agents and admins: the most ACTIVE chats auto-assignment gives them.\nNull for customers.' })
  async maxChats(@Root() user: User, @Ctx() ctx: RequestContext): Promise<number | null> {
    // Like availability: about agents and admins, for agents and admins (a customer sees null).
    if (!ctx.viewer || !isStaff(ctx.viewer.role) || !isStaff(user.role)) return null;
    return (await profileLoader(ctx, this.team).load(user.id))?.maxChats ?? null;
  }
}

/** Labels and assignmentReason on Chat: agents and admins only (ChatFields decides, and reads them with the read marks). */
@Resolver(() => Chat)
export class TeamChatResolver {
  constructor(private readonly fields: ChatFields) {}

  @FieldResolver(() => [String], { description: "Agents and admins: the chat's labels; an empty list for customers." })
  labels(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<string[]> {
    return this.fields.labels(ctx, chat);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Agents and admins: why the chat\'s agent has it, in words ("accepted",\n"transferred by Alex", "auto-assigned: 1 of 5 open chats, the fewest of 3\nonline agents"). Null while QUEUED and for customers.',
  })
  assignmentReason(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<string | null> {
    return this.fields.assignmentReason(ctx, chat);
  }
}

function settingsType(row: TeamSettingsRow): TeamSettings {
  return Object.assign(new TeamSettings(), { routing: row.routing, businessHours: row.businessHours });
}

type ProfileView = { availability: Availability | null; maxChats: number };

function profileLoader(ctx: RequestContext, team: TeamService) {
  return scopedValue(ctx, PROFILE_LOADER, () => new DataLoader<string, ProfileView | null>(async (ids) => {
    const profiles = await team.profiles(requireViewer(ctx), ids);
    return ids.map((id) => profiles.get(id) ?? null);
  }, FRESH));
}
