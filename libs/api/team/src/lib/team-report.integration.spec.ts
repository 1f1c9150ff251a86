import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@parley/api/database';
import { createAgent, createTestDatabase, errorCode, gql, gqlOk, loginAdmin, startTestServer, type Person, type TestServer } from '@parley/api/testing';
import { TEAM_REPORT_STATEMENT } from './team-report.repository';

const REPORT = `query($from: DateTimeISO!, $to: DateTimeISO!) {
  teamReport(from: $from, to: $to) {
    chatsCreated chatsClosed medianFirstResponseSeconds medianResolutionSeconds averageRating ratings
    agents { agent { displayName } chatsClosed medianFirstResponseSeconds averageRating }
  }
}`;
const JANUARY = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };

let api: TestServer;
let admin: Person;

type Kind = 'CUSTOMER' | 'AGENT' | 'BOT' | 'SYSTEM';

async function addUser(db: DataSource, role: 'AGENT' | 'CUSTOMER', displayName: string): Promise<string> {
  const id = randomUUID();
  await db.query(`INSERT INTO users (id, email, "emailLower", "displayName", role, "passwordHash") VALUES ($1, $2, $2, $3, $4, 'x')`, [
    id,
    `${id}@parley.test`,
    displayName,
    role,
  ]);
  return id;
}

/** A chat as it happened: its messages at the given times (seq in order), its agent, its close and its rating. */
async function addChat(
  db: DataSource,
  chat: { customerId: string; agentId?: string; createdAt: string; closedAt?: string; rating?: number; messages: Array<[Kind, string, string?]> },
): Promise<void> {
  const id = randomUUID();
  const last = chat.messages.at(-1)?.[1] ?? chat.createdAt;
  await db.query(
    `INSERT INTO chats (id, "customerId", status, "agentId", "botActive", "lastSeq", "createdAt", "updatedAt", "closedAt")
     VALUES ($1, $2, $3, $4, false, $5, $6, $7, $8)`,
    [id, chat.customerId, chat.closedAt ? 'CLOSED' : chat.agentId ? 'ACTIVE' : 'QUEUED', chat.agentId ?? null, chat.messages.length, chat.createdAt, last, chat.closedAt ?? null],
  );
  for (const [i, [kind, at, senderId]] of chat.messages.entries()) {
    await db.query(`INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "createdAt") VALUES ($1, $2, $3, $4, $5, 'x', $6)`, [
      randomUUID(),
      id,
      i + 1,
      kind,
      kind === 'CUSTOMER' ? chat.customerId : (senderId ?? null),
      at,
    ]);
  }
  if (chat.rating) await db.query(`INSERT INTO chat_ratings ("chatId", rating) VALUES ($1, $2)`, [id, chat.rating]);
}

beforeAll(async () => {
  api = await startTestServer();
  admin = await loginAdmin(api);
  const db = api.server.dataSource;
  const [ann, ben, cleo, customer] = await Promise.all([
    addUser(db, 'AGENT', 'Ann'),
    addUser(db, 'AGENT', 'Ben'),
    addUser(db, 'AGENT', 'Cleo'),
    addUser(db, 'CUSTOMER', 'Casey'),
  ]);
  const day = (d: string, t: string) => `2026-01-${d}T${t}Z`;
  // 1. No bot. Ann joins at 10:01 and answers at 10:02: 120 s. Closed after 1800 s. Rated 5.
  await addChat(db, {
    customerId: customer, agentId: ann, createdAt: day('05', '10:00:00'), closedAt: day('05', '10:30:00'), rating: 5,
    messages: [['CUSTOMER', day('05', '10:00:00')], ['SYSTEM', day('05', '10:01:00')], ['AGENT', day('05', '10:02:00'), ann], ['SYSTEM', day('05', '10:30:00')]],
  });
  // 2. The bot answers twice; the customer asks for a person at 12:02 (the handover); Ben answers at 12:06: 240 s.
  //    Closed after 3600 s. Rated 2.
  await addChat(db, {
    customerId: customer, agentId: ben, createdAt: day('06', '12:00:00'), closedAt: day('06', '13:00:00'), rating: 2,
    messages: [
      ['CUSTOMER', day('06', '12:00:00')], ['BOT', day('06', '12:00:05')], ['CUSTOMER', day('06', '12:01:00')], ['BOT', day('06', '12:01:05')],
      ['SYSTEM', day('06', '12:02:00')], ['SYSTEM', day('06', '12:05:00')], ['AGENT', day('06', '12:06:00'), ben], ['SYSTEM', day('06', '13:00:00')],
    ],
  });
  // 3. No bot. Ann answers after 630 s, then hands it to Ben, who has it now. Still open, not rated.
  await addChat(db, {
    customerId: customer, agentId: ben, createdAt: day('10', '08:00:00'),
    messages: [['CUSTOMER', day('10', '08:00:00')], ['SYSTEM', day('10', '08:10:00')], ['AGENT', day('10', '08:10:30'), ann], ['SYSTEM', day('10', '08:20:00')], ['AGENT', day('10', '08:21:00'), ben]],
  });
  // 4. No bot. Ben answers after 100 s; closed after 1200 s; not rated.
  await addChat(db, {
    customerId: customer, agentId: ben, createdAt: day('15', '14:00:00'), closedAt: day('15', '14:20:00'),
    messages: [['CUSTOMER', day('15', '14:00:00')], ['SYSTEM', day('15', '14:00:10')], ['AGENT', day('15', '14:01:40'), ben], ['SYSTEM', day('15', '14:20:00')]],
  });
  // 5. The bot answered and the customer closed it after 300 s: no agent, no first response. Rated 4.
  await addChat(db, {
    customerId: customer, createdAt: day('20', '09:00:00'), closedAt: day('20', '09:05:00'), rating: 4,
    messages: [['CUSTOMER', day('20', '09:00:00')], ['BOT', day('20', '09:00:05')], ['SYSTEM', day('20', '09:05:00')]],
  });
  // 6. The last moment of January: counted, still waiting.
  await addChat(db, { customerId: customer, createdAt: '2026-01-31T23:59:59.999Z', messages: [['CUSTOMER', '2026-01-31T23:59:59.999Z']] });
  // March, measured from the messages alone (never from a column kept beside them):
  // 7. No bot. The chat's row is from 11:00:00, its customer's first message from 11:00:40; Ann answers at 11:01:40: 60 s.
  await addChat(db, {
    customerId: customer, agentId: ann, createdAt: '2026-03-02T11:00:00Z',
    messages: [['CUSTOMER', '2026-03-02T11:00:40Z'], ['SYSTEM', '2026-03-02T11:01:00Z'], ['AGENT', '2026-03-02T11:01:40Z', ann]],
  });
  // 8. The bot answered; no SYSTEM message marks a handover, the customer wrote again at 12:03:00; Ann answers at 12:03:45: 45 s.
  await addChat(db, {
    customerId: customer, agentId: ann, createdAt: '2026-03-03T12:00:00Z',
    messages: [['CUSTOMER', '2026-03-03T12:00:00Z'], ['BOT', '2026-03-03T12:00:05Z'], ['CUSTOMER', '2026-03-03T12:03:00Z'], ['AGENT', '2026-03-03T12:03:45Z', ann]],
  });
  // 9. A SYSTEM line before the bot's reply is no handover: the one after it (12:10:00) is; Ben answers at 12:10:30: 30 s.
  await addChat(db, {
    customerId: customer, agentId: ben, createdAt: '2026-03-04T12:00:00Z',
    messages: [
      ['CUSTOMER', '2026-03-04T12:00:00Z'], ['SYSTEM', '2026-03-04T12:00:01Z'], ['BOT', '2026-03-04T12:00:05Z'],
      ['SYSTEM', '2026-03-04T12:10:00Z'], ['AGENT', '2026-03-04T12:10:30Z', ben],
    ],
  });
  // Outside [from, to): February's first moment (Cleo's, rated 1) and New Year's Eve (Ann's, rated 1).
  await addChat(db, {
    customerId: customer, agentId: cleo, createdAt: JANUARY.to, closedAt: '2026-02-01T01:00:00Z', rating: 1,
    messages: [['CUSTOMER', JANUARY.to], ['SYSTEM', '2026-02-01T00:00:01Z'], ['AGENT', '2026-02-01T00:00:02Z', cleo]],
  });
  await addChat(db, {
    customerId: customer, agentId: ann, createdAt: '2025-12-31T23:00:00Z', closedAt: '2025-12-31T23:30:00Z', rating: 1,
    messages: [['CUSTOMER', '2025-12-31T23:00:00Z'], ['SYSTEM', '2025-12-31T23:00:01Z'], ['AGENT', '2025-12-31T23:00:02Z', ann]],
  });
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

describe('teamReport', () => {
  it('gives the figures worked out by hand for January', async () => {
    const report = (await gqlOk(api.graphqlUrl, REPORT, JANUARY, admin.token))['teamReport'];
    expect(report).toEqual({
      chatsCreated: 6,
      chatsClosed: 4,
      // 100, 120, 240, 630: the middle two's mean.
      medianFirstResponseSeconds: 180,
      // 300, 1200, 1800, 3600.
      medianResolutionSeconds: 1500,
      averageRating: expect.closeTo(11 / 3, 6),
      ratings: 3,
      agents: [
        // Ann: chat 1 closed (rated 5); first responses 120 (chat 1) and 630 (chat 3, now Ben's).
        { agent: { displayName: 'Ann' }, chatsClosed: 1, medianFirstResponseSeconds: 375, averageRating: 5 },
        // Ben: chats 2 and 4 closed (rated 2, and not at all), chat 3 open; first responses 240 and 100.
        { agent: { displayName: 'Ben' }, chatsClosed: 2, medianFirstResponseSeconds: 170, averageRating: 2 },
      ],
    });
  });

  it('measures first responses from the messages: the customer\'s first line, or the handover after the bot\'s last reply', async () => {
    const report = (await gqlOk(api.graphqlUrl, REPORT, { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }, admin.token))['teamReport'];
    expect(report).toEqual({
      chatsCreated: 3,
      chatsClosed: 0,
      // 30, 45, 60.
      medianFirstResponseSeconds: 45,
      medianResolutionSeconds: null,
      averageRating: null,
      ratings: 0,
      agents: [
        // Ann: 60 and 45; Ben: 30.
        { agent: { displayName: 'Ann' }, chatsClosed: 0, medianFirstResponseSeconds: 52.5, averageRating: null },
        { agent: { displayName: 'Ben' }, chatsClosed: 0, medianFirstResponseSeconds: 30, averageRating: null },
      ],
    });
  });

  it('gives the same figures per day of creation, every day of the range, the empty ones as zeros', async () => {
    const DAYS = `query($from: DateTimeISO!, $to: DateTimeISO!, $tz: String) {
      teamReport(from: $from, to: $to, timeZone: $tz) { days { date chatsCreated chatsClosed medianFirstResponseSeconds medianResolutionSeconds averageRating ratings } }
    }`;
    const empty = { chatsCreated: 0, chatsClosed: 0, medianFirstResponseSeconds: null, medianResolutionSeconds: null, averageRating: null, ratings: 0 };
    const days = (await gqlOk(api.graphqlUrl, DAYS, JANUARY, admin.token))['teamReport'].days as Array<{ date: string }>;
    expect(days).toHaveLength(31);
    expect(days[0].date).toBe('2026-01-01');
    expect(days.at(-1)?.date).toBe('2026-01-31');
    const busy = {
      // Chat 1: answered after 120 s, closed after 1800 s, rated 5.
      '2026-01-05': { chatsCreated: 1, chatsClosed: 1, medianFirstResponseSeconds: 120, medianResolutionSeconds: 1800, averageRating: 5, ratings: 1 },
      // Chat 2: 240 s after the handover, closed after 3600 s, rated 2.
      '2026-01-06': { chatsCreated: 1, chatsClosed: 1, medianFirstResponseSeconds: 240, medianResolutionSeconds: 3600, averageRating: 2, ratings: 1 },
      // Chat 3: answered after 630 s, still open.
      '2026-01-10': { ...empty, chatsCreated: 1, medianFirstResponseSeconds: 630 },
      // Chat 4: 100 s, closed after 1200 s, not rated.
      '2026-01-15': { ...empty, chatsCreated: 1, chatsClosed: 1, medianFirstResponseSeconds: 100, medianResolutionSeconds: 1200 },
      // Chat 5: the bot's, closed after 300 s, rated 4.
      '2026-01-20': { ...empty, chatsCreated: 1, chatsClosed: 1, medianResolutionSeconds: 300, averageRating: 4, ratings: 1 },
      // Chat 6: waiting.
      '2026-01-31': { ...empty, chatsCreated: 1 },
    } as Record<string, object>;
    for (const day of days) expect(day).toEqual({ date: day.date, ...(busy[day.date] ?? empty) });

    // In Tokyo (UTC+9) January's instants run from 1 January 09:00 to 1 February 09:00: chat 6 (23:59:59.999 UTC) falls on 1 February.
    const tokyo = (await gqlOk(api.graphqlUrl, DAYS, { ...JANUARY, tz: 'Asia/Tokyo' }, admin.token))['teamReport'].days as Array<{ date: string; chatsCreated: number }>;
    expect(tokyo.map((d) => d.date)).toEqual([...Array.from({ length: 31 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`), '2026-02-01']);
    expect(tokyo.filter((d) => d.chatsCreated).map((d) => d.date)).toEqual(['2026-01-05', '2026-01-06', '2026-01-10', '2026-01-15', '2026-01-20', '2026-02-01']);
    // In New York (UTC-5) they begin on 31 December at 19:00.
    const newYork = (await gqlOk(api.graphqlUrl, DAYS, { ...JANUARY, tz: 'America/New_York' }, admin.token))['teamReport'].days as Array<{ date: string }>;
    expect([newYork[0].date, newYork.at(-1)?.date, newYork.length]).toEqual(['2025-12-31', '2026-01-31', 32]);

    expect(errorCode(await gql(api.graphqlUrl, DAYS, { ...JANUARY, tz: 'Mars/Olympus' }, admin.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, DAYS, { ...JANUARY, tz: "UTC'; --" }, admin.token))).toBe('BAD_USER_INPUT');
  });

  it('has no figures where nothing happened', async () => {
    const report = (await gqlOk(api.graphqlUrl, REPORT, { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' }, admin.token))['teamReport'];
    expect(report).toEqual({
      chatsCreated: 0,
      chatsClosed: 0,
      medianFirstResponseSeconds: null,
      medianResolutionSeconds: null,
      averageRating: null,
      ratings: 0,
      agents: [],
    });
    expect((await gqlOk(api.graphqlUrl, `{ teamReport(from: "2024-01-01T00:00:00Z", to: "2024-01-03T00:00:00Z") { days { date chatsCreated } } }`, {}, admin.token))['teamReport'].days).toEqual([
      { date: '2024-01-01', chatsCreated: 0 },
      { date: '2024-01-02', chatsCreated: 0 },
    ]);
  });

  it("is for admins, over at most a year, with the contract's codes", async () => {
    const agent = await createAgent(api, 'Alex', admin);
    expect(errorCode(await gql(api.graphqlUrl, REPORT, JANUARY, agent.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, REPORT, JANUARY))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, REPORT, { from: JANUARY.to, to: JANUARY.from }, admin.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, REPORT, { from: JANUARY.from, to: JANUARY.from }, admin.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, REPORT, { from: '2024-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' }, admin.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, REPORT, { from: 'yesterday', to: JANUARY.to }, admin.token))).toBe('BAD_USER_INPUT');
  });

  it('reads an index for every filter: the range of creation dates, and each chat\'s BOT, SYSTEM and AGENT messages', async () => {
    const runner = api.server.dataSource.createQueryRunner();
    try {
      await runner.query('BEGIN');
      await runner.query('SET LOCAL enable_seqscan = off');
      const plan = (await runner.query(`EXPLAIN ${TEAM_REPORT_STATEMENT}`, [JANUARY.from, JANUARY.to, 'UTC'])).map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('IDX_chats_created');
      expect(plan).toContain('IDX_messages_chat_kind_seq');
      expect(plan).not.toMatch(/Seq Scan on (chats|messages)/);
    } finally {
      await runner.query('ROLLBACK');
      await runner.release();
    }
  });
});

describe('the migration of read marks, ratings and the search and report indexes', () => {
  it('reverts and applies again', async () => {
    const database = await createTestDatabase('parley_activity_migration');
    const db = createDataSource({ url: database.url, entities: [] });
    const exists = async () =>
      (await db.query(`SELECT to_regclass('chat_ratings') AS ratings, to_regclass('chat_read_marks') AS marks, to_regclass('"IDX_messages_search"') AS search`))[0];
    try {
      await db.initialize();
      await runMigrations(db);
      expect(await exists()).toEqual({ ratings: 'chat_ratings', marks: 'chat_read_marks', search: '"IDX_messages_search"' });
      // Back to before it (and any later migration).
      while ((await exists()).ratings) await db.undoLastMigration({ transaction: 'each' });
      expect(await exists()).toEqual({ ratings: null, marks: null, search: null });
      await runMigrations(db);
      expect(await exists()).toEqual({ ratings: 'chat_ratings', marks: 'chat_read_marks', search: '"IDX_messages_search"' });
    } finally {
      await db.destroy().catch(() => undefined);
      await database.drop();
    }
  });
});
