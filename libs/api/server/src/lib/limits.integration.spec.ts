import WebSocket from 'ws';
import { buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fieldLimit, LIMIT_RULES, MAX_OPEN_CHATS_PER_CUSTOMER } from '@parley/api/core';
import { createAgent, errorCode, gql, loginAdmin, registerCustomer, startChat, startChatAt, startTestServer, type Person, type TestServer } from '@parley/api/testing';

// Every mutation and every search spends a limit; WebSocket upgrades are limited per address.

const root = resolve(__dirname, '../../../../..');

describe('a limit on every mutation and search', () => {
  it('is named for each mutation and each search of the schema', () => {
    const schema = buildSchema(readFileSync(join(root, 'apps/api/schema.graphql'), 'utf8'));
    const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});
    expect(mutations.length).toBeGreaterThan(5);
    for (const name of mutations) expect([name, fieldLimit('Mutation', name)]).toEqual([name, expect.any(String)]);
    const searches = Object.keys(schema.getQueryType()?.getFields() ?? {}).filter((name) => /search/i.test(name));
    expect(searches.length).toBeGreaterThan(0);
    for (const name of searches) expect([name, fieldLimit('Query', name)]).toEqual([name, expect.any(String)]);
  });
});

describe('limits at work', () => {
  // A tenth of every limit: three typing notices per 10 s, three searches a minute, six upgrades a minute.
  const scale = 0.1;
  const allowed = (rule: keyof typeof LIMIT_RULES) => Math.ceil(LIMIT_RULES[rule].points * scale);
  let api: TestServer;
  let customer: Person;
  let chatId: string;
  beforeAll(async () => {
    api = await startTestServer({ rateLimitScale: scale });
    customer = await registerCustomer(api, 'Casey', '198.51.100.20');
    chatId = await startChat(api, customer);
  }, 60_000);
  afterAll(() => api?.stop());

  it.each([
    ['setTyping', 'typingPerCaller', 'mutation($c: ID!) { setTyping(chatId: $c, typing: true) }'],
    ['searchArticles', 'searchPerCaller', 'query { searchArticles(query: "where is my parcel") { snippet } }'],
    ['searchChats', 'searchPerCaller', 'query { searchChats(query: "where is my parcel") { edges { cursor } } }'],
  ] as const)('limits %s per caller', async (name, rule, query) => {
    const codes: Array<string | undefined> = [];
    for (let i = 0; i <= allowed(rule); i++) codes.push(errorCode(await gql(api.graphqlUrl, query, { c: chatId }, customer.token)));
    expect(codes.slice(0, allowed(rule))).toEqual(Array(allowed(rule)).fill(undefined));
    const last = await gql(api.graphqlUrl, query, { c: chatId }, customer.token);
    expect(errorCode(last)).toBe('RATE_LIMITED');
    expect(last.errors?.[0].extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
    // Another customer is not held back by it (from an address of its own: sign-ups are limited per address).
    const other = await registerCustomer(api, 'Other', { setTyping: '198.51.100.31', searchArticles: '198.51.100.32', searchChats: '198.51.100.33' }[name]);
    const otherChat = await startChat(api, other);
    expect(errorCode(await gql(api.graphqlUrl, query, { c: otherChat }, other.token))).toBeUndefined();
  });

  it('limits team reports per admin', async () => {
    const admin = await loginAdmin(api);
    const query = 'query { teamReport(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { chatsCreated } }';
    const codes: Array<string | undefined> = [];
    for (let i = 0; i <= allowed('reportPerCaller'); i++) codes.push(errorCode(await gql(api.graphqlUrl, query, {}, admin.token)));
    expect(codes).toEqual([...Array(allowed('reportPerCaller')).fill(undefined), 'RATE_LIMITED']);
  });

  it('limits anonymous searches per address, like any other caller', async () => {
    const query = 'query { searchArticles(query: "where is my parcel") { snippet } }';
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < allowed('searchPerCaller'); i++) codes.push(errorCode(await gql(api.graphqlUrl, query, {}, undefined, from('198.51.100.41'))));
    expect(codes).toEqual(Array(allowed('searchPerCaller')).fill(undefined));
    expect(errorCode(await gql(api.graphqlUrl, query, {}, undefined, from('198.51.100.41')))).toBe('RATE_LIMITED');
    expect(errorCode(await gql(api.graphqlUrl, query, {}, undefined, from('198.51.100.42')))).toBeUndefined();
  });

  it('limits WebSocket upgrades per address, before the handshake', async () => {
    const address = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
    const open = () =>
      new Promise<number>((resolveOpen) => {
        const socket = new WebSocket(api.wsUrl, 'graphql-transport-ws', { headers: { 'x-forwarded-for': address } });
        socket.once('open', () => {
          socket.close();
          resolveOpen(101);
        });
        socket.once('unexpected-response', (_req, res) => resolveOpen(res.statusCode ?? 0));
        socket.once('error', () => undefined);
      });
    const statuses: number[] = [];
    for (let i = 0; i <= allowed('socketsPerIp'); i++) statuses.push(await open());
    expect(statuses.slice(0, allowed('socketsPerIp'))).toEqual(Array(allowed('socketsPerIp')).fill(101));
    expect(statuses[allowed('socketsPerIp')]).toBe(429);
  });
});

describe('the queue cannot be flooded to hide a customer', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startTestServer({ rateLimitScale: 1 });
  }, 60_000);
  afterAll(() => api?.stop());

  it('caps the chats one customer has open, and frees a place when one closes', async () => {
    const flooder = await registerCustomer(api, 'Flood', '198.51.100.40');
    const started: string[] = [];
    for (let i = 0; i < MAX_OPEN_CHATS_PER_CUSTOMER - 1; i++) started.push(await startChat(api, flooder, `chat ${i}`));
    started.push(await startChatAt(api.graphqlUrl, flooder, 'the last one', 'flood-last'));
    const start = () => gql(api.graphqlUrl, 'mutation { startChat(input: { message: "one more" }) { id } }', {}, flooder.token);
    const refused = await start();
    expect(errorCode(refused)).toBe('CONFLICT');
    // At the cap, the same start asked again still gives back its chat.
    expect(await startChatAt(api.graphqlUrl, flooder, 'the last one', 'flood-last')).toBe(started[started.length - 1]);
    await gql(api.graphqlUrl, 'mutation($id: ID!) { closeChat(chatId: $id) { id } }', { id: started[0] }, flooder.token);
    expect(errorCode(await start())).toBeUndefined();
  });

  it('pages through the whole queue and says how long it is', async () => {
    const agent = await createAgent(api);
    const customers = await Promise.all([41, 42, 43].map((n) => registerCustomer(api, `Q${n}`, `198.51.100.${n}`)));
    for (const customer of customers) await startChat(api, customer, 'waiting');
    const { queueLength } = (await gql(api.graphqlUrl, '{ queueLength }', {}, agent.token)).data as { queueLength: number };
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = (await gql(api.graphqlUrl, 'query($after: ID) { queue(first: 2, after: $after) { id status } }', { after }, agent.token)).data as {
        queue: Array<{ id: string; status: string }>;
      };
      expect(page.queue.length).toBeLessThanOrEqual(2);
      if (!page.queue.length) break;
      seen.push(...page.queue.map((c) => c.id));
      after = page.queue[page.queue.length - 1].id;
    }
    expect(seen).toHaveLength(queueLength);
    expect(new Set(seen).size).toBe(queueLength);
    // Without arguments it is still the contract's list, oldest first.
    const all = (await gql(api.graphqlUrl, '{ queue { id } }', {}, agent.token)).data as { queue: Array<{ id: string }> };
    expect(all.queue.map((c) => c.id)).toEqual(seen);
    expect(errorCode(await gql(api.graphqlUrl, '{ queue(first: 201) { id } }', {}, agent.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, '{ queue(after: "nope") { id } }', {}, agent.token))).toBe('BAD_USER_INPUT');
    const customer = customers[0];
    expect(errorCode(await gql(api.graphqlUrl, '{ queueLength }', {}, customer.token))).toBe('FORBIDDEN');
  });
});
