import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '@parley/api/testing';

const SHOP = 'http://shop.test:8081';
const OTHER = 'http://elsewhere.test:8082';

/** The answer to a WebSocket upgrade on /graphql from `origin`: 101 when let through, else the refusal's status. */
function upgradeStatus(api: TestServer, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(api.wsUrl, 'graphql-transport-ws', { headers: { origin } });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

function preflight(api: TestServer, origin: string): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${api.url}/graphql`,
      { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } },
      (res) => {
        res.resume();
        resolve(res.headers);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A built web app of one page, so the site's and the widget's pages answer as in production. */
function webRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'parley-web-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Parley</title>');
  return root;
}

const frameAncestors = (csp: string | null) => /frame-ancestors ([^;]*)/.exec(csp ?? '')?.[1];

describe('framing and CORS with WIDGET_ORIGINS listed', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startTestServer({ widgetOrigins: [SHOP], webRoot: webRoot() });
  }, 30_000);
  afterAll(async () => {
    await api?.stop();
  }, 30_000);

  it('lets the listed sites frame the widget pages, and no one frame anything else', async () => {
    for (const path of ['/widget', '/widget/conversation']) {
      // The widget's own page comes with the widget app; its answer already carries the widget's framing.
      const res = await fetch(`${api.url}${path}`, { headers: { accept: 'text/html' } });
      expect(frameAncestors(res.headers.get('content-security-policy'))).toBe(SHOP);
      expect(res.headers.get('x-frame-options')).toBeNull();
    }
    for (const path of ['/', '/chats/1', '/widgets', '/healthz']) {
      const res = await fetch(`${api.url}${path}`, { headers: { accept: 'text/html' } });
      expect(frameAncestors(res.headers.get('content-security-policy'))).toBe("'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('answers the widget origins\' API calls (CORS) and WebSocket upgrades, and no other site\'s', async () => {
    expect((await preflight(api, SHOP))['access-control-allow-origin']).toBe(SHOP);
    expect((await preflight(api, OTHER))['access-control-allow-origin']).toBeUndefined();
    const post = await fetch(api.graphqlUrl, { method: 'POST', headers: { origin: SHOP, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id } }' }) });
    expect(post.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(await upgradeStatus(api, SHOP)).toBe(101);
    expect(await upgradeStatus(api, OTHER)).toBe(403);
  });
});

describe('framing and CORS with any widget origin (development)', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startTestServer({ widgetOrigins: 'any', webRoot: webRoot() });
  }, 30_000);
  afterAll(async () => {
    await api?.stop();
  }, 30_000);

  it('lets any site frame the widget, still no other page, and take its calls', async () => {
    const widget = await fetch(`${api.url}/widget`, { headers: { accept: 'text/html' } });
    expect(frameAncestors(widget.headers.get('content-security-policy'))).toBe('*');
    const site = await fetch(`${api.url}/`, { headers: { accept: 'text/html' } });
    expect(frameAncestors(site.headers.get('content-security-policy'))).toBe("'none'");
    expect((await preflight(api, OTHER))['access-control-allow-origin']).toBe(OTHER);
    expect(await upgradeStatus(api, OTHER)).toBe(101);
  });
});
