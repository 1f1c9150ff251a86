import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import fc from 'fast-check';
import { ERROR_CODES } from '@parley/shared/limits';
import {
  acceptChat,
  createAgent,
  errorCode,
  gql,
  gqlOk,
  registerCustomer,
  sharedDeployment,
  startAcceptedChat,
  startChat,
  startTestServer,
  subscribe,
  useTestServer,
  wsClient,
  type Person,
  type TestServer,
} from '@parley/api/testing';

// The attack suite: each attack a public chat endpoint sees, performed against the running server.

/** A request with headers fetch would not send (Origin), answered with the response headers. */
async function rawRequest(url: string, method: string, headers: Record<string, string>) {
  const http = await import('node:http');
  return new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      res.resume();
      resolve(res.headers);
    });
    req.on('error', reject);
    req.end();
  });
}

async function post(api: TestServer, body: string, headers: Record<string, string> = {}) {
  return fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('query bombs and malformed traffic', () => {
  const cast = useTestServer({ customers: ['Casey Customer'] });
  let api: TestServer;
  let customer: Person;
  beforeAll(() => ({ api, customers: [customer] } = cast));

  const deep = `{ chats { edges { node { lastMessage { chat { lastMessage { chat { lastMessage { chat { lastMessage { chat { lastMessage { chat { id } } } } } } } } } } } } } }`;
  const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
  const directives = `{ me ${'@include(if: true) '.repeat(50)} { id } }`;
  const tokens = `{ me { ${'id '.repeat(5000)} } }`;

  it.each([
    ['too deep', deep],
    ['too many aliases', aliases],
    ['too many directives', directives],
    ['too many tokens', tokens],
  ])('refuses a document that is %s over HTTP, as BAD_USER_INPUT', async (_name, query) => {
    const res = await gql(api.graphqlUrl, query, {}, customer.token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.data ?? null).toBeNull();
  });

  it.each([
    ['too deep', deep.replace('{ chats', 'subscription { chatUpdated').replace(/^\{ /, '')],
    ['too many aliases', `subscription { ${Array.from({ length: 40 }, (_, i) => `a${i}: chatUpdated { id }`).join(' ')} }`],
    ['too many tokens', `subscription { chatUpdated { ${'id '.repeat(5000)} } }`],
  ])('refuses a subscription that is %s over graphql-ws', async (_name, query) => {
    const ws = wsClient(api.wsUrl, customer.token);
    const sub = subscribe(ws, query);
    await sub.ended;
    expect(JSON.stringify(sub.errors)).toMatch(/BAD_USER_INPUT|depth|aliases|tokens/i);
    expect(sub.values).toHaveLength(0);
    await ws.dispose();
  });

  it('refuses batched HTTP requests', async () => {
    const res = await post(api, JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]));
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it('refuses oversized request bodies', async () => {
    const res = await post(api, JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(200_000) } }));
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an oversized body sent without a length (chunked) before reading it all', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"query":"{ me { id } }","variables":{"pad":"');
      let sent = 0;
      const more = () => {
        while (sent < 50) {
          sent++;
          if (!req.write('x'.repeat(10_000))) return void req.once('drain', more);
        }
        req.end('"}}');
      };
      more();
    });
    expect(status).toBe(413);
  });

  it('answers a body that is not JSON with 400 and a contract code', async () => {
    const res = await post(api, '{"query": "{ me { id } }"');
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.data ?? null).toBeNull();
  });

  it('closes a WebSocket that sends a frame over 64 KiB', async () => {
    const socket = new WebSocket(api.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('x'.repeat(70 * 1024));
    expect(await closed).toBe(1009);
  });

  it('blocks cross-site request forgery: simple requests without a JSON content type or preflight header', async () => {
    const simplePost = await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ me { id } }"}' });
    expect(simplePost.status).toBe(400);
    const simpleGet = await fetch(`${api.graphqlUrl}?query=${encodeURIComponent('{ me { id } }')}`);
    expect(simpleGet.status).toBe(400);
  });

  it('gives no CORS grant and no WebSocket to a foreign origin', async () => {
    const headers = await rawRequest(api.graphqlUrl, 'OPTIONS', { origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    expect(headers['access-control-allow-origin']).toBeUndefined();
    const socket = new WebSocket(api.wsUrl, 'graphql-transport-ws', { origin: 'https://evil.example' });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('unexpected-response', (_req, response) => resolve(`http ${response.statusCode}`));
      socket.once('open', () => resolve('open'));
      socket.once('error', () => resolve('error'));
    });
    expect(outcome).toBe('http 403');
  });

  it('masks internal errors, with a request id that the client can quote', async () => {
    const chatId = await startChat(api, customer, 'before the fault');
    await api.server.dataSource.query(`ALTER TABLE messages RENAME TO messages_away`);
    try {
      const res = await post(api, JSON.stringify({ query: 'mutation($c: ID!) { sendMessage(input: { chatId: $c, body: "x" }) { id } }', variables: { c: chatId } }), {
        authorization: `Bearer ${customer.token}`,
        'x-request-id': 'support-ticket-42',
      });
      const body = (await res.json()) as any;
      expect(body.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'support-ticket-42' });
      expect(JSON.stringify(body)).not.toMatch(/messages_away|relation|SELECT|INSERT|at \w+ \(/i);
    } finally {
      await api.server.dataSource.query(`ALTER TABLE messages_away RENAME TO messages`);
    }
  });
});

describe('abuse limits', () => {
  let api: TestServer;
  beforeAll(async () => {
    // A fifth of the production limits, so floods are quick to run.
    api = await startTestServer({ rateLimitScale: 0.2 });
  }, 30_000);
  afterAll(() => api?.stop());

  const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { token } }`;
  const login = (email: string, password: string, ip: string) =>
    fetch(api.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ query: LOGIN, variables: { input: { email, password } } }),
    }).then((r) => r.json() as Promise<any>);

  it('stops password guessing against one account from one address, but lets the owner in from theirs', async () => {
    const owner = await registerCustomer(api, 'Owner', '198.51.100.34');
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) codes.push(errorCode(await login(owner.email, `guess-${i}-wrong`, '203.0.113.7')) as string);
    expect(codes.slice(0, 1)).toEqual(['UNAUTHENTICATED']);
    const blocked = await login(owner.email, owner.password, '203.0.113.7');
    expect(errorCode(blocked)).toBe('RATE_LIMITED');
    expect(blocked.errors[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(blocked.errors[0].extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    const fromHome = await login(owner.email, owner.password, '198.51.100.20');
    expect(fromHome.data?.login?.token).toBeTruthy();
  });

  it('limits sign-in attempts per address', async () => {
    let limited: any;
    for (let i = 0; i < 10 && !limited; i++) {
      const res = await login(`nobody-${i}@parley.test`, 'whatever-pw', '192.0.2.55');
      if (errorCode(res) === 'RATE_LIMITED') limited = res;
    }
    expect(limited?.errors[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('limits accounts created per address', async () => {
    await registerCustomer(api, 'First', '198.51.100.40');
    await registerCustomer(api, 'Second', '198.51.100.40');
    const third = await gql(api.graphqlUrl, `mutation { register(input: { email: "third@parley.test", password: "password1", displayName: "T" }) { token } }`, {}, undefined, {
      'x-forwarded-for': '198.51.100.40',
    });
    expect(errorCode(third)).toBe('RATE_LIMITED');
  });

  it('limits message sends per user, and the refused sends are not stored', async () => {
    const customer = await registerCustomer(api, 'Sender', '198.51.100.33');
    const agent = await createAgent(api);
    const chatId = await startChat(api, customer, 'flood');
    await acceptChat(api, agent, chatId);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gql(api.graphqlUrl, `mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }`, { i: { chatId, body: `m${i}` } }, customer.token),
      ),
    );
    const ok = results.filter((r) => !r.errors).length;
    const limited = results.filter((r) => errorCode(r) === 'RATE_LIMITED');
    expect(ok).toBe(12); // 60 per 10 s at scale 0.2
    expect(limited).toHaveLength(8);
    const [{ n }] = await api.server.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE "chatId" = $1 AND kind = 'CUSTOMER'`, [chatId]);
    expect(n).toBe(1 + ok);
  });

  it('limits chats started per customer', async () => {
    const customer = await registerCustomer(api, 'Starter', '198.51.100.31');
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 3; i++) codes.push(errorCode(await gql(api.graphqlUrl, `mutation { startChat(input: { message: "hi" }) { id } }`, {}, customer.token)));
    expect(codes).toEqual([undefined, undefined, 'RATE_LIMITED']);
  });

  it('limits subscriptions per socket', async () => {
    const customer = await registerCustomer(api, 'Subscriber', '198.51.100.32');
    const ws = wsClient(api.wsUrl, customer.token);
    const subs = Array.from({ length: 11 }, () => subscribe(ws, `subscription { chatUpdated { id } }`));
    await subs[10].ended;
    expect(JSON.stringify(subs[10].errors)).toContain('RATE_LIMITED');
    await ws.dispose();
  });
});

describe('hostile variables (property-based)', () => {
  const cast = useTestServer({ agents: ['Alex Agent'], customers: ['Casey Customer'] });
  let api: TestServer;
  let customer: Person;
  let agent: Person;
  let chatId: string;
  beforeAll(async () => {
    ({ api, agents: [agent], customers: [customer] } = cast);
    chatId = await startAcceptedChat(api, customer, agent, 'fuzz target');
  });

  const hostileString = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 50 }),
    fc.constantFrom('', ' ', '\u0000', 'a\u0000b', "'; DROP TABLE users; --", '{"$gt":""}', '../../etc/passwd', 'x'.repeat(5000), '😀'.repeat(4001)),
    fc.uuid(),
  );
  const hostileValue = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
  const operations: Array<[string, (v: any) => Record<string, unknown>]> = [
    ['mutation($i: RegisterInput!) { register(input: $i) { token } }', (v) => ({ i: { email: v.a, password: v.b, displayName: v.c } })],
    ['mutation($i: LoginInput!) { login(input: $i) { token } }', (v) => ({ i: { email: v.a, password: v.b } })],
    ['mutation($i: StartChatInput!) { startChat(input: $i) { id } }', (v) => ({ i: { message: v.a, subject: v.b, clientMessageId: v.c } })],
    ['mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }', (v) => ({ i: { chatId: v.d ? chatId : v.a, body: v.b, clientMessageId: v.c } })],
    ['mutation($c: ID!) { acceptChat(chatId: $c) { id } }', (v) => ({ c: v.a })],
    ['mutation($c: ID!, $t: Boolean!) { setTyping(chatId: $c, typing: $t) }', (v) => ({ c: v.a, t: v.b })],
    ['query($c: ID!, $f: Int, $a: String, $l: Int, $b: String) { chat(id: $c) { messages(first: $f, after: $a, last: $l, before: $b) { edges { cursor } } } }', (v) => ({ c: v.d ? chatId : v.a, f: v.b, a: v.c, l: v.e, b: v.a })],
    ['query($s: ChatStatus, $f: Int, $a: String) { chats(status: $s, first: $f, after: $a) { edges { cursor } } }', (v) => ({ s: v.a, f: v.b, a: v.c })],
  ];

  it('answers only with contract codes, never crashes, never half-writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.record({ a: hostileValue, b: hostileValue, c: hostileValue, d: fc.boolean(), e: hostileValue }),
        fc.constantFrom('customer', 'agent'),
        async ([query, vars], values, who) => {
          const res = await gql(api.graphqlUrl, query, vars(values), who === 'customer' ? customer.token : agent.token);
          for (const error of res.errors ?? []) expect(ERROR_CODES).toContain(error.extensions?.['code']);
          expect(errorCode(res)).not.toBe('INTERNAL_SERVER_ERROR');
        },
      ),
      { numRuns: 300 },
    );
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    // Every chat's counter matches its messages exactly: nothing half-written.
    const broken = await api.server.dataSource.query(
      `SELECT c.id FROM chats c LEFT JOIN messages m ON m."chatId" = c.id GROUP BY c.id HAVING c."lastSeq" <> count(m.id) OR c."lastSeq" <> coalesce(max(m.seq), 0)`,
    );
    expect(broken).toEqual([]);
    expect(await gqlOk(api.graphqlUrl, `{ me { id } }`, {}, customer.token)).toEqual({ me: { id: customer.id } });
  });
});

describe('TLS in the server', () => {
  it('serves HTTPS and WSS with HSTS when TLS_CERT_FILE and TLS_KEY_FILE are given', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const https = await import('node:https');
    const dir = mkdtempSync(join(tmpdir(), 'parley-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const api = await startTestServer({ tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
    try {
      const port = api.server.port;
      const response = await new Promise<{ status: number; hsts: string | undefined }>((resolve, reject) =>
        https.get({ host: '127.0.0.1', port, path: '/healthz', ca: cert }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'] as string | undefined });
        }).on('error', reject),
      );
      expect(response.status).toBe(200);
      expect(response.hsts).toMatch(/max-age=\d+/);
      const socket = new WebSocket(`wss://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { ca: cert });
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      socket.close();
      // Plain HTTP on the TLS port gets nowhere.
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      await api.stop();
    }
  });
});

describe('limits and origins across instances', () => {
  it('shares abuse limits between instances through Redis', async () => {
    const shared = { ...sharedDeployment(), rateLimitScale: 0.2 };
    const [a, b] = await Promise.all([startTestServer(shared), startTestServer(shared)]);
    try {
      // A fresh address for this run: Redis outlives test runs.
      const ip = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const register = (api: TestServer, n: number) =>
        gql(api.graphqlUrl, `mutation($i: RegisterInput!) { register(input: $i) { token } }`, {
          i: { email: `shared-${n}-${Date.now()}@parley.test`, password: 'amber lantern 42 quietly', displayName: 'S' },
        }, undefined, { 'x-forwarded-for': ip });
      expect(errorCode(await register(a, 1))).toBeUndefined();
      expect(errorCode(await register(b, 2))).toBeUndefined();
      // Two sign-ups an hour per address at this scale, counted across both instances.
      expect(errorCode(await register(a, 3))).toBe('RATE_LIMITED');
      expect(errorCode(await register(b, 4))).toBe('RATE_LIMITED');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('grants CORS and WebSockets to the origins in CORS_ORIGINS', async () => {
    const api = await startTestServer({ corsOrigins: ['https://chat.example.com'] });
    try {
      const preflight = await rawRequest(api.graphqlUrl, 'OPTIONS', {
        origin: 'https://chat.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      });
      expect(preflight).toMatchObject({ 'access-control-allow-origin': 'https://chat.example.com' });
      const foreign = await rawRequest(api.graphqlUrl, 'OPTIONS', { origin: 'https://evil.example', 'access-control-request-method': 'POST' });
      expect(foreign['access-control-allow-origin']).toBeUndefined();
      const actual = await fetch(api.graphqlUrl, {
        method: 'POST',
        headers: { origin: 'https://chat.example.com', 'content-type': 'application/json' },
        body: '{"query":"{ me { id } }"}',
      });
      expect(actual.headers.get('access-control-allow-origin')).toBe('https://chat.example.com');
      expect(actual.headers.get('x-content-type-options')).toBe('nosniff');
      expect(actual.headers.get('x-request-id')).toMatch(/^[\w-]{36}$/);
      const actualForeign = await fetch(api.graphqlUrl, {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
        body: '{"query":"{ me { id } }"}',
      });
      expect(actualForeign.headers.get('access-control-allow-origin')).toBeNull();
      const socket = new WebSocket(api.wsUrl, 'graphql-transport-ws', { origin: 'https://chat.example.com' });
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      socket.close();
    } finally {
      await api.stop();
    }
  });
});
