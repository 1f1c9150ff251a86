import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@parley/api/testing';
import { LocalPubSub, RedisPubSub, Role, type Viewer } from '@parley/api/core';
import { JobQueue } from '@parley/api/jobs';
import { createDataSource } from '@parley/api/database';
import { RefreshTokenEntity, UserEntity } from '@parley/api/auth';
import { ChatEntity, MessageEntity } from '@parley/api/chat';
import { addChat, addUser, openTeamDataSource } from '../testing/team-fixtures';
import { MemoryPresenceStore, PresenceService, RedisPresenceStore } from './presence';
import { TeamRepository } from './team.repository';
import { TeamService } from './team.service';
import { ALL_AGENTS, type TeamTopics } from './team.topics';
import { Availability, RoutingMode, type AvailabilityEvent } from './team.type';

jest.setTimeout(40_000);

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const GRACE_MS = 1500;

const until = async (condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};
const code = (c: string) => ({ extensions: { code: c } });

/** One API instance's share of the team: its own job queue, pubsub and Redis connection, the shared database. */
interface Instance {
  jobs: JobQueue;
  pubsub: RedisPubSub<TeamTopics>;
  redis: Redis;
  presence: PresenceService;
  team: TeamService;
  events: AvailabilityEvent[];
  stop(): Promise<void>;
}

describe('the team: presence, settings, capacity, canned replies, labels', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
  const instances: Instance[] = [];
  let a: Instance;
  let b: Instance;
  let admin: Viewer;
  let agent: Viewer;
  let customer: Viewer;

  const startInstance = async (): Promise<Instance> => {
    const repository = new TeamRepository(dataSource);
    const jobs = new JobQueue({ url: database.url, pollingIntervalSeconds: 0.5, stopTimeoutMs: 1000 });
    const pubsub = new RedisPubSub<TeamTopics>(REDIS_URL, { prefix });
    const redis = new Redis(REDIS_URL);
    const presence = new PresenceService(new RedisPresenceStore(redis, prefix), repository, pubsub, jobs, { graceMs: GRACE_MS, openHoldMs: GRACE_MS });
    await presence.attach();
    await jobs.start();
    const events: AvailabilityEvent[] = [];
    pubsub.subscribe('availabilityChanged', ALL_AGENTS, (event) => events.push(event));
    await pubsub.ready('availabilityChanged', ALL_AGENTS);
    const instance: Instance = {
      jobs,
      pubsub,
      redis,
      presence,
      team: new TeamService(dataSource, repository, presence),
      events,
      stop: async () => {
        await jobs.stop();
        await pubsub.close();
        redis.disconnect();
      },
    };
    instances.push(instance);
    return instance;
  };

  beforeAll(async () => {
    database = await createTestDatabase('parley_team');
    dataSource = await openTeamDataSource(database.url);
    [a, b] = [await startInstance(), await startInstance()];
    admin = await addUser(dataSource, Role.ADMIN, 'Ada Admin');
    agent = await addUser(dataSource, Role.AGENT, 'Alex Agent');
    customer = await addUser(dataSource, Role.CUSTOMER, 'Casey');
  });

  afterAll(async () => {
    for (const instance of instances) await instance.stop().catch(() => undefined);
    await dataSource?.destroy();
    await database?.drop();
  });

  it('has the migrations agree with the entities', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    // The server's own entity list does not hold the team's yet: its tables and types must not look stray to it.
    const withoutTeam = createDataSource({ url: database.url, entities: [UserEntity, RefreshTokenEntity, ChatEntity, MessageEntity], poolSize: 1 });
    await withoutTeam.initialize();
    try {
      expect((await withoutTeam.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await withoutTeam.destroy();
    }
  });

  describe('availability and presence', () => {
    it('starts OFFLINE; a choice counts only while the person has a socket', async () => {
      const newcomer = await addUser(dataSource, Role.AGENT);
      expect((await a.presence.availabilityOf([newcomer.id])).get(newcomer.id)).toBe(Availability.OFFLINE);
      expect(await a.team.setAvailability(newcomer, Availability.ONLINE)).toBe(Availability.OFFLINE);
      await a.presence.socketAlive(newcomer.id, 'socket-1');
      // Seen from the other instance: ONLINE, and the change was published to both.
      expect((await b.presence.availabilityOf([newcomer.id])).get(newcomer.id)).toBe(Availability.ONLINE);
      await until(() => b.events.some((e) => e.userId === newcomer.id && e.availability === Availability.ONLINE));
      expect(await b.team.setAvailability(newcomer, Availability.AWAY)).toBe(Availability.AWAY);
      await until(() => a.events.some((e) => e.userId === newcomer.id && e.availability === Availability.AWAY));
      await a.presence.socketClosed(newcomer.id, 'socket-1');
    });

    it('refuses customers, and shows customers no availability', async () => {
      await expect(a.team.setAvailability(customer, Availability.ONLINE)).rejects.toMatchObject(code('FORBIDDEN'));
      const seen = await a.team.profiles(customer, [agent.id, customer.id]);
      expect(seen.get(agent.id)?.availability).toBeNull();
      expect(seen.has(customer.id)).toBe(false);
    });

    it('turns someone OFFLINE once their last socket has been closed for the grace period, on every instance, once', async () => {
      const person = await addUser(dataSource, Role.AGENT);
      const wentOffline: string[] = [];
      for (const instance of [a, b]) {
        instance.presence.onChange(async (userId, availability) => {
          if (userId === person.id && availability === Availability.OFFLINE) wentOffline.push(userId);
        });
      }
      await a.team.setAvailability(person, Availability.ONLINE);
      await a.presence.socketAlive(person.id, 's1');
      await a.presence.socketAlive(person.id, 's2');
      await a.presence.socketClosed(person.id, 's1');
      const closedAt = Date.now();
      await a.presence.socketClosed(person.id, 's2');
      expect((await b.presence.availabilityOf([person.id])).get(person.id)).toBe(Availability.ONLINE);
      await until(async () => (await b.presence.availabilityOf([person.id])).get(person.id) === Availability.OFFLINE);
      expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
      await until(() => b.events.some((e) => e.userId === person.id && e.availability === Availability.OFFLINE));
      await until(() => wentOffline.length > 0);
      await new Promise((r) => setTimeout(r, 1000));
      expect(wentOffline).toHaveLength(1);
    });

    it('keeps someone whose socket stays open ONLINE past the grace period', async () => {
      const person = await addUser(dataSource, Role.AGENT);
      await b.team.setAvailability(person, Availability.ONLINE);
      await b.presence.socketAlive(person.id, 's1');
      // The server renews a live socket's hold at each heartbeat.
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, GRACE_MS / 3));
        await b.presence.socketAlive(person.id, 's1');
      }
      expect((await a.presence.availabilityOf([person.id])).get(person.id)).toBe(Availability.ONLINE);
      expect(a.events.filter((e) => e.userId === person.id).map((e) => e.availability)).toEqual([Availability.ONLINE]);
    });

    it('turns OFFLINE the people of an instance that died without closing its sockets (the other instance runs the check)', async () => {
      const doomed = await startInstance();
      const person = await addUser(dataSource, Role.AGENT);
      await doomed.team.setAvailability(person, Availability.ONLINE);
      await doomed.presence.socketAlive(person.id, 's1');
      await doomed.stop();
      await until(() => a.events.some((e) => e.userId === person.id && e.availability === Availability.OFFLINE), 10_000);
      expect((await a.presence.availabilityOf([person.id])).get(person.id)).toBe(Availability.OFFLINE);
    });

    it('without Redis, keeps presence in the process, with a clock the tests move', async () => {
      let now = Date.now();
      const pubsub = new LocalPubSub<TeamTopics>();
      const events: AvailabilityEvent[] = [];
      pubsub.subscribe('availabilityChanged', ALL_AGENTS, (e) => events.push(e));
      const presence = new PresenceService(new MemoryPresenceStore(), new TeamRepository(dataSource), pubsub, a.jobs, { clock: () => now });
      const person = await addUser(dataSource, Role.ADMIN);
      await presence.choose(person.id, Availability.ONLINE);
      await presence.socketAlive(person.id, 's1');
      await presence.socketClosed(person.id, 's1');
      now += 59_000;
      await presence.check(person.id);
      expect((await presence.availabilityOf([person.id])).get(person.id)).toBe(Availability.ONLINE);
      now += 1_001;
      await presence.check(person.id);
      expect((await presence.availabilityOf([person.id])).get(person.id)).toBe(Availability.OFFLINE);
      expect(events.map((e) => e.availability)).toEqual([Availability.ONLINE, Availability.OFFLINE]);
    });
  });

  describe('settings and capacity', () => {
    it('routing: MANUAL by default, changed by admins only', async () => {
      expect((await a.team.settings(agent)).routing).toBe(RoutingMode.MANUAL);
      await expect(a.team.settings(customer)).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(a.team.updateRouting(agent, RoutingMode.AUTO)).rejects.toMatchObject(code('FORBIDDEN'));
      const told: RoutingMode[] = [];
      a.team.onRoutingChanged(async (mode) => void told.push(mode));
      expect((await a.team.updateRouting(admin, RoutingMode.AUTO)).routing).toBe(RoutingMode.AUTO);
      expect((await b.team.settings(agent)).routing).toBe(RoutingMode.AUTO);
      expect(told).toEqual([RoutingMode.AUTO]);
      await a.team.updateRouting(admin, RoutingMode.MANUAL);
    });

    it('business hours: a time zone and weekly spans, checked', async () => {
      const hours = { timeZone: 'America/New_York', weekly: [{ day: 2, openMinute: 540, closeMinute: 1020 }, { day: 1, openMinute: 540, closeMinute: 1020 }] };
      const saved = await a.team.updateBusinessHours(admin, hours);
      expect(saved.businessHours).toEqual({ timeZone: 'America/New_York', weekly: [hours.weekly[1], hours.weekly[0]] });
      await expect(a.team.updateBusinessHours(admin, { timeZone: 'Nowhere/Land', weekly: [] })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'input.timeZone' }] },
      });
      await expect(a.team.updateBusinessHours(agent, hours)).rejects.toMatchObject(code('FORBIDDEN'));

      // Monday 10:00 in New York is within them; Wednesday is not, and the team is back on Monday at 9:00 there.
      expect(await b.team.teamStatus(new Date('2026-12-07T15:00:00Z'))).toMatchObject({ withinHours: true, opensAt: null });
      const wednesday = await b.team.teamStatus(new Date('2026-12-09T15:00:00Z'));
      expect(wednesday).toMatchObject({ withinHours: false, opensAt: new Date('2026-12-14T14:00:00Z') });
      const onDuty = await addUser(dataSource, Role.AGENT);
      await a.team.setAvailability(onDuty, Availability.ONLINE);
      await a.presence.socketAlive(onDuty.id, 'duty');
      expect((await b.team.teamStatus()).someoneOnline).toBe(true);
      await a.team.updateBusinessHours(admin, { timeZone: 'UTC', weekly: [] });
      expect((await b.team.teamStatus()).withinHours).toBe(true);
    });

    it('capacity: 5 by default, 1 to 50, set by admins for agents and admins', async () => {
      expect((await a.team.profiles(agent, [agent.id])).get(agent.id)?.maxChats).toBe(5);
      await a.team.setAgentCapacity(admin, agent.id, 12);
      expect((await a.team.profiles(agent, [agent.id])).get(agent.id)?.maxChats).toBe(12);
      await a.team.setAgentCapacity(admin, admin.id, 1);
      for (const bad of [0, 51, 2.5]) {
        await expect(a.team.setAgentCapacity(admin, agent.id, bad)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'maxChats' }] } });
      }
      await expect(a.team.setAgentCapacity(agent, agent.id, 7)).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(a.team.setAgentCapacity(admin, customer.id, 7)).rejects.toMatchObject(code('BAD_USER_INPUT'));
      await expect(a.team.setAgentCapacity(admin, '00000000-0000-4000-8000-000000000000', 7)).rejects.toMatchObject(code('NOT_FOUND'));
      expect((await a.team.profiles(agent, [agent.id])).get(agent.id)?.maxChats).toBe(12);
    });

    it('agents: every agent and admin by display name, for staff only', async () => {
      const names = (await a.team.agents(agent)).map((u) => u.displayName);
      expect(names).toContain('Ada Admin');
      expect(names).toContain('Alex Agent');
      expect(names).not.toContain('Casey');
      expect(names).toEqual([...names].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase())));
      await expect(a.team.agents(customer)).rejects.toMatchObject(code('FORBIDDEN'));
    });
  });

  describe('canned replies', () => {
    it('creates, finds, updates and deletes; a shortcut is unique whatever its case', async () => {
      const refund = await a.team.createCannedReply(agent, 'refund', '  We have refunded your order.  ');
      expect(refund.body).toBe('We have refunded your order.');
      const hello = await a.team.createCannedReply(admin, 'hello', 'Hi! How can I help with your refund?');
      await a.team.createCannedReply(agent, 'bye', 'Goodbye!');
      await expect(a.team.createCannedReply(agent, 'REFUND', 'again')).rejects.toMatchObject(code('CONFLICT'));

      expect((await a.team.cannedReplies(agent)).map((r) => r.shortcut)).toEqual(['bye', 'hello', 'refund']);
      // Shortcut matches first, then bodies.
      expect((await a.team.cannedReplies(agent, 'REF')).map((r) => r.shortcut)).toEqual(['refund', 'hello']);
      expect((await a.team.cannedReplies(agent, '%')).map((r) => r.shortcut)).toEqual([]);

      await expect(a.team.updateCannedReply(agent, hello.id, 'Refund', 'x')).rejects.toMatchObject(code('CONFLICT'));
      const renamed = await a.team.updateCannedReply(agent, hello.id, 'hi', 'Hi there!');
      expect(renamed).toMatchObject({ id: hello.id, shortcut: 'hi', body: 'Hi there!' });
      expect(renamed.updatedAt.getTime()).toBeGreaterThanOrEqual(renamed.createdAt.getTime());

      expect(await a.team.deleteCannedReply(agent, refund.id)).toBe(true);
      await expect(a.team.deleteCannedReply(agent, refund.id)).rejects.toMatchObject(code('NOT_FOUND'));
      await expect(a.team.updateCannedReply(agent, refund.id, 'refund', 'x')).rejects.toMatchObject(code('NOT_FOUND'));
    });

    it('checks shortcuts and bodies, and is for staff only', async () => {
      for (const shortcut of ['', 'has space', 'x'.repeat(33), 'émoji']) {
        await expect(a.team.createCannedReply(agent, shortcut, 'body')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'shortcut' }] } });
      }
      await expect(a.team.createCannedReply(agent, 'blank', '   ')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'body' }] } });
      await expect(a.team.createCannedReply(customer, 'mine', 'body')).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(a.team.cannedReplies(customer)).rejects.toMatchObject(code('FORBIDDEN'));
    });
  });

  describe('labels', () => {
    it('replaces a chat\'s labels: trimmed, kept once whatever their case, in order', async () => {
      const chat = await addChat(dataSource, customer.id);
      expect(await a.team.setChatLabels(agent, chat, [' Billing ', 'urgent', 'billing', 'VIP'])).toEqual(['Billing', 'urgent', 'VIP']);
      expect((await a.team.labelsOf(agent, [chat])).get(chat)).toEqual(['Billing', 'urgent', 'VIP']);
      await a.team.setChatLabels(admin, chat, ['vip']);
      expect((await b.team.labelsOf(agent, [chat])).get(chat)).toEqual(['vip']);
      expect((await a.team.labelsOf(customer, [chat])).get(chat)).toEqual([]);
      await a.team.setChatLabels(agent, chat, []);
      expect((await a.team.labelsOf(agent, [chat])).get(chat)).toEqual([]);
    });

    it('refuses more than 20, empty or longer than 32 characters, customers, and unknown chats', async () => {
      const chat = await addChat(dataSource, customer.id);
      await a.team.setChatLabels(agent, chat, ['keep']);
      const many = Array.from({ length: 21 }, (_, i) => `l${i}`);
      await expect(a.team.setChatLabels(agent, chat, many)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'labels' }] } });
      // Twenty distinct ones once duplicates are dropped are fine.
      expect(await a.team.setChatLabels(agent, chat, [...many.slice(0, 20), 'L0'])).toHaveLength(20);
      await expect(a.team.setChatLabels(agent, chat, ['ok', '  '])).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'labels.1' }] } });
      await expect(a.team.setChatLabels(agent, chat, ['x'.repeat(33)])).rejects.toMatchObject(code('BAD_USER_INPUT'));
      expect(await a.team.setChatLabels(agent, chat, ['🙂'.repeat(32)])).toHaveLength(1);
      await expect(a.team.setChatLabels(customer, chat, ['mine'])).rejects.toMatchObject(code('FORBIDDEN'));
      await expect(a.team.setChatLabels(agent, '00000000-0000-4000-8000-000000000000', ['x'])).rejects.toMatchObject(code('NOT_FOUND'));
      expect((await a.team.labelsOf(agent, [chat])).get(chat)).toEqual(['🙂'.repeat(32)]);
    });
  });
});
