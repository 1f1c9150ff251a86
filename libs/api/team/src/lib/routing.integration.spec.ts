import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@parley/api/testing';
import { LocalPubSub, Role, type Viewer } from '@parley/api/core';
import { JobQueue } from '@parley/api/jobs';
import { ChatService, HandoverWaitKind, MessageNoticeCode, TRANSITIONS, type ChatTopics, type ChatUpdate } from '@parley/api/chat';
import { addChat, addUser, openTeamDataSource } from '../testing/team-fixtures';
import { MemoryPresenceStore, PresenceService } from './presence';
import { RoutingRepository } from './routing.repository';
import { RoutingService } from './routing.service';
import { AssignmentService } from './assignment.service';
import { TeamRepository } from './team.repository';
import type { TeamTopics } from './team.topics';
import { Availability, RoutingMode } from './team.type';

jest.setTimeout(180_000);

const until = async (condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** One router as an API instance has it: its own connections to the database. */
interface Router {
  dataSource: DataSource;
  routing: RoutingService;
  presence: PresenceService;
  chatEvents: ChatUpdate[];
  chatPubsub: LocalPubSub<ChatTopics>;
  chats: ChatService;
}

describe('routing AUTO', () => {
  let database: TestDatabase;
  let db: DataSource;
  let jobs: JobQueue;
  // Presence in one process here (both routers share it); presence across instances has its own tests.
  const store = new MemoryPresenceStore();
  const routers: Router[] = [];
  let r1: Router;
  let r2: Router;
  let customer: Viewer;

  const openRouter = async (options: { lockTimeoutMs?: number } = {}): Promise<Router> => {
    const dataSource = await openTeamDataSource(database.url, 6);
    const team = new TeamRepository(dataSource);
    const chatPubsub = new LocalPubSub<ChatTopics>();
    const chatEvents: ChatUpdate[] = [];
    chatPubsub.subscribe('chatUpdated', 'all', (chat) => chatEvents.push(chat));
    const presence = new PresenceService(store, team, new LocalPubSub<TeamTopics>(), jobs);
    const chats = new ChatService(dataSource, chatPubsub);
    const routing = new RoutingService(dataSource, new RoutingRepository(dataSource), team, presence, jobs, chats, { recheckSeconds: 1, ...options });
    chats.hooks.useAssignmentRecorder(routing);
    const router = { dataSource, routing, presence, chatEvents, chatPubsub, chats };
    routers.push(router);
    return router;
  };

  /** An agent (or admin) who chose ONLINE and has a socket open, with this capacity. */
  const onlineAgent = async (name: string, maxChats = 5, role: Role.AGENT | Role.ADMIN = Role.AGENT): Promise<Viewer> => {
    const agent = await addUser(db, role, name);
    await db.query(`INSERT INTO agent_profiles ("userId", availability, "maxChats") VALUES ($1, 'ONLINE', $2)`, [agent.id, maxChats]);
    await store.hold(agent.id, 'socket', Date.now() + 3_600_000, Date.now());
    return agent;
  };

  const activeCounts = async (): Promise<Map<string, number>> => {
    const rows: Array<{ agentId: string; n: number }> = await db.query(
      `SELECT "agentId", count(*)::int AS n FROM chats WHERE status = 'ACTIVE' GROUP BY "agentId"`,
    );
    return new Map(rows.map((r) => [r.agentId, r.n]));
  };

  const setRouting = (mode: RoutingMode) =>
    db.query(`INSERT INTO team_settings (id, routing) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET routing = EXCLUDED.routing`, [mode]);

  /**
   * Three waiting chats, oldest first, and a transaction left open on the oldest one's row (as a message being
   * sent holds it: its lastSeq bumped, or `hold` of your own) until `release` commits it.
   */
  const waitingChatsOldestHeld = async (hold = `UPDATE chats SET "lastSeq" = "lastSeq" + 1 WHERE id = $1`, ...params: unknown[]) => {
    const chats: string[] = [];
    for (let i = 0; i < 3; i++) chats.push(await addChat(db, customer.id));
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(hold, [chats[0], ...params]);
    const release = async () => {
      await holder.commitTransaction();
      await holder.release();
    };
    return { chats, release };
  };

  beforeAll(async () => {
    database = await createTestDatabase('parley_routing');
    db = await openTeamDataSource(database.url, 4);
    jobs = new JobQueue({ url: database.url, pollingIntervalSeconds: 0.5, stopTimeoutMs: 1000 });
    r1 = await openRouter();
    r2 = await openRouter();
    customer = await addUser(db, Role.CUSTOMER, 'Casey');
  });

  beforeEach(async () => {
    // Each test starts with nobody online and nothing open.
    await db.query(`UPDATE agent_profiles SET availability = 'OFFLINE'`);
    await db.query(`UPDATE chats SET status = 'CLOSED', "closedAt" = now() WHERE status <> 'CLOSED'`);
    await setRouting(RoutingMode.AUTO);
  });

  afterAll(async () => {
    await jobs.stop();
    for (const router of routers) await router.dataSource.destroy();
    await db?.destroy();
    await database?.drop();
  });

  it('assigns nothing in MANUAL, nor to anyone AWAY, OFFLINE or without a socket, nor chats the bot still answers', async () => {
    const away = await onlineAgent('Away');
    await db.query(`UPDATE agent_profiles SET availability = 'AWAY' WHERE "userId" = $1`, [away.id]);
    const noSocket = await addUser(db, Role.AGENT, 'No socket');
    await db.query(`INSERT INTO agent_profiles ("userId", availability) VALUES ($1, 'ONLINE')`, [noSocket.id]);
    const chat = await addChat(db, customer.id);
    expect(await r1.routing.assignNext()).toBeNull();

    const ready = await onlineAgent('Ready');
    await setRouting(RoutingMode.MANUAL);
    expect(await r1.routing.assignNext()).toBeNull();
    await setRouting(RoutingMode.AUTO);
    await db.query(`UPDATE chats SET "botActive" = true WHERE id = $1`, [chat]);
    expect(await r1.routing.assignNext()).toBeNull();
    await db.query(`UPDATE chats SET "botActive" = false WHERE id = $1`, [chat]);
    const assigned = await r1.routing.assignNext();
    expect(assigned).toMatchObject({ agentId: ready.id, chat: { id: chat, status: 'ACTIVE', agentId: ready.id } });
  });

  it('gives the oldest waiting chat to the agent with the fewest ACTIVE chats, ties to whoever was assigned longest ago, with a SYSTEM message and a reason', async () => {
    const busy = await onlineAgent('Busy', 5);
    await addChat(db, customer.id, { status: 'ACTIVE', agentId: busy.id });
    const first = await onlineAgent('First', 5);
    const second = await onlineAgent('Second', 5);
    await db.query(`UPDATE agent_profiles SET "lastAssignedAt" = now() - interval '1 minute' WHERE "userId" = $1`, [first.id]);
    await db.query(`UPDATE agent_profiles SET "lastAssignedAt" = now() - interval '2 minutes' WHERE "userId" = $1`, [second.id]);
    const older = await addChat(db, customer.id, { createdAt: new Date(Date.now() - 60_000) });
    const newer = await addChat(db, customer.id);

    const one = await r1.routing.assignNext();
    expect(one).toMatchObject({ agentId: second.id, chat: { id: older } });
    expect(one?.reason).toBe('auto-assigned: 1 of 5 open chats, the fewest of 3 online agents, assigned longest ago among equals');
    const two = await r2.routing.assignNext();
    expect(two).toMatchObject({ agentId: first.id, chat: { id: newer } });

    const messages: Array<{ seq: number; kind: string; body: string }> = await db.query(
      `SELECT seq, kind, body FROM messages WHERE "chatId" = $1 ORDER BY seq`,
      [older],
    );
    expect(messages).toEqual([
      { seq: 1, kind: 'CUSTOMER', body: 'Hello' },
      { seq: 2, kind: 'SYSTEM', body: 'Second joined the chat.' },
    ]);
    expect((await r1.routing.assignmentReasons([older, newer])).get(older)).toBe(one?.reason);
    // The event carries the SYSTEM message routing's batch wrote as the chat's last (no read to show it), without files.
    const event = r1.chatEvents.find((c) => c.id === older);
    expect(event).toMatchObject({ status: 'ACTIVE', agentId: second.id, lastSeq: 2, lastMessage: { seq: 2, kind: 'SYSTEM', body: 'Second joined the chat.', attached: false } });
  });

  it('never exceeds a capacity: what does not fit stays QUEUED', async () => {
    const small = await onlineAgent('Small', 2);
    for (let i = 0; i < 4; i++) await addChat(db, customer.id);
    expect(await r1.routing.drain()).toHaveLength(2);
    expect((await activeCounts()).get(small.id)).toBe(2);
    const [{ queued }] = await db.query(`SELECT count(*)::int AS queued FROM chats WHERE status = 'QUEUED'`);
    expect(queued).toBe(2);
  });

  it('gives a released chat to another agent with room, and back to the one who released it only when nobody else has room', async () => {
    // Deactivation is not part of releasing: nothing here reaches revokeAccess.
    const assignments = new AssignmentService(r1.dataSource, r1.chats, r1.routing, r1.presence, { revokeAccess: async () => undefined });
    const releaser = await onlineAgent('Releaser', 5);
    const colleague = await onlineAgent('Colleague', 2);
    await addChat(db, customer.id, { status: 'ACTIVE', agentId: colleague.id });
    const chat = await addChat(db, customer.id);
    expect(await r1.routing.assignNext()).toMatchObject({ agentId: releaser.id, chat: { id: chat } });

    // Released, the releaser has the fewest ACTIVE chats (0 against 1), yet the colleague gets it.
    await assignments.releaseChat(releaser, chat);
    const again = await r2.routing.assignNext();
    expect(again).toMatchObject({ agentId: colleague.id, chat: { id: chat } });
    expect(again?.reason).toBe('auto-assigned: 2 of 2 open chats, the fewest of 2 online agents apart from the one who released it');
    expect(await db.query(`SELECT * FROM chat_releases WHERE "chatId" = $1`, [chat])).toEqual([]);

    // The colleague releases it in turn: the releaser, not the colleague, gets it.
    await assignments.releaseChat(colleague, chat);
    expect(await r1.routing.assignNext()).toMatchObject({ agentId: releaser.id, chat: { id: chat } });
    // The releaser releases it again while the colleague is full (2 of 2): nobody else has room, so it goes back.
    await addChat(db, customer.id, { status: 'ACTIVE', agentId: colleague.id });
    await assignments.releaseChat(releaser, chat);
    const back = await r1.routing.assignNext();
    expect(back).toMatchObject({ agentId: releaser.id, chat: { id: chat } });
    expect(back?.reason).toBe('auto-assigned: 1 of 5 open chats, the fewest of 2 online agents');
  });

  it('is fair: 1,000 chats over 4 agents with capacity 5, closing as they go, each within one chat of the others', async () => {
    const agents = await Promise.all(['Ann', 'Ben', 'Cat', 'Dan'].map((name) => onlineAgent(`Fair ${name}`, 5)));
    const base = Date.now() - 1_000_000;
    await db.query(
      `INSERT INTO chats (id, "customerId", status, "botActive", "lastSeq", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, 'QUEUED', false, 0, to_timestamp(($2::bigint + n) / 1000.0), now() FROM generate_series(1, 1000) AS n`,
      [customer.id, base],
    );
    let maxSeen = 0;
    let closed = 0;
    await Promise.all([r1.routing.drain(), r2.routing.drain()]);
    while (closed < 1000) {
      for (const count of (await activeCounts()).values()) maxSeen = Math.max(maxSeen, count);
      // Agents close their chats in the order they got them, a few at a time, while two routers assign at once.
      const batch = 1 + Math.floor(Math.random() * 6);
      const rows = await db.query(
        `UPDATE chats SET status = 'CLOSED', "closedAt" = now() WHERE id IN (
           SELECT c.id FROM chats c JOIN chat_assignments a ON a."chatId" = c.id
           WHERE c.status = 'ACTIVE' ORDER BY a."assignedAt", c.id LIMIT $1) RETURNING id`,
        [batch],
      );
      closed += rows.length;
      if (!rows.length) break;
      await Promise.all([r1.routing.drain(), r2.routing.drain()]);
    }
    expect(closed).toBe(1000);
    expect(maxSeen).toBe(5);
    const totals: Array<{ agentId: string; n: number }> = await db.query(
      `SELECT "agentId", count(*)::int AS n FROM chats WHERE "agentId" = ANY($1::uuid[]) GROUP BY "agentId"`,
      [agents.map((a) => a.id)],
    );
    const counts = totals.map((t) => t.n);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(1000);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('two routers on separate connections racing on one queue: no chat assigned twice, no capacity exceeded', async () => {
    const agents = await Promise.all([1, 2, 3].map((i) => onlineAgent(`Racer ${i}`, 5)));
    const chats = [];
    for (let i = 0; i < 40; i++) chats.push(await addChat(db, customer.id));
    const results = await Promise.all([r1.routing.drain(), r2.routing.drain(), r1.routing.drain(), r2.routing.drain()]);
    const assigned = results.flat();
    expect(assigned).toHaveLength(15);
    expect(new Set(assigned.map((a) => a.chat.id)).size).toBe(15);
    const counts = await activeCounts();
    for (const agent of agents) expect(counts.get(agent.id)).toBe(5);
    const joined: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM messages WHERE "chatId" = ANY($1::uuid[]) AND kind = 'SYSTEM' GROUP BY "chatId"`,
      [chats],
    );
    expect(joined).toHaveLength(15);
    expect(joined.every((row) => row.n === 1)).toBe(true);
    // The oldest chats went first.
    expect(new Set(assigned.map((a) => a.chat.id))).toEqual(new Set(chats.slice(0, 15)));
  });

  it("applies one transition to many chats at once: each its own change and SYSTEM message, the ones its guard refuses left out", async () => {
    const [a, b] = [await onlineAgent('Batch A'), await onlineAgent('Batch B')];
    const waiting = [await addChat(db, customer.id), await addChat(db, customer.id)];
    const taken = await addChat(db, customer.id, { status: 'ACTIVE', agentId: a.id });
    const runner = r1.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const applied = await r1.chats.hooks.transitionManyIn(runner, TRANSITIONS.accept, [
      { chatId: waiting[1], args: { agentId: b.id, name: 'Batch B' } },
      { chatId: taken, args: { agentId: b.id, name: 'Batch B' } },
      { chatId: waiting[0], args: { agentId: a.id, name: 'Batch A' } },
    ]);
    await runner.commitTransaction();
    await runner.release();
    // In the order given, without the ACTIVE chat (accept's guard wants QUEUED).
    expect(applied.map((x) => [x.chat.id, x.chat.status, x.chat.agentId, x.chat.lastSeq])).toEqual([
      [waiting[1], 'ACTIVE', b.id, 2],
      [waiting[0], 'ACTIVE', a.id, 2],
    ]);
    expect(applied.map((x) => [x.message.chatId, x.message.seq, x.message.kind, x.message.body, x.message.notice])).toEqual([
      [waiting[1], 2, 'SYSTEM', 'Batch B joined the chat.', { code: 'JOINED', name: 'Batch B' }],
      [waiting[0], 2, 'SYSTEM', 'Batch A joined the chat.', { code: 'JOINED', name: 'Batch A' }],
    ]);
    // Stored as written: each chat's own notice beside its sentence.
    const stored: Array<{ notice: unknown }> = await db.query(`SELECT notice FROM messages WHERE "chatId" = $1 AND seq = 2`, [waiting[0]]);
    expect(stored).toEqual([{ notice: { code: 'JOINED', name: 'Batch A' } }]);
    const untouched: Array<{ agentId: string; lastSeq: number }> = await db.query(`SELECT "agentId", "lastSeq" FROM chats WHERE id = $1`, [taken]);
    expect(untouched).toEqual([{ agentId: a.id, lastSeq: 1 }]);
    const messages: Array<{ n: number }> = await db.query(`SELECT count(*)::int AS n FROM messages WHERE "chatId" = $1`, [taken]);
    expect(messages[0].n).toBe(1);
  });

  it('waits for an older chat whose row another transaction holds (a message being sent) rather than assigning a later one ahead of it', async () => {
    await onlineAgent('Patient', 2);
    // A send on the oldest chat: it bumps the chat's row and holds its lock until it commits.
    const { chats, release } = await waitingChatsOldestHeld();
    const draining = Promise.all([r1.routing.drain(), r2.routing.drain()]);
    try {
      await new Promise((r) => setTimeout(r, 500));
      // Nothing assigned meanwhile: not the later chats ahead of the held one.
      const [{ active }] = await db.query(`SELECT count(*)::int AS active FROM chats WHERE status = 'ACTIVE'`);
      expect(active).toBe(0);
    } finally {
      await release();
    }
    const assigned = (await draining).flat();
    expect(assigned.map((a) => a.chat.id)).toEqual(chats.slice(0, 2));
  });

  it('takes the next chat in line when the held one stops waiting (accepted by hand) while the router waits for it', async () => {
    const agent = await onlineAgent('Next in line', 5);
    // Accepted by hand on the oldest chat, not yet committed.
    const { chats, release } = await waitingChatsOldestHeld(`UPDATE chats SET status = 'ACTIVE', "agentId" = $2 WHERE id = $1`, agent.id);
    const draining = r1.routing.assignNext();
    await new Promise((r) => setTimeout(r, 300));
    await release();
    expect((await draining)?.chat.id).toBe(chats[1]);
  });

  describe('through the job queue', () => {
    beforeAll(async () => {
      await r1.routing.attach();
      await r1.presence.attach();
      await jobs.start();
    });

    it('assigns a waiting chat when an agent comes ONLINE', async () => {
      const chat = await addChat(db, customer.id);
      const latecomer = await addUser(db, Role.AGENT, 'Latecomer');
      await r1.presence.choose(latecomer.id, Availability.ONLINE);
      await r1.presence.socketAlive(latecomer.id, 'socket');
      await until(async () => (await db.query(`SELECT "agentId" FROM chats WHERE id = $1`, [chat]))[0].agentId === latecomer.id);
    });

    it('moves the ACTIVE chats of an agent who goes OFFLINE to the others, as if new', async () => {
      const leaving = await onlineAgent('Leaving', 5, Role.ADMIN);
      const chats = [await addChat(db, customer.id), await addChat(db, customer.id)];
      expect(await r1.routing.drain()).toHaveLength(2);
      const staying = await onlineAgent('Staying', 5);
      await r1.presence.choose(leaving.id, Availability.OFFLINE);
      await until(async () => {
        const rows: Array<{ agentId: string }> = await db.query(`SELECT "agentId" FROM chats WHERE id = ANY($1::uuid[])`, [chats]);
        return rows.every((row) => row.agentId === staying.id);
      });
      const bodies: Array<{ body: string }> = await db.query(`SELECT body FROM messages WHERE "chatId" = $1 AND kind = 'SYSTEM' ORDER BY seq`, [chats[0]]);
      expect(bodies.map((b) => b.body)).toEqual([
        'Leaving joined the chat.',
        'Leaving is no longer available; another agent will be with you shortly.',
        'Staying joined the chat.',
      ]);
    });

    it("assigns the bot's chat when the bot hands it over", async () => {
      const chats = r1.chats;
      const agent = await onlineAgent('Handover', 5);
      const chat = await addChat(db, customer.id, { botActive: true });
      await r1.routing.requestDrain('test');
      await new Promise((r) => setTimeout(r, 1000));
      expect((await db.query(`SELECT status FROM chats WHERE id = $1`, [chat]))[0].status).toBe('QUEUED');
      await chats.stopBot(chat, { code: MessageNoticeCode.PERSON_REQUESTED, wait: HandoverWaitKind.SHORTLY });
      await until(async () => (await db.query(`SELECT "agentId" FROM chats WHERE id = $1`, [chat]))[0].agentId === agent.id);
    });

    it('gives up on a row held past its lock timeout, then assigns through the queued drain once it is released, oldest first', async () => {
      const impatient = await openRouter({ lockTimeoutMs: 300 });
      await onlineAgent('After the hold', 2);
      // A transaction left open on the oldest chat's row, far longer than the lock timeout.
      const { chats, release } = await waitingChatsOldestHeld();
      try {
        const started = Date.now();
        await expect(impatient.routing.drain()).rejects.toThrow(/lock timeout/);
        expect(Date.now() - started).toBeLessThan(2500);
        // Its immediate drain gives up the same way; the queued one it sends is due a few seconds later.
        await impatient.routing.requestDrain('test');
        await new Promise((r) => setTimeout(r, 1000));
        const [{ active }] = await db.query(`SELECT count(*)::int AS active FROM chats WHERE status = 'ACTIVE'`);
        expect(active).toBe(0);
      } finally {
        await release();
      }
      await until(async () => (await activeCounts()).size > 0);
      const rows: Array<{ id: string; status: string }> = await db.query(`SELECT id, status FROM chats WHERE id = ANY($1::uuid[])`, [chats]);
      const status = new Map(rows.map((row) => [row.id, row.status]));
      expect(chats.map((id) => status.get(id))).toEqual(['ACTIVE', 'ACTIVE', 'QUEUED']);
    });

    it('looks at waiting chats again when capacity frees without an event it heard', async () => {
      const full = await onlineAgent('Full', 1);
      await addChat(db, customer.id, { status: 'ACTIVE', agentId: full.id });
      const waiting = await addChat(db, customer.id);
      await r1.routing.requestDrain('test');
      // Closed behind the routers' backs (no chatUpdated): the periodic re-check finds the free slot.
      await new Promise((r) => setTimeout(r, 1500));
      await db.query(`UPDATE chats SET status = 'CLOSED' WHERE "agentId" = $1 AND status = 'ACTIVE'`, [full.id]);
      await until(async () => (await db.query(`SELECT "agentId" FROM chats WHERE id = $1`, [waiting]))[0].agentId === full.id);
    });
  });
});
