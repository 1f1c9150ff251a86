import {
  acceptChat,
  createAgent,
  errorCode,
  gql,
  gqlOk,
  loginAdmin,
  registerCustomer,
  sendMessage,
  startTestServer,
  wsClient,
  type Person,
  type TestServer,
  type WsClient,
} from '@parley/api/testing';
import { ChatSearchRepository } from './chat-search.repository';

const SEARCH = `query($q: String, $label: String, $first: Int, $after: String) {
  searchChats(query: $q, label: $label, first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } }
}`;
const START = `mutation($input: StartChatInput!) { startChat(input: $input) { id } }`;
const LABELS = `mutation($id: ID!, $labels: [String!]!) { setChatLabels(chatId: $id, labels: $labels) { id } }`;

let api: TestServer;
let admin: Person;
let agent: Person;
let casey: Person;
let otto: Person;
let zipper: string;
let refund: string;
let ottoRefund: string;
const sockets: WsClient[] = [];

const start = async (who: Person, message: string, subject?: string) =>
  (await gqlOk(api.graphqlUrl, START, { input: { message, subject } }, who.token))['startChat'].id as string;
const ids = async (who: Person, vars: Record<string, unknown>) =>
  ((await gqlOk(api.graphqlUrl, SEARCH, vars, who.token))['searchChats'].edges as Array<{ node: { id: string } }>).map((e) => e.node.id);

beforeAll(async () => {
  api = await startTestServer();
  admin = await loginAdmin(api);
  [agent, casey, otto] = await Promise.all([createAgent(api, 'Alex Agent', admin), registerCustomer(api, 'Casey'), registerCustomer(api, 'Otto')]);
  // Made one after another: each later one is more recently updated.
  zipper = await start(casey, 'My jacket zipper came off', 'Broken zipper');
  refund = await start(casey, 'I would like a refund for order 1234');
  ottoRefund = await start(otto, 'Refund please, the shoes do not fit');
  await gqlOk(api.graphqlUrl, LABELS, { id: refund, labels: ['Billing'] }, agent.token);
}, 60_000);

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await api?.stop();
});

describe('searchChats', () => {
  it("finds words in messages (stemmed) and subjects, most recently updated first; a customer only in their own chats", async () => {
    expect(await ids(agent, { q: 'refunds' })).toEqual([ottoRefund, refund]);
    expect(await ids(casey, { q: 'refunds' })).toEqual([refund]);
    expect(await ids(otto, { q: 'refund' })).toEqual([ottoRefund]);
    // "broken" is only in the subject.
    expect(await ids(agent, { q: 'broken' })).toEqual([zipper]);
    expect(await ids(otto, { q: 'broken' })).toEqual([]);
    // A later message brings its chat to the top.
    await acceptChat(api, agent, refund);
    await sendMessage(api, agent, refund, 'Your refund is on its way.');
    expect(await ids(admin, { q: 'refund' })).toEqual([refund, ottoRefund]);
    expect(await ids(agent, { q: '"order 1234"' })).toEqual([refund]);
    expect(await ids(agent, { q: 'nothing-like-this' })).toEqual([]);
  });

  it('filters by label (whatever its case) for agents and admins, with or without a query; customers\' labels are ignored', async () => {
    expect(await ids(agent, { label: 'billing' })).toEqual([refund]);
    expect(await ids(admin, { label: 'BILLING', q: 'refund' })).toEqual([refund]);
    expect(await ids(agent, { label: 'billing', q: 'zipper' })).toEqual([]);
    expect(await ids(agent, { label: 'Shipping' })).toEqual([]);
    // For a customer the label is no filter: every chat of theirs.
    expect(await ids(casey, { label: 'shipping' })).toEqual([refund, zipper]);
    expect(await ids(casey, { label: 'shipping', q: 'zipper' })).toEqual([zipper]);
  });

  it('never reads private notes', async () => {
    await gqlOk(api.graphqlUrl, `mutation($id: ID!) { addNote(chatId: $id, body: "Customer mentioned pineapples; check order 1234") { id } }`, { id: zipper }, agent.token);
    expect(await ids(agent, { q: 'pineapples' })).toEqual([]);
    expect(await ids(admin, { q: 'pineapples' })).toEqual([]);
    expect(await ids(casey, { q: 'pineapples' })).toEqual([]);
    // The chat that only a note ties to order 1234 stays out of that search.
    expect(await ids(casey, { q: '"order 1234"' })).toEqual([refund]);
  });

  it('pages like the chats list', async () => {
    const first = (await gqlOk(api.graphqlUrl, SEARCH, { q: 'refund', first: 1 }, agent.token))['searchChats'];
    expect(first.edges).toHaveLength(1);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = (await gqlOk(api.graphqlUrl, SEARCH, { q: 'refund', first: 1, after: first.pageInfo.endCursor }, agent.token))['searchChats'];
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect([first.edges[0].node.id, second.edges[0].node.id]).toEqual(await ids(agent, { q: 'refund' }));
  });

  it("answers bad input with the contract's codes", async () => {
    const code = async (who: Person | null, vars: Record<string, unknown>) => errorCode(await gql(api.graphqlUrl, SEARCH, vars, who?.token));
    expect(await code(agent, { q: 'x', first: 0 })).toBe('BAD_USER_INPUT');
    expect(await code(agent, { q: 'x', first: 101 })).toBe('BAD_USER_INPUT');
    expect(await code(agent, { q: 'x', after: 'not-a-cursor' })).toBe('BAD_USER_INPUT');
    expect(await code(agent, { q: 'x'.repeat(201) })).toBe('BAD_USER_INPUT');
    expect(await code(agent, { label: ' ' })).toBe('BAD_USER_INPUT');
    expect(await code(agent, { q: 'a\u0000b' })).toBe('BAD_USER_INPUT');
    expect(await code(null, { q: 'refund' })).toBe('UNAUTHENTICATED');
  });

  it('reads the GIN indexes of messages and subjects', async () => {
    const { text, params } = new ChatSearchRepository(api.server.dataSource).statement({ query: 'refund', label: null, customerId: null, before: null, limit: 21 });
    const runner = api.server.dataSource.createQueryRunner();
    try {
      await runner.query('BEGIN');
      await runner.query('SET LOCAL enable_seqscan = off');
      const plan = (await runner.query(`EXPLAIN ${text}`, params)).map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('IDX_messages_search');
      expect(plan).toContain('IDX_chats_subject_search');
      expect(plan).toMatch(/Index Cond: \(id = ANY/);
    } finally {
      await runner.query('ROLLBACK');
      await runner.release();
    }
  });

  it("reads a label's chats by key, never walking or scanning every chat", async () => {
    const { text, params } = new ChatSearchRepository(api.server.dataSource).statement({ query: null, label: 'billing', customerId: null, before: null, limit: 101 });
    const runner = api.server.dataSource.createQueryRunner();
    try {
      await runner.query('BEGIN');
      // As on a large table: the planner's choices between indexes, not a scan of this test's few rows.
      await runner.query('SET LOCAL enable_seqscan = off');
      const plan = (await runner.query(`EXPLAIN ${text}`, params)).map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('IDX_chat_labels_label');
      expect(plan).toMatch(/Index Cond: \(id = ANY/);
      expect(plan).not.toContain('IDX_chats_updated');
    } finally {
      await runner.query('ROLLBACK');
      await runner.release();
    }
  });
});

describe("the bot's handover", () => {
  const REQUEST_HUMAN = `mutation($id: ID!) { requestHuman(chatId: $id) { id } }`;
  const MESSAGES = `query($id: ID!) { chat(id: $id) { botActive messages { edges { node { kind body } } } } }`;
  /** The SYSTEM message of a handover the customer asks for, in a chat the bot answers. */
  const handover = async () => {
    const chatId = await start(casey, 'Hello?');
    expect((await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId }, casey.token))['chat'].botActive).toBe(true);
    await gqlOk(api.graphqlUrl, REQUEST_HUMAN, { id: chatId }, casey.token);
    const edges = (await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId }, casey.token))['chat'].messages.edges as Array<{ node: { kind: string; body: string } }>;
    const notices = edges.map((e) => e.node).filter((m) => m.kind === 'SYSTEM');
    expect(notices).toHaveLength(1);
    return notices[0];
  };
  const setHours = (weekly: unknown[]) =>
    api.server.dataSource.query(
      `INSERT INTO team_settings (id, "timeZone", "weeklyHours") VALUES (1, 'UTC', $1::jsonb)
       ON CONFLICT (id) DO UPDATE SET "timeZone" = EXCLUDED."timeZone", "weeklyHours" = EXCLUDED."weeklyHours"`,
      [JSON.stringify(weekly)],
    );

  // With an article in the knowledge base, new chats have the bot.
  beforeAll(() =>
    gqlOk(api.graphqlUrl, `mutation($input: ArticleInput!) { createArticle(input: $input) { id } }`, { input: { title: 'Opening hours', body: 'We answer on weekdays.', tags: [] } }, admin.token),
  );
  afterAll(() => setHours([]));

  it('says when the team is back outside business hours, that nobody is online when nobody is, and the usual words otherwise', async () => {
    // Open only tomorrow, 09:00 to 17:00 UTC.
    const isoToday = ((new Date().getUTCDay() + 6) % 7) + 1;
    const tomorrow = (isoToday % 7) + 1;
    const tomorrowName = new Date(Date.now() + 86_400_000).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
    await setHours([{ day: tomorrow, openMinute: 540, closeMinute: 1020 }]);
    expect(await handover()).toEqual({
      kind: 'SYSTEM',
      body: `Our team is away until ${tomorrowName} 9:00 AM (UTC); an agent will answer then. The assistant has stopped answering.`,
    });

    await setHours([]);
    expect((await handover()).body).toMatch(/^Nobody from our team is online right now/);

    const ws = wsClient(api.wsUrl, agent.token);
    sockets.push(ws);
    await gqlOk(api.graphqlUrl, `mutation { setAvailability(availability: ONLINE) { availability } }`, {}, agent.token);
    // Until the team sees the agent's socket, they count as OFFLINE.
    for (const deadline = Date.now() + 10_000; ; ) {
      const agents = (await gqlOk(api.graphqlUrl, `query { agents { id availability } }`, {}, admin.token))['agents'] as Array<{ id: string; availability: string }>;
      if (agents.find((a) => a.id === agent.id)?.availability === 'ONLINE') break;
      if (Date.now() > deadline) throw new Error('the agent never came online');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await handover()).body).toBe('An agent will be with you shortly. The assistant has stopped answering.');
  });
});
