import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import {
  errorCode,
  gql,
  gqlOk,
  registerCustomer,
  startChat,
  startTestServer,
  subscribe,
  wsClient,
  type TestServer,
} from '@parley/api/testing';
import { isPublicField } from '@parley/api/core';
import { buildParleySchema, schemaOnlyContainer } from './schema';

const root = resolve(__dirname, '../../../../..');

describe('the schema', () => {
  it('matches the committed apps/api/schema.graphql (run `npm run schema:print` after changing it)', async () => {
    const schema = await buildParleySchema(schemaOnlyContainer);
    const committed = readFileSync(resolve(root, 'apps/api/schema.graphql'), 'utf8');
    expect(printSchema(lexicographicSortSchema(schema)) + '\n').toBe(committed);
  });

  it('lets anonymous clients call only me, register, login, refreshToken, startVisitorSession, identifyVisitor, searchArticles, article, rateArticle, siteFeatures and the password reset pair, widgetSettings, supportStatus', async () => {
    const schema = await buildParleySchema(schemaOnlyContainer);
    const open: string[] = [];
    for (const type of [schema.getQueryType(), schema.getMutationType()]) {
      for (const name of Object.keys(type!.getFields())) if (isPublicField(type!, name)) open.push(`${type!.name}.${name}`);
    }
    expect(open.sort()).toEqual([
      'Mutation.identifyVisitor',
      'Mutation.login',
      'Mutation.rateArticle',
      'Mutation.refreshToken',
      'Mutation.register',
      'Mutation.requestPasswordReset',
      'Mutation.resetPassword',
      'Mutation.startVisitorSession',
      'Query.article',
      'Query.me',
      'Query.searchArticles',
      'Query.siteFeatures',
      'Query.supportStatus',
      'Query.widgetSettings',
    ]);
  });
});

describe('the running server', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startTestServer();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('keeps idle keep-alive connections longer than a balancer does (65 s), on the GraphQL route too', async () => {
    const res = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ me { id } }"}' });
    expect(res.headers.get('keep-alive')).toBe('timeout=65');
  });

  it('gives a POST answer its length in bytes, multi-byte text included', async () => {
    const casey = await registerCustomer(api, 'Casey 😀 Ünal');
    const res = await fetch(api.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${casey.token}` },
      body: JSON.stringify({ query: '{ me { displayName } }' }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ data: { me: { displayName: 'Casey 😀 Ünal' } } });
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('denies every non-public operation to anonymous clients', async () => {
    const operations = [
      `{ chats { edges { cursor } } }`,
      `{ queue { id } }`,
      `{ chat(id: "00000000-0000-4000-8000-000000000000") { id } }`,
      `mutation { startChat(input: { message: "hi" }) { id } }`,
      `mutation { sendMessage(input: { chatId: "00000000-0000-4000-8000-000000000000", body: "x" }) { id } }`,
      `mutation { acceptChat(chatId: "00000000-0000-4000-8000-000000000000") { id } }`,
      `mutation { closeChat(chatId: "00000000-0000-4000-8000-000000000000") { id } }`,
      `mutation { setTyping(chatId: "00000000-0000-4000-8000-000000000000", typing: true) }`,
      `mutation { createAgent(input: { email: "a@b.co", password: "password1", displayName: "A" }) { id } }`,
      `mutation { emailTranscript(chatId: "00000000-0000-4000-8000-000000000000") }`,
    ];
    for (const query of operations) expect(errorCode(await gql(api.graphqlUrl, query))).toBe('UNAUTHENTICATED');
    expect(await gql(api.graphqlUrl, `{ me { id } }`)).toEqual({ data: { me: null } });
  });

  it('answers broken documents with BAD_USER_INPUT and no schema hints', async () => {
    const syntax = await gql(api.graphqlUrl, `{ me { id `);
    expect(errorCode(syntax)).toBe('BAD_USER_INPUT');
    const typo = await gql(api.graphqlUrl, `{ chatz { id } }`);
    expect(errorCode(typo)).toBe('BAD_USER_INPUT');
    expect(typo.errors?.[0].message).not.toMatch(/Did you mean/);
    const badVariable = await gql(api.graphqlUrl, `query($n: Int) { chats(first: $n) { edges { cursor } } }`, { n: 'ten' });
    expect(errorCode(badVariable)).toBe('BAD_USER_INPUT');
  });

  it('serves the explorer page to browsers at GET /graphql', async () => {
    const res = await fetch(api.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/<script[^>]+src="\/explorer\//);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers POST /graphql with the same security headers as every other route', async () => {
    const page = await fetch(api.graphqlUrl, { headers: { accept: 'text/html' } });
    const post = await fetch(api.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.status).toBe(200);
    const names = ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'cross-origin-opener-policy',
      'cross-origin-resource-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies'];
    for (const name of names) {
      expect([name, post.headers.get(name)]).toEqual([name, page.headers.get(name)]);
      expect(post.headers.get(name)).toBeTruthy();
    }
    expect(post.headers.get('x-powered-by')).toBeNull();
  });

  it('keeps data across a restart and closes sockets with 1001 so clients reconnect', async () => {
    const customer = await registerCustomer(api, 'Restart Customer');
    const chatId = await startChat(api, customer, 'before restart');
    const ws = wsClient(api.wsUrl, customer.token);
    subscribe(ws, `subscription { chatUpdated { id } }`);
    await new Promise((r) => setTimeout(r, 200));
    await api.restart();
    expect((await ws.closed).code).toBe(1001);
    const data = await gqlOk(api.graphqlUrl, `query($id: ID!) { chat(id: $id) { lastMessage { body } } }`, { id: chatId }, customer.token);
    expect(data['chat'].lastMessage.body).toBe('before restart');
  });

  it('has migrations that match the entities exactly', async () => {
    const pending = await api.server.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
