import { createAgent, errorCode, gql, gqlOk, loginAdmin, startTestServer, wsClient, type GraphQLResponse, type Person, type TestServer, type WsClient } from '@parley/api/testing';

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
