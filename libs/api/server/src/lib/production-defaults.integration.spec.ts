import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, errorCode, gql, loginAdmin, registerCustomer, startTestServer, subscribe, wsClient, type Person, type TestServer } from '@parley/api/testing';

// What a production deployment gives away by default: as little as it can.

const INTROSPECT = '{ __schema { queryType { name } types { name } } }';

describe('production defaults', () => {
  let api: TestServer;
  let customer: Person;
  let agent: Person;
  let webRoot: string;
  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'parley-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Parley</title>');
    writeFileSync(join(webRoot, 'main.js'), 'console.log(1)');
    api = await startTestServer({ production: true, webRoot });
    customer = await registerCustomer(api);
    agent = await createAgent(api);
  });
  afterAll(async () => {
    await api?.stop();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('describes the schema to signed-in agents and admins only', async () => {
    for (const token of [undefined, customer.token, 'not-a-token']) {
      const res = await fetch(api.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query: INTROSPECT }),
      });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }> };
      expect(body.errors[0].extensions).toEqual({ code: 'FORBIDDEN' });
      expect(body.data ?? null).toBeNull();
    }
    // Hidden in a fragment, or asked by type: the same.
    expect(errorCode(await gql(api.graphqlUrl, '{ ...F } fragment F on Query { __type(name: "Chat") { name } }', {}, customer.token))).toBe('FORBIDDEN');
    // __typename is ordinary.
    expect((await gql(api.graphqlUrl, '{ __typename }', {}, customer.token)).data).toEqual({ __typename: 'Query' });
    // The explorer's users: agents and admins.
    const admin = await loginAdmin(api);
    for (const staff of [agent, admin]) {
      const res = await gql(api.graphqlUrl, INTROSPECT, {}, staff.token);
      expect(res.errors).toBeUndefined();
      expect((res.data as { __schema: { queryType: { name: string } } }).__schema.queryType.name).toBe('Query');
    }
  });

  it('refuses introspection over graphql-ws to customers too', async () => {
    const ws = wsClient(api.wsUrl, customer.token);
    const sub = subscribe(ws, INTROSPECT);
    await sub.ended;
    expect(JSON.stringify(sub.errors)).toContain('FORBIDDEN');
    expect(sub.values).toHaveLength(0);
    await ws.dispose();
  });

  it('serves no /metrics without METRICS_TOKEN', async () => {
    const res = await fetch(`${api.url}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/parley_|process_cpu/);
  });

  it('echoes a plain X-Request-Id and replaces anything else', async () => {
    const idOf = async (value: string) =>
      (await fetch(api.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': value }, body: '{"query":"{ __typename }"}' })).headers.get(
        'x-request-id',
      );
    expect(await idOf('trace-123_ab')).toBe('trace-123_ab');
    for (const hostile of ['a'.repeat(65), 'x y', '<script>', 'id;drop', '../../etc', 'é']) {
      const echoed = await idOf(hostile);
      expect(echoed).not.toBe(hostile);
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers 404 for unknown paths, and the app page only to a browser navigating to an app route', async () => {
    // node:http, not fetch: fetch sets Sec-Fetch-Mode itself.
    const get = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; text: () => Promise<string> }>((resolve, reject) => {
        request(`${api.url}${path}`, { headers }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: async () => body }));
        })
          .on('error', reject)
          .end();
      });
    const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'sec-fetch-mode': 'navigate' };
    for (const path of ['/', '/chats', '/chats/new', '/chats/0f1e2d3c-0000-4000-8000-000000000000', '/sign-in', '/help/articles/abc']) {
      const res = await get(path, browser);
      expect([path, res.status, res.status === 200 ? '' : await res.text()]).toEqual([path, 200, '']);
      expect(await res.text()).toContain('<title>Parley</title>');
    }
    expect((await get('/main.js', {})).status).toBe(200);
    for (const [path, headers] of [
      ['/wp-admin/setup.php', browser],
      ['/.env', browser],
      ['/chats/../../etc/passwd', browser],
      ['/missing.js', {}],
      ['/chats', { accept: 'application/json' }],
      ['/chats', { accept: 'text/html', 'sec-fetch-mode': 'cors' }],
      ['/api/v1/users', { accept: '*/*' }],
    ] as Array<[string, Record<string, string>]>) {
      const res = await get(path, headers);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });
});

describe('X-Forwarded-For', () => {
  it('is believed only from the configured proxies', async () => {
    // Anonymous requests are limited per address (3 a minute here): rotating X-Forwarded-For
    // escapes that only when the server trusts the hop that sent it.
    const tryFrom = async (api: TestServer) => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await fetch(api.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}` },
          body: '{"query":"{ __typename }"}',
        });
        statuses.push(res.status);
      }
      return statuses;
    };
    const untrusting = await startTestServer({ rateLimitScale: 0.05, trustProxy: '10.9.8.7' });
    try {
      expect(await tryFrom(untrusting)).toContain(429);
    } finally {
      await untrusting.stop();
    }
    const trusting = await startTestServer({ rateLimitScale: 0.05 });
    try {
      expect(await tryFrom(trusting)).not.toContain(429);
    } finally {
      await trusting.stop();
    }
  }, 60_000);
});
