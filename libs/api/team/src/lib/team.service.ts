import type { DataSource } from 'typeorm';
import { badUserInput, codePointLength, forbidden, isStaff, isUuid, notFound, Role, type FieldProblem, type Viewer } from '@parley/api/core';
import { inTransaction, pgErrorCode, PG_UNIQUE_VIOLATION } from '@parley/api/database';
import { checkBusinessHours, openState } from './business-hours';
import { shortcutTaken } from './team.errors';
import type { PresenceService } from './presence';
import type { TeamRepository } from './team.repository';
import { Availability, RoutingMode, TEAM_LIMITS, type BusinessHours, type CannedReplyRow, type TeamSettingsRow } from './team.type';

/** Called after the routing mode or someone's capacity changed (in AUTO the queue may be assigned now). */
export type RoutingModeListener = (routing: RoutingMode) => Promise<void>;

/**
 * The team's settings and tools: availability, routing mode, business hours,
 * capacity, canned replies and labels. Who may: agents and admins, and
 * admins alone for the team's settings and others' capacity.
 */
export class TeamService {
  private readonly routingListeners: RoutingModeListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: TeamRepository,
    private readonly presence: PresenceService,
  ) {}

  onRoutingChanged(listener: RoutingModeListener): void {
    this.routingListeners.push(listener);
  }

  // ---------------------------------------------------------------- availability and capacity

  /** Their own availability; returns it as the team now sees it (OFFLINE without a socket). */
  async setAvailability(viewer: Viewer, availability: Availability): Promise<Availability> {
    assertStaff(viewer);
    return this.presence.choose(viewer.id, availability);
  }

  async setAgentCapacity(viewer: Viewer, agentId: string, maxChats: number): Promise<void> {
    assertAdmin(viewer);
    if (!Number.isInteger(maxChats) || maxChats < TEAM_LIMITS.maxChatsMin || maxChats > TEAM_LIMITS.maxChatsMax) {
      throw badUserInput([{ field: 'maxChats', message: `must be from ${TEAM_LIMITS.maxChatsMin} to ${TEAM_LIMITS.maxChatsMax}`, reason: 'range' }]);
    }
    await this.requireStaffMember(agentId);
    await this.repository.setMaxChats(agentId, maxChats);
    // More room may take waiting chats.
    const { routing } = await this.repository.settings();
    for (const listener of this.routingListeners) await listener(routing);
  }

  /** Availability and capacity of agents and admins, for agents and admins; customers' entries are absent. */
  async profiles(viewer: Viewer, userIds: readonly string[]): Promise<Map<string, { availability: Availability | null; maxChats: number }>> {
    const profiles = await this.repository.profiles(userIds);
    const seen = isStaff(viewer.role) ? await this.presence.availabilityOf([...profiles.keys()]) : new Map<string, Availability>();
    const result = new Map<string, { availability: Availability | null; maxChats: number }>();
    for (const [id, profile] of profiles) result.set(id, { availability: seen.get(id) ?? null, maxChats: profile.maxChats });
    return result;
  }

  /** Agents and admins, by display name. */
  async agents(viewer: Viewer): Promise<Array<{ id: string; displayName: string }>> {
    assertStaff(viewer);
    return this.repository.staff();
  }

  // ---------------------------------------------------------------- settings

  async settings(viewer: Viewer): Promise<TeamSettingsRow> {
    assertStaff(viewer);
    return this.repository.settings();
  }

  async updateRouting(viewer: Viewer, routing: RoutingMode): Promise<TeamSettingsRow> {
    assertAdmin(viewer);
    await this.repository.setRouting(routing);
    for (const listener of this.routingListeners) await listener(routing);
    return this.repository.settings();
  }

  /**
   * Admins: the time zone and weekly opening spans (none: always open). The
   * problems name the fields as updateBusinessHours's `input` holds them.
   * Nothing is cached: supportStatus and the bot's handover read the row each time.
   */
  async updateBusinessHours(viewer: Viewer, hours: BusinessHours): Promise<TeamSettingsRow> {
    assertAdmin(viewer);
    const problems = checkBusinessHours(hours);
    if (problems.length) throw badUserInput(problems.map((p) => ({ ...p, field: `input.${p.field}` })));
    const weekly = hours.weekly
      .map(({ day, openMinute, closeMinute }) => ({ day, openMinute, closeMinute }))
      .sort((a, b) => a.day - b.day || a.openMinute - b.openMinute);
    await this.repository.setBusinessHours({ timeZone: hours.timeZone, weekly });
    return this.repository.settings();
  }

  /**
   * Whether a person can answer now: within business hours and with someone
   * ONLINE (with a socket); if not, when the team opens next (null: unknown,
   * when it is only that nobody is online). For the site, the widget and the
   * bot's handover message: public facts, no names.
   */
  async teamStatus(at = new Date()): Promise<{ withinHours: boolean; someoneOnline: boolean; opensAt: Date | null }> {
    const settings = await this.repository.settings();
    const state = openState(settings.businessHours, at);
    const online = await this.presence.present(await this.repository.onlineStaff());
    return { withinHours: state.open, someoneOnline: online.size > 0, opensAt: state.opensAt };
  }

  // ---------------------------------------------------------------- canned replies

  async cannedReplies(viewer: Viewer, search?: string | null): Promise<CannedReplyRow[]> {
    assertStaff(viewer);
    return this.repository.cannedReplies(search?.trim() || null);
  }

  async createCannedReply(viewer: Viewer, shortcut: string, body: string): Promise<CannedReplyRow> {
    assertStaff(viewer);
    const input = checkCanned(shortcut, body);
    const created = await this.repository.createCanned(input.shortcut, input.body);
    if (!created) throw shortcutTaken();
    return created;
  }

  async updateCannedReply(viewer: Viewer, id: string, shortcut: string, body: string): Promise<CannedReplyRow> {
    assertStaff(viewer);
    if (!isUuid(id)) throw notFound('canned reply');
    const input = checkCanned(shortcut, body);
    try {
      const updated = await this.repository.updateCanned(id, input.shortcut, input.body);
      if (updated === 'missing') throw notFound('canned reply');
      return updated;
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) throw shortcutTaken();
      throw error;
    }
  }

  async deleteCannedReply(viewer: Viewer, id: string): Promise<boolean> {
    assertStaff(viewer);
    if (!isUuid(id) || !(await this.repository.deleteCanned(id))) throw notFound('canned reply');
    return true;
  }

  // ---------------------------------------------------------------- labels

  /** Replaces a chat's labels: trimmed, each 1 to 32 characters, at most 20, duplicates (whatever their case) kept once. */
  async setChatLabels(viewer: Viewer, chatId: string, labels: readonly string[]): Promise<string[]> {
    assertStaff(viewer);
    if (!isUuid(chatId)) throw notFound('chat');
    const problems: FieldProblem[] = [];
    const kept = new Map<string, string>();
    labels.forEach((raw, i) => {
      const label = raw.trim();
      const length = codePointLength(label);
      if (length < 1 || length > TEAM_LIMITS.labelMax) problems.push({ field: `labels.${i}`, message: `must be 1 to ${TEAM_LIMITS.labelMax} characters after trimming`, reason: 'trimmedLength' });
      else if (!kept.has(label.toLowerCase())) kept.set(label.toLowerCase(), label);
    });
    if (kept.size > TEAM_LIMITS.labelsPerChat) problems.push({ field: 'labels', message: `must hold at most ${TEAM_LIMITS.labelsPerChat} labels`, reason: 'arrayMaxSize' });
    if (problems.length) throw badUserInput(problems);
    const result = [...kept.values()];
    const found = await inTransaction(this.dataSource, (runner) => this.repository.replaceLabels(runner, chatId, result));
    if (!found) throw notFound('chat');
    return result;
  }

  /** Labels of chats, for agents and admins; empty lists for customers. */
  async labelsOf(viewer: Viewer, chatIds: readonly string[]): Promise<Map<string, string[]>> {
    if (!isStaff(viewer.role)) return new Map(chatIds.map((id) => [id, []]));
    return this.repository.labelsOf(chatIds);
  }

  private async requireStaffMember(userId: string): Promise<void> {
    const role = isUuid(userId) ? await this.repository.roleOf(userId) : null;
    if (!role) throw notFound('user');
    if (role === Role.CUSTOMER) throw badUserInput([{ field: 'agentId', message: 'must be an agent or an admin', reason: 'notStaff' }]);
  }
}

function assertStaff(viewer: Viewer): void {
  if (!isStaff(viewer.role)) throw forbidden('Only agents and admins may do this.');
}

function assertAdmin(viewer: Viewer): void {
  if (viewer.role !== Role.ADMIN) throw forbidden('Only admins may do this.');
}

function checkCanned(shortcut: string, body: string): { shortcut: string; body: string } {
  const problems: FieldProblem[] = [];
  if (!TEAM_LIMITS.shortcutPattern.test(shortcut)) problems.push({ field: 'shortcut', message: 'must be 1 to 32 letters, digits, - or _', reason: 'matches' });
  const trimmed = body.trim();
  const length = codePointLength(trimmed);
  if (length < 1 || length > TEAM_LIMITS.cannedBodyMax) problems.push({ field: 'body', message: `must be 1 to ${TEAM_LIMITS.cannedBodyMax} characters after trimming`, reason: 'trimmedLength' });
  if (problems.length) throw badUserInput(problems);
  return { shortcut, body: trimmed };
}
