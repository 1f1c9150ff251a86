import WebSocket from 'ws';
import { buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fieldLimit, LIMIT_RULES } from '@parley/api/core';
import { errorCode, gql, registerCustomer, startChat, startTestServer, type Person, type TestServer } from '@parley/api/testing';

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
  ] as const)('limits %s per caller', async (_name, rule, query) => {
    const codes: Array<string | undefined> = [];
    for (let i = 0; i <= allowed(rule); i++) codes.push(errorCode(await gql(api.graphqlUrl, query, { c: chatId }, customer.token)));
    expect(codes.slice(0, allowed(rule))).toEqual(Array(allowed(rule)).fill(undefined));
    const last = await gql(api.graphqlUrl, query, { c: chatId }, customer.token);
    expect(errorCode(last)).toBe('RATE_LIMITED');
    expect(last.errors?.[0].extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
    // Another customer is not held back by it (from an address of its own: sign-ups are limited per address).
    const other = await registerCustomer(api, 'Other', rule === 'typingPerCaller' ? '198.51.100.31' : '198.51.100.32');
    const otherChat = await startChat(api, other);
    expect(errorCode(await gql(api.graphqlUrl, query, { c: otherChat }, other.token))).toBeUndefined();
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
