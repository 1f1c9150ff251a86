import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { explorerRouter } from '..';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const INDEX = '<!doctype html><title>explorer</title><script type="module" src="/explorer/main-ABCDEFGH.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

interface Running {
  url: string;
  close(): Promise<void>;
}

/** An app with the explorer in front of a stand-in GraphQL handler that says it was reached. */
async function start(router: express.Router): Promise<Running> {
  const app = express();
  app.use(router);
  app.all('/graphql', (req, res) => {
    res.json({ reachedGraphql: req.method });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Raw GET: no transparent decompression, and the path is sent exactly as written. */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('explorerRouter', () => {
  let dir: string;
  let app: Running;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-explorer-'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'main-ABCDEFGH.js'), SCRIPT);
    writeFileSync(join(dir, 'main-ABCDEFGH.js.gz'), gzipSync(SCRIPT));
    writeFileSync(join(dir, 'main-IJKLMNOP.css'), 'body{margin:0}');
    writeFileSync(join(dir, 'font-0123456789.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await start(explorerRouter(dir));
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a browser opening GET /graphql with the explorer page', async () => {
    const res = await fetch(`${app.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('vary')).toMatch(/Accept/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toBe(INDEX);
  });

  it.each([
    ['GET with Accept: application/json', 'GET', { accept: 'application/json' }],
    ['GET with Accept: application/graphql-response+json', 'GET', { accept: 'application/graphql-response+json, application/json;q=0.9' }],
    ['GET with Accept: */*', 'GET', { accept: '*/*' }],
    ['GET without Accept', 'GET', {}],
    ['POST from a browser page', 'POST', { accept: BROWSER_ACCEPT, 'content-type': 'application/json' }],
  ])('passes %s on to the GraphQL handler', async (_name, method, headers) => {
    const res = await fetch(`${app.url}/graphql`, { method, headers, body: method === 'POST' ? '{"query":"{ __typename }"}' : undefined });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reachedGraphql: method });
  });

  it.each([
    ['main-ABCDEFGH.js', /^(application|text)\/javascript/, 'public, max-age=31536000, immutable'],
    ['main-IJKLMNOP.css', /^text\/css/, 'public, max-age=31536000, immutable'],
    ['font-0123456789.woff2', /^font\/woff2/, 'public, max-age=31536000, immutable'],
    ['favicon.svg', /^image\/svg\+xml/, 'no-cache'],
  ])('serves /explorer/%s with its content type and caching', async (file, type, cacheControl) => {
    const res = await rawGet(app.url, `/explorer/${file}`, { 'accept-encoding': 'identity' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(type);
    expect(res.headers['cache-control']).toBe(cacheControl);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('sends the precompressed copy to clients that accept gzip', async () => {
    const res = await rawGet(app.url, '/explorer/main-ABCDEFGH.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(res.headers['vary']).toMatch(/Accept-Encoding/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(res.body).toString()).toBe(SCRIPT);
  });

  it.each(['/explorer/missing.js', '/explorer/..%2Fpackage.json', '/explorer/../package.json', '/explorer/.hidden', '/explorer/'])(
    'answers 404 for %s',
    async (path) => {
      const res = await rawGet(app.url, path);
      expect(res.status).toBe(404);
    },
  );

  it('answers 503 saying how to build when the bundle is missing, and still lets API calls through', async () => {
    const missing = await start(explorerRouter(join(dir, 'not-built')));
    try {
      const page = await fetch(`${missing.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await page.text()).toContain('npm run build');
      const api = await fetch(`${missing.url}/graphql`, { headers: { accept: 'application/json' } });
      expect(await api.json()).toEqual({ reachedGraphql: 'GET' });
    } finally {
      await missing.close();
    }
  });

  it('picks up a bundle built after it started', async () => {
    const later = mkdtempSync(join(tmpdir(), 'parley-explorer-later-'));
    const running = await start(explorerRouter(later));
    try {
      expect((await fetch(`${running.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } })).status).toBe(503);
      writeFileSync(join(later, 'index.html'), INDEX);
      const res = await fetch(`${running.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(INDEX);
    } finally {
      await running.close();
      rmSync(later, { recursive: true, force: true });
    }
  });

  it('finds dist/explorer by default (the build from jest.global-setup.cjs)', async () => {
    const running = await start(explorerRouter());
    try {
      const res = await fetch(`${running.url}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
      expect(res.status).toBe(200);
      const html = await res.text();
      const script = /src="(\/explorer\/main-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
      expect(html).not.toMatch(/\sstyle=/); // no inline style
      const asset = await fetch(`${running.url}${script}`);
      expect(asset.status).toBe(200);
      expect((await asset.text()).length).toBeGreaterThan(1000);
    } finally {
      await running.close();
    }
  });
});
