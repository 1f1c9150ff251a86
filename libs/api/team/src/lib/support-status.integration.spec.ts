import { createAgent, errorCode, gql, gqlOk, loginAdmin, registerCustomer, startChat, startTestServer, wsClient, type GraphQLResponse, type Person, type TestServer, type WsClient } from '@parley/api/testing';

const STATUS = `{ supportStatus { anyoneOnline withinBusinessHours nextOpening } }`;
const AVAILABILITY = `mutation($a: Availability!) { setAvailability(availability: $a) { availability } }`;

// The abuse limits are on (scale 1): supportStatus spends its own rule per caller.
let api: TestServer;
let admin: Person;
let agent: Person;
let socket: WsClient | undefined;

const status = async (token?: string) => (await gqlOk(api.graphqlUrl, STATUS, {}, token))['supportStatus'] as Record<string, unknown>;
const setHours = (weekly: unknown[], timeZone = 'UTC') =>
  api.server.dataSource.query(
    `INSERT INTO team_settings (id, "timeZone", "weeklyHours") VALUES (1, $1, $2::jsonb)
     ON CONFLICT (id) DO UPDATE SET "timeZone" = EXCLUDED."timeZone", "weeklyHours" = EXCLUDED."weeklyHours"`,
    [timeZone, JSON.stringify(weekly)],
  );

beforeAll(async () => {
  api = await startTestServer({ rateLimitScale: 1 });
  admin = await loginAdmin(api);
  agent = await createAgent(api, 'Olive Online', admin);
});

afterAll(async () => {
  await socket?.dispose();
  await api?.stop();
});

describe('supportStatus', () => {
  it('tells anyone, signed in or not, that nobody answers while every agent is OFFLINE, and that the team is open without business hours', async () => {
    expect(await status()).toEqual({ anyoneOnline: false, withinBusinessHours: true, nextOpening: null });
    expect(await status(agent.token)).toEqual({ anyoneOnline: false, withinBusinessHours: true, nextOpening: null });
  });

  it('says someone answers once an agent is ONLINE with an open socket, and not once they step away', async () => {
    socket = wsClient(api.wsUrl, agent.token);
    await gqlOk(api.graphqlUrl, AVAILABILITY, { a: 'ONLINE' }, agent.token);
    // The team sees the agent once their socket is counted (asked of agents: supportStatus has its own limit).
    for (const deadline = Date.now() + 10_000; ; ) {
      const agents = (await gqlOk(api.graphqlUrl, `{ agents { id availability } }`, {}, admin.token))['agents'] as Array<{ id: string; availability: string }>;
      if (agents.find((a) => a.id === agent.id)?.availability === 'ONLINE') break;
      if (Date.now() > deadline) throw new Error('the agent never counted as online');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await status())['anyoneOnline']).toBe(true);
    await gqlOk(api.graphqlUrl, AVAILABILITY, { a: 'AWAY' }, agent.token);
    expect((await status())['anyoneOnline']).toBe(false);
    await gqlOk(api.graphqlUrl, AVAILABILITY, { a: 'ONLINE' }, agent.token);
    expect((await status())['anyoneOnline']).toBe(true);
  });

  it('says when business hours start again, in UTC, outside them; and that the team is within them otherwise', async () => {
    // Open only tomorrow (in Tokyo), 09:00 to 17:00 there.
    const zone = 'Asia/Tokyo';
    const tokyoNow = new Date(Date.now() + 9 * 3_600_000);
    const isoToday = ((tokyoNow.getUTCDay() + 6) % 7) + 1;
    const tomorrow = (isoToday % 7) + 1;
    await setHours([{ day: tomorrow, openMinute: 540, closeMinute: 1020 }], zone);
    const away = await status();
    const opening = new Date(Date.UTC(tokyoNow.getUTCFullYear(), tokyoNow.getUTCMonth(), tokyoNow.getUTCDate() + 1, 0, 0));
    expect(away).toEqual({ anyoneOnline: true, withinBusinessHours: false, nextOpening: opening.toISOString() });

    // Open all day, every day.
    await setHours([1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, openMinute: 0, closeMinute: 1440 })), zone);
    expect(await status()).toEqual({ anyoneOnline: true, withinBusinessHours: true, nextOpening: null });
    await setHours([]);
  });

  it('updateBusinessHours: admins set them (supportStatus and teamSettings follow at once), agents may not, bad input names its fields', async () => {
    const UPDATE = `mutation($input: BusinessHoursInput!) { updateBusinessHours(input: $input) { routing businessHours { timeZone weekly { day openMinute closeMinute } } } }`;
    const zone = 'Pacific/Auckland';
    const localNow = new Date(new Date().toLocaleString('en-US', { timeZone: zone }));
    const isoToday = ((localNow.getDay() + 6) % 7) + 1;
    const tomorrow = (isoToday % 7) + 1;
    // Given out of order, kept by day.
    const weekly = [{ day: tomorrow, openMinute: 780, closeMinute: 1020 }, { day: tomorrow, openMinute: 480, closeMinute: 720 }];
    const saved = (await gqlOk(api.graphqlUrl, UPDATE, { input: { timeZone: zone, weekly } }, admin.token))['updateBusinessHours'];
    expect(saved).toEqual({ routing: 'MANUAL', businessHours: { timeZone: zone, weekly: [weekly[1], weekly[0]] } });
    expect((await gqlOk(api.graphqlUrl, `{ teamSettings { businessHours { timeZone weekly { day } } } }`, {}, agent.token))['teamSettings']).toEqual({
      businessHours: { timeZone: zone, weekly: [{ day: tomorrow }, { day: tomorrow }] },
    });
    const away = await status();
    expect(away['withinBusinessHours']).toBe(false);
    // Tomorrow at 08:00 in Auckland: the local date and hour of the instant given.
    const opening = new Date(away['nextOpening'] as string);
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }).format(opening);
    expect(parts).toBe(`${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][tomorrow - 1]} 08:00`);

    const refused = await gql(api.graphqlUrl, UPDATE, { input: { timeZone: 'Mars/Olympus', weekly: [{ day: 8, openMinute: 60, closeMinute: 30 }] } }, admin.token);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect((refused.errors![0].extensions!['fields'] as Array<{ field: string }>).map((f) => f.field)).toEqual(['input.timeZone', 'input.weekly.0']);
    const overlapping = await gql(api.graphqlUrl, UPDATE, { input: { timeZone: 'UTC', weekly: [{ day: 1, openMinute: 0, closeMinute: 600 }, { day: 1, openMinute: 540, closeMinute: 700 }] } }, admin.token);
    expect(overlapping.errors![0].extensions!['fields']).toEqual([{ field: 'input.weekly', message: 'spans of one day must not overlap', reason: 'overlap' }]);
    expect(errorCode(await gql(api.graphqlUrl, UPDATE, { input: { timeZone: 'UTC', weekly: [] } }, agent.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, UPDATE, { input: { timeZone: 'UTC', weekly: [] } }))).toBe('UNAUTHENTICATED');
    // Unchanged by the refusals.
    expect((await status())['withinBusinessHours']).toBe(false);

    await gqlOk(api.graphqlUrl, UPDATE, { input: { timeZone: 'UTC', weekly: [] } }, admin.token);
    expect(await status()).toEqual({ anyoneOnline: true, withinBusinessHours: true, nextOpening: null });
  });

  it("the bot's handover says when the team is back, from the hours an admin set", async () => {
    await gqlOk(api.graphqlUrl, `mutation($input: ArticleInput!) { createArticle(input: $input) { id } }`, { input: { title: 'Returns', body: 'Send it back within 30 days.', tags: [] } }, admin.token);
    const zone = 'Asia/Tokyo';
    const tokyoNow = new Date(Date.now() + 9 * 3_600_000);
    const tomorrow = (((tokyoNow.getUTCDay() + 6) % 7) + 1) % 7 + 1;
    const tomorrowName = new Date(tokyoNow.getTime() + 86_400_000).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
    await gqlOk(api.graphqlUrl, `mutation($input: BusinessHoursInput!) { updateBusinessHours(input: $input) { routing } }`, {
      input: { timeZone: zone, weekly: [{ day: tomorrow, openMinute: 570, closeMinute: 1080 }] },
    }, admin.token);
    try {
      const casey = await registerCustomer(api, 'Casey Customer');
      const chatId = await startChat(api, casey, 'Where is my parcel?');
      await gqlOk(api.graphqlUrl, `mutation($id: ID!) { requestHuman(chatId: $id) { id } }`, { id: chatId }, casey.token);
      const chat = (await gqlOk(api.graphqlUrl, `query($id: ID!) { chat(id: $id) { messages { edges { node { kind body notice { code wait opensAt timeZone } } } } } }`, { id: chatId }, casey.token))['chat'];
      const notices = (chat.messages.edges as Array<{ node: { kind: string; body: string; notice: Record<string, string> | null } }>).map((e) => e.node).filter((m) => m.kind === 'SYSTEM');
      expect(notices).toEqual([
        {
          kind: 'SYSTEM',
          body: `Our team is away until ${tomorrowName} 9:30 AM (Asia/Tokyo); an agent will answer then. The assistant has stopped answering.`,
          // The same wait as data, for the customer's own language: the opening as an instant, the team's zone.
          notice: { code: 'PERSON_REQUESTED', wait: 'AWAY_UNTIL', opensAt: expect.stringMatching(/T00:30:00\.000Z$/), timeZone: zone },
        },
      ]);
    } finally {
      await gqlOk(api.graphqlUrl, `mutation { updateBusinessHours(input: { timeZone: "UTC", weekly: [] }) { routing } }`, {}, admin.token);
    }
  });

  it('is rate limited per caller, with retryAfterSeconds', async () => {
    const visitor = (await gqlOk(api.graphqlUrl, `mutation { startVisitorSession { token } }`))['startVisitorSession'].token as string;
    let refused: GraphQLResponse | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const result = await gql(api.graphqlUrl, STATUS, {}, visitor);
      if (result.errors) refused = result;
    }
    expect(errorCode(refused!)).toBe('RATE_LIMITED');
    expect(refused!.errors![0].extensions!['retryAfterSeconds']).toBeGreaterThan(0);
    // Another caller still gets an answer.
    expect(await status(admin.token)).toMatchObject({ withinBusinessHours: true });
  });
});
