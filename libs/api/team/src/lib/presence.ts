import type { Redis } from 'ioredis';
import { SOCKET_HEARTBEAT_MS } from '@parley/api/core';
import { defineQueue, type JobQueue } from '@parley/api/jobs';
import type { TeamRepository } from './team.repository';
import { ALL_AGENTS, type TeamPubSub } from './team.topics';
import { Availability } from './team.type';

/**
 * Who has a WebSocket open, shared by every instance. Each socket holds its
 * user "present" until a moment (ms): while open, the server renews the hold
 * (every heartbeat); when it closes, the hold runs on for the grace period.
 * A user is present while any hold lasts, so an instance that dies without
 * closing its sockets lets its holds lapse on their own.
 */
export interface PresenceStore {
  hold(userId: string, connectionId: string, until: number, now: number): Promise<void>;
  /** Of these users, those with a hold lasting past `now`. */
  present(userIds: readonly string[], now: number): Promise<Set<string>>;
  /** When the user's last hold lapses; null when none lasts past `now`. */
  lapsesAt(userId: string, now: number): Promise<number | null>;
}

/** One process only (no REDIS_URL). */
export class MemoryPresenceStore implements PresenceStore {
  private readonly holds = new Map<string, Map<string, number>>();

  async hold(userId: string, connectionId: string, until: number, now: number): Promise<void> {
    let holds = this.holds.get(userId);
    if (!holds) this.holds.set(userId, (holds = new Map()));
    holds.set(connectionId, until);
    for (const [id, end] of holds) if (end <= now) holds.delete(id);
  }

  async present(userIds: readonly string[], now: number): Promise<Set<string>> {
    return new Set(userIds.filter((id) => (this.lastEnd(id) ?? 0) > now));
  }

  async lapsesAt(userId: string, now: number): Promise<number | null> {
    const end = this.lastEnd(userId);
    return end !== null && end > now ? end : null;
  }

  private lastEnd(userId: string): number | null {
    const holds = this.holds.get(userId);
    if (!holds?.size) return null;
    return Math.max(...holds.values());
  }
}

// One sorted set per user: member = connection, score = end of its hold. The key expires with its last hold.
const HOLD_SCRIPT = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if top[2] then redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(top[2]) - tonumber(ARGV[3])) + 1000) end
return 1`;

/** Shared by every instance through Redis; keys expire by themselves. */
export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'parley:',
  ) {}

  async hold(userId: string, connectionId: string, until: number, now: number): Promise<void> {
    await this.redis.eval(HOLD_SCRIPT, 1, this.key(userId), String(until), connectionId, String(now));
  }

  async present(userIds: readonly string[], now: number): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.zcount(this.key(id), `(${now}`, '+inf');
    const results = (await pipeline.exec()) ?? [];
    return new Set(userIds.filter((_, i) => Number(results[i]?.[1] ?? 0) > 0));
  }

  async lapsesAt(userId: string, now: number): Promise<number | null> {
    const top = await this.redis.zrevrange(this.key(userId), 0, 0, 'WITHSCORES');
    const end = top[1] === undefined ? null : Number(top[1]);
    return end !== null && end > now ? end : null;
  }

  private key(userId: string): string {
    return `${this.prefix}presence:${userId}`;
  }
}

/** A user's presence needs checking (their last hold may have lapsed). One waiting check per user and moment. */
export const presenceCheckQueue = defineQueue<{ userId: string }>('team-presence-check', {
  policy: 'stately',
  retry: { limit: 10, delaySeconds: 1, backoff: true, maxDelaySeconds: 30 },
  expireInSeconds: 60,
});

export interface PresenceOptions {
  /** How long a user stays present after their last socket closed (the contract's 60 s). */
  graceMs?: number;
  /** Milliseconds since the epoch; tests may move it. */
  clock?: () => number;
  /**
   * How long each sign of an open socket holds its user present: the grace
   * period, but never less than a couple of heartbeats (the server hears from
   * an open socket every SOCKET_HEARTBEAT_MS), so a shortened grace period
   * never lapses under a socket that is still open.
   */
  openHoldMs?: number;
}

/** Told when someone's availability as others see it changes (presence came or went, or they chose another). */
export type AvailabilityListener = (userId: string, availability: Availability, previous: Availability) => Promise<void>;

/**
 * Availability as the team sees it: what each agent chose, but OFFLINE
 * whenever they have had no open WebSocket for the grace period (60 s). The
 * moment presence lapses is acted on by a job (team-presence-check) in the
 * durable queue, scheduled for when the user's last hold ends and renewed
 * while they stay: a restart, or an instance that dies, forgets nothing.
 */
export class PresenceService {
  readonly graceMs: number;
  private readonly openHoldMs: number;
  private readonly clock: () => number;
  private readonly listeners: AvailabilityListener[] = [];

  constructor(
    private readonly store: PresenceStore,
    private readonly repository: TeamRepository,
    private readonly pubsub: TeamPubSub,
    private readonly jobs: JobQueue,
    options: PresenceOptions = {},
  ) {
    this.graceMs = options.graceMs ?? 60_000;
    this.openHoldMs = options.openHoldMs ?? Math.max(this.graceMs, 2.5 * SOCKET_HEARTBEAT_MS);
    this.clock = options.clock ?? Date.now;
  }

  /** Registers the check's handler; call before the job queue starts. */
  async attach(): Promise<void> {
    await this.jobs.work(presenceCheckQueue, (payload) => this.check(payload.userId), { workers: 2, batchSize: 5 });
  }

  onChange(listener: AvailabilityListener): void {
    this.listeners.push(listener);
  }

  /** A staff member's socket opened (or is still open: the server calls this again at each heartbeat). */
  async socketAlive(userId: string, connectionId: string): Promise<void> {
    const now = this.clock();
    await this.store.hold(userId, connectionId, now + this.openHoldMs, now);
    const { changed, availability } = await this.repository.recordPresence(userId, true);
    if (changed) {
      await this.scheduleCheck(userId, this.openHoldMs);
      if (availability !== Availability.OFFLINE) await this.changed(userId, availability, Availability.OFFLINE);
    }
  }

  /** A staff member's socket closed: they stay present for the grace period, then a check decides. */
  async socketClosed(userId: string, connectionId: string): Promise<void> {
    const now = this.clock();
    await this.store.hold(userId, connectionId, now + this.graceMs, now);
    await this.scheduleCheck(userId, this.graceMs);
  }

  /** What each of these users' availability is as the team sees it (customers are left out). */
  async availabilityOf(userIds: readonly string[]): Promise<Map<string, Availability>> {
    const [profiles, present] = await Promise.all([this.repository.profiles(userIds), this.store.present(userIds, this.clock())]);
    const result = new Map<string, Availability>();
    for (const [id, profile] of profiles) result.set(id, present.has(id) ? profile.availability : Availability.OFFLINE);
    return result;
  }

  /** Of these users, those with an open socket (or one closed within the grace period). */
  present(userIds: readonly string[]): Promise<Set<string>> {
    return this.store.present(userIds, this.clock());
  }

  /** Their own choice; returns their availability as others now see it. */
  async choose(userId: string, availability: Availability): Promise<Availability> {
    const before = await this.repository.setAvailability(userId, availability);
    const present = (await this.store.present([userId], this.clock())).has(userId);
    const seenBefore = present ? before : Availability.OFFLINE;
    const seenNow = present ? availability : Availability.OFFLINE;
    if (seenBefore !== seenNow) await this.changed(userId, seenNow, seenBefore);
    return seenNow;
  }

  /**
   * The check: still present means check again when the current hold ends;
   * lapsed means the user is now OFFLINE to everyone (recorded once, however
   * many instances check).
   */
  async check(userId: string): Promise<void> {
    const now = this.clock();
    const lapsesAt = await this.store.lapsesAt(userId, now);
    if (lapsesAt !== null) {
      await this.scheduleCheck(userId, lapsesAt - now);
      return;
    }
    const { changed, availability } = await this.repository.recordPresence(userId, false);
    if (changed && availability !== Availability.OFFLINE) await this.changed(userId, Availability.OFFLINE, availability);
  }

  /**
   * Users recorded present get a check now (at start: a check lost with a
   * queue that was wiped, or never sent because an instance died between its
   * socket and its job, is sent again).
   */
  async recheckAll(): Promise<void> {
    for (const userId of await this.repository.presentUserIds()) await this.scheduleCheck(userId, 0);
  }

  private async scheduleCheck(userId: string, inMs: number): Promise<void> {
    // A little after the hold ends, so the check finds it over. One waiting check per user and second
    // ('stately' per key): a socket closing must not lose its earlier check to one an open socket scheduled
    // later, and several instances scheduling the same moment add one job.
    const delayMs = Math.max(0, inMs) + 250;
    const second = Math.ceil((this.clock() + delayMs) / 1000);
    await this.jobs.send(presenceCheckQueue, { userId }, { singletonKey: `${userId}@${second}`, delaySeconds: delayMs / 1000 });
  }

  private async changed(userId: string, availability: Availability, previous: Availability): Promise<void> {
    await this.pubsub.publish('availabilityChanged', ALL_AGENTS, { userId, availability });
    for (const listener of this.listeners) await listener(userId, availability, previous);
  }
}
