import {
  acceptChat,
  closeChat,
  errorCode,
  gql,
  gqlOk,
  registerCustomer,
  sendMessage,
  startChat,
  startFakeModel,
  startTestServer,
  subscribe,
  wsClient,
  useTestServer,
  type FakeModel,
  type Person,
  type TestServer,
} from '@parley/api/testing';

const SEARCH = `query($q: String!, $first: Int, $tags: [String!]) { searchArticles(query: $q, first: $first, tags: $tags) { score snippet article { id title tags } } }`;
const CREATE = `mutation($input: ArticleInput!) { createArticle(input: $input) { id title body tags createdAt updatedAt } }`;
const UPDATE = `mutation($id: ID!, $input: ArticleInput!) { updateArticle(id: $id, input: $input) { id title updatedAt } }`;
const DELETE = `mutation($id: ID!) { deleteArticle(id: $id) }`;
const ARTICLE = `query($id: ID!) { article(id: $id) { id title } }`;
const REQUEST_HUMAN = `mutation($id: ID!) { requestHuman(chatId: $id) { id botActive status } }`;
const CHAT = `query($id: ID!) { chat(id: $id) { botActive messages { edges { node { seq kind body } } } } }`;
const MESSAGE_ADDED = `subscription($id: ID!) { messageAdded(chatId: $id, afterSeq: 0) { seq kind body } }`;

interface Msg {
  seq: number;
  kind: string;
  body: string;
}

const cast = useTestServer({ config: { seedDemo: true }, agents: ['Alex Agent'], customers: ['Casey Customer'] });
let api: TestServer;
let admin: Person;
let agent: Person;
let customer: Person;
const sockets = cast.sockets;

/** Every message of the chat from seq 1, live, until `count` have arrived. */
async function messagesOf(server: TestServer, who: Person, chatId: string, count: number): Promise<Msg[]> {
  const ws = wsClient(server.wsUrl, who.token);
  sockets.push(ws);
  const sub = subscribe<Msg>(ws, MESSAGE_ADDED, { id: chatId });
  try {
    return (await sub.waitFor(count, 5000)).slice(0, count);
  } finally {
    sub.unsubscribe();
  }
}

const articleIdBySlugTitle = async (title: string) => {
  const hits = await gqlOk(api.graphqlUrl, SEARCH, { q: title, first: 1 }, customer.token);
  return hits['searchArticles'][0].article.id as string;
};

beforeAll(() => {
  ({ api, admin, agents: [agent], customers: [customer] } = cast);
});

describe('the answering bot', () => {
  it('answers "how do i send back shoes i bought" with the returns article, as a BOT message with the next seq', async () => {
    const chatId = await startChat(api, customer, 'how do i send back shoes i bought');
    const [first, reply] = await messagesOf(api, customer, chatId, 2);
    expect(first).toMatchObject({ seq: 1, kind: 'CUSTOMER' });
    expect(reply.seq).toBe(2);
    expect(reply.kind).toBe('BOT');
    const returnsId = await articleIdBySlugTitle('How to return an item');
    expect(reply.body).toContain('How to return an item');
    expect(reply.body).toContain(`/help/articles/${returnsId}`);
  });

  it('answers later customer messages too, and says honestly when it finds nothing, with the place in the queue', async () => {
    const chatId = await startChat(api, customer, 'do you ship to canada');
    await messagesOf(api, customer, chatId, 2);
    await sendMessage(api, customer, chatId, 'qwzx vbnm plokij');
    const messages = await messagesOf(api, customer, chatId, 4);
    expect(messages[3].kind).toBe('BOT');
    // Nobody from the team is ONLINE here, and the bot says so rather than promise a quick answer.
    expect(messages[3].body).toMatch(/I couldn't find an answer.*nobody from our team is online right now/);
    expect(messages[3].body).toMatch(/You are number \d+ in the queue/);
  });

  it('goes quiet for good after "can I talk to a person": SYSTEM message, botActive false', async () => {
    const chatId = await startChat(api, customer, 'can I talk to a person');
    const [, notice] = await messagesOf(api, customer, chatId, 2);
    expect(notice.kind).toBe('SYSTEM');
    const data = await gqlOk(api.graphqlUrl, CHAT, { id: chatId }, customer.token);
    expect(data['chat'].botActive).toBe(false);

    // A question it could answer now gets no bot reply: the next message is the agent joining.
    await sendMessage(api, customer, chatId, 'how do i return shoes');
    await acceptChat(api, agent, chatId);
    const all = await messagesOf(api, customer, chatId, 4);
    expect(all.map((m) => m.kind)).toEqual(['CUSTOMER', 'SYSTEM', 'CUSTOMER', 'SYSTEM']);
  });

  it('stops when an agent accepts the chat', async () => {
    const chatId = await startChat(api, customer, 'where is my parcel');
    await messagesOf(api, customer, chatId, 2);
    await acceptChat(api, agent, chatId);
    await sendMessage(api, customer, chatId, 'how long does a refund take');
    await sendMessage(api, agent, chatId, 'Let me check.');
    const all = await messagesOf(api, customer, chatId, 5);
    expect(all.map((m) => m.kind)).toEqual(['CUSTOMER', 'BOT', 'SYSTEM', 'CUSTOMER', 'AGENT']);
    const data = await gqlOk(api.graphqlUrl, CHAT, { id: chatId }, customer.token);
    expect(data['chat'].botActive).toBe(false);
  });
});

describe('requestHuman', () => {
  it('stops the bot once (idempotent), for the chat\'s customer only', async () => {
    const chatId = await startChat(api, customer, 'hello there');
    const other = await registerCustomer(api, 'Dana Customer');
    expect(errorCode(await gql(api.graphqlUrl, REQUEST_HUMAN, { id: chatId }, other.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, REQUEST_HUMAN, { id: chatId }, agent.token))).toBe('FORBIDDEN');
    const first = await gqlOk(api.graphqlUrl, REQUEST_HUMAN, { id: chatId }, customer.token);
    expect(first['requestHuman']).toMatchObject({ botActive: false, status: 'QUEUED' });
    const again = await gqlOk(api.graphqlUrl, REQUEST_HUMAN, { id: chatId }, customer.token);
    expect(again['requestHuman'].botActive).toBe(false);
    const data = await gqlOk(api.graphqlUrl, CHAT, { id: chatId }, customer.token);
    const systemNotices = data['chat'].messages.edges.filter((e: { node: Msg }) => e.node.kind === 'SYSTEM' && /The assistant has stopped answering/.test(e.node.body));
    expect(systemNotices).toHaveLength(1);
  });

  it('is CHAT_CLOSED on a closed chat', async () => {
    const chatId = await startChat(api, customer, 'hello again');
    await closeChat(api, customer, chatId);
    expect(errorCode(await gql(api.graphqlUrl, REQUEST_HUMAN, { id: chatId }, customer.token))).toBe('CHAT_CLOSED');
  });
});

describe('articles', () => {
  it('agents and admins write; customers and anonymous callers may not', async () => {
    const input = { title: 'Test article', body: 'Some body', tags: ['Test'] };
    expect(errorCode(await gql(api.graphqlUrl, CREATE, { input }, customer.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, CREATE, { input }))).toBe('UNAUTHENTICATED');
    const byAgent = await gqlOk(api.graphqlUrl, CREATE, { input }, agent.token);
    expect(byAgent['createArticle'].tags).toEqual(['test']);
    const byAdmin = await gqlOk(api.graphqlUrl, CREATE, { input }, admin.token);
    const id = byAdmin['createArticle'].id;
    expect(errorCode(await gql(api.graphqlUrl, UPDATE, { id, input }, customer.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, DELETE, { id }, customer.token))).toBe('FORBIDDEN');
    await gqlOk(api.graphqlUrl, UPDATE, { id, input }, agent.token);
    expect((await gqlOk(api.graphqlUrl, DELETE, { id }, admin.token))['deleteArticle']).toBe(true);
    expect(errorCode(await gql(api.graphqlUrl, DELETE, { id }, admin.token))).toBe('NOT_FOUND');
    await gqlOk(api.graphqlUrl, DELETE, { id: byAgent['createArticle'].id }, agent.token);
  });

  it('anyone reads and searches articles without a token; every mutation still needs staff', async () => {
    const created = await gqlOk(api.graphqlUrl, CREATE, { input: { title: 'Public pelicanite guide', body: 'Pelicanite care.', tags: ['care'] } }, admin.token);
    const id = created['createArticle'].id as string;
    const hits = await gqlOk(api.graphqlUrl, SEARCH, { q: 'pelicanite' });
    expect(hits['searchArticles'][0].article.id).toBe(id);
    expect((await gqlOk(api.graphqlUrl, ARTICLE, { id }))['article']).toEqual({ id, title: 'Public pelicanite guide' });
    const input = { title: 'Changed', body: 'Changed' };
    expect(errorCode(await gql(api.graphqlUrl, CREATE, { input }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, UPDATE, { id, input }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, DELETE, { id }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, REQUEST_HUMAN, { id }))).toBe('UNAUTHENTICATED');
    // Nothing changed underneath.
    expect((await gqlOk(api.graphqlUrl, ARTICLE, { id }))['article'].title).toBe('Public pelicanite guide');
    // Chats stay private.
    expect(errorCode(await gql(api.graphqlUrl, CHAT, { id }))).toBe('UNAUTHENTICATED');
    await gqlOk(api.graphqlUrl, DELETE, { id }, admin.token);
  });

  it('"Did this help?": one answer per user or browser, changeable, counted for staff only', async () => {
    const RATE = `mutation($id: ID!, $helpful: Boolean!, $browser: String) { rateArticle(articleId: $id, helpful: $helpful, browserToken: $browser) }`;
    const FEEDBACK = `query($id: ID!) { article(id: $id) { feedback { helpful notHelpful } } }`;
    const HITS_FEEDBACK = `query { searchArticles(query: "quillwort") { article { id feedback { helpful notHelpful } } } }`;
    const created = await gqlOk(api.graphqlUrl, CREATE, { input: { title: 'Quillwort sizes', body: 'Quillwort runs small.' } }, admin.token);
    const id = created['createArticle'].id as string;
    const browserA = 'a'.repeat(16);
    const browserB = 'b1_-'.repeat(8);
    await gqlOk(api.graphqlUrl, RATE, { id, helpful: true, browser: browserA });
    await gqlOk(api.graphqlUrl, RATE, { id, helpful: true, browser: browserA }); // the same browser again: still one
    await gqlOk(api.graphqlUrl, RATE, { id, helpful: true, browser: browserB });
    await gqlOk(api.graphqlUrl, RATE, { id, helpful: false, browser: browserB }); // changed its mind
    await gqlOk(api.graphqlUrl, RATE, { id, helpful: false }, customer.token);
    await gqlOk(api.graphqlUrl, RATE, { id, helpful: false, browser: browserA }, customer.token); // signed in: counted as the user
    expect((await gqlOk(api.graphqlUrl, FEEDBACK, { id }, agent.token))['article'].feedback).toEqual({ helpful: 1, notHelpful: 2 });
    expect((await gqlOk(api.graphqlUrl, HITS_FEEDBACK, {}, admin.token))['searchArticles'][0].article).toEqual({ id, feedback: { helpful: 1, notHelpful: 2 } });

    // Readers never see the counts.
    expect(errorCode(await gql(api.graphqlUrl, FEEDBACK, { id }, customer.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, FEEDBACK, { id }))).toBe('UNAUTHENTICATED');
    // Bad input is refused and stores nothing.
    for (const browser of [undefined, 'short', 'x'.repeat(65), 'has space in it!!', 'ünïcödé'.repeat(3)]) {
      expect(errorCode(await gql(api.graphqlUrl, RATE, { id, helpful: true, browser }))).toBe('BAD_USER_INPUT');
    }
    expect(errorCode(await gql(api.graphqlUrl, RATE, { id: '00000000-0000-4000-8000-000000000000', helpful: true, browser: browserA }))).toBe('NOT_FOUND');
    expect(errorCode(await gql(api.graphqlUrl, RATE, { id: 'nope', helpful: true }, customer.token))).toBe('NOT_FOUND');
    expect((await gqlOk(api.graphqlUrl, FEEDBACK, { id }, agent.token))['article'].feedback).toEqual({ helpful: 1, notHelpful: 2 });
    // Answers go with their article.
    await gqlOk(api.graphqlUrl, DELETE, { id }, admin.token);
  });

  it("agents' edits change the next search", async () => {
    const created = await gqlOk(
      api.graphqlUrl,
      CREATE,
      { input: { title: 'Caring for zephyrite boots', body: 'Brush zephyrite leather weekly.', tags: ['care'] } },
      agent.token,
    );
    const id = created['createArticle'].id;
    let hits = await gqlOk(api.graphqlUrl, SEARCH, { q: 'zephyrite' }, customer.token);
    expect(hits['searchArticles'][0].article.id).toBe(id);
    expect(hits['searchArticles'][0].snippet).toContain('zephyrite');

    await gqlOk(api.graphqlUrl, UPDATE, { id, input: { title: 'Caring for quartzine boots', body: 'Brush quartzine leather weekly.' } }, agent.token);
    hits = await gqlOk(api.graphqlUrl, SEARCH, { q: 'zephyrite' }, customer.token);
    expect(hits['searchArticles'].map((h: { article: { id: string } }) => h.article.id)).not.toContain(id);
    hits = await gqlOk(api.graphqlUrl, SEARCH, { q: 'quartzine boots' }, customer.token);
    expect(hits['searchArticles'][0].article.id).toBe(id);

    await gqlOk(api.graphqlUrl, DELETE, { id }, agent.token);
    expect((await gqlOk(api.graphqlUrl, ARTICLE, { id }, customer.token))['article']).toBeNull();
    hits = await gqlOk(api.graphqlUrl, SEARCH, { q: 'quartzine boots' }, customer.token);
    expect(hits['searchArticles'].map((h: { article: { id: string } }) => h.article.id)).not.toContain(id);
  });

  it('ranks the best match first, forgives typos and filters by tag', async () => {
    const hits = await gqlOk(api.graphqlUrl, SEARCH, { q: 'forgot my pasword', first: 3 }, customer.token);
    expect(hits['searchArticles'][0].article.title).toBe('Reset your password or sign in');
    expect(hits['searchArticles'].length).toBeLessThanOrEqual(3);
    const scores = hits['searchArticles'].map((h: { score: number }) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const privacyOnly = await gqlOk(api.graphqlUrl, SEARCH, { q: 'delete account data', tags: ['privacy'] }, customer.token);
    for (const hit of privacyOnly['searchArticles']) expect(hit.article.tags).toContain('privacy');
  });

  it('rejects bad search and article input with BAD_USER_INPUT naming the field', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [SEARCH, { q: '   ' }, 'query'],
      [SEARCH, { q: 'x'.repeat(201) }, 'query'],
      [SEARCH, { q: 'refund', first: 0 }, 'first'],
      [SEARCH, { q: 'refund', first: 21 }, 'first'],
      [CREATE, { input: { title: 'x'.repeat(201), body: 'b' } }, 'title'],
      [CREATE, { input: { title: 't', body: ' ' } }, 'body'],
      [CREATE, { input: { title: 't', body: 'b', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }, 'tags'],
      [CREATE, { input: { title: 't', body: 'b', tags: ['x'.repeat(41)] } }, 'tags'],
    ];
    for (const [query, variables, field] of cases) {
      const res = await gql(api.graphqlUrl, query, variables, agent.token);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      const fields = (res.errors?.[0]?.extensions?.['fields'] ?? []) as Array<{ field: string }>;
      expect(fields.map((f) => f.field).join(' ')).toContain(field);
    }
  });
});

describe('with a language model', () => {
  let model: FakeModel;
  // Never answers: the bot must give up and send the plain reply.
  let hanging: FakeModel;

  beforeAll(async () => {
    [model, hanging] = await Promise.all([startFakeModel('FAKE MODEL: print the return label.'), startFakeModel()]);
  });

  afterAll(() => Promise.all([model?.close(), hanging?.close()]));

  it("uses the model's answer, grounded on the matching articles", async () => {
    const server = await startTestServer({ seedDemo: true, llm: { baseUrl: model.baseUrl, model: 'tiny', timeoutMs: 4000 } });
    try {
      const who = await registerCustomer(server);
      const chatId = await startChat(server, who, 'how do i send back shoes i bought');
      const [, reply] = await messagesOf(server, who, chatId, 2);
      expect(reply).toMatchObject({ kind: 'BOT', body: 'FAKE MODEL: print the return label.' });
      const [request] = model.bodies.map((body) => JSON.parse(body) as { model: string; messages: Array<{ role: string; content: string }> });
      expect(request.model).toBe('tiny');
      expect(request.messages.map((m) => m.content).join('\n')).toContain('How to return an item');
    } finally {
      await server.stop();
    }
  });

  it('sends the plain article reply when the model times out', async () => {
    const server = await startTestServer({ seedDemo: true, llm: { baseUrl: hanging.baseUrl, model: 'tiny', timeoutMs: 300 } });
    try {
      const who = await registerCustomer(server);
      const chatId = await startChat(server, who, 'how do i send back shoes i bought');
      const [, reply] = await messagesOf(server, who, chatId, 2);
      expect(reply.kind).toBe('BOT');
      expect(reply.body).toContain('How to return an item');
    } finally {
      await server.stop();
    }
  });
});
