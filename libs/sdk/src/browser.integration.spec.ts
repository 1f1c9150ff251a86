import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { acceptChat, createAgent, login, registerCustomer, sendMessage, startTestServer, type TestServer } from '@parley/api/testing';

// The SDK in a browser: its sources bundled by esbuild as a page would load them, run in Debian's
// Chromium (the browser's own fetch and WebSocket) against a real server, from a site of another
// origin (localhost: page and API both on loopback, as Chromium wants for a plain-HTTP page reaching a
// local address).
const TTL_SECONDS = 3;

let api: TestServer;
let site: Server;
let browser: Browser;
let page: Page;

jest.setTimeout(120_000);

beforeAll(async () => {
  const bundled = await build({
    entryPoints: [join(__dirname, 'index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'ParleySdk',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0].text;
  // The integrator's site: a page and the bundle (the API is elsewhere).
  site = createServer((req, res) =>
    req.url === '/sdk.js'
      ? res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
      : res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>shop</title><script src="/sdk.js"></script>'),
  );
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(site.address() as AddressInfo).port}`;
  api = await startTestServer({ accessTokenTtlSeconds: TTL_SECONDS, corsOrigins: [origin] });
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage();
  await page.goto(`${origin}/`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await api?.stop();
}, 60_000);

it('signs in, starts a chat, follows it over the browser WebSocket and sends with fetch, across token expiries', async () => {
  const customer = await registerCustomer(api, 'Browser Customer');
  const agent = await createAgent(api);
  expect(await page.evaluate(() => typeof (window as unknown as { ParleySdk?: unknown }).ParleySdk)).toBe('object');

  const chatId = await page.evaluate(
    async ({ url, email, password }) => {
      const { ParleyClient } = (window as any).ParleySdk;
      const w = window as any;
      w.renewals = 0;
      w.received = [];
      w.client = new ParleyClient({ url, onSessionChange: (session: unknown) => session && w.renewals++ });
      await w.client.login(email, password);
      const chat = await w.client.startChat({ message: 'Hello from Chromium' });
      (async () => {
        for await (const message of w.client.subscribeToChat(chat.id, { afterSeq: 0 })) w.received.push(`${message.seq}:${message.kind}:${message.body}`);
      })().catch((error: Error) => w.received.push(`error:${error.message}`));
      return chat.id as string;
    },
    { url: api.graphqlUrl, email: customer.email, password: customer.password },
  );
  const received = () => page.evaluate(() => (window as any).received as string[]);
  const until = async (check: (seen: string[]) => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!check(await received())) {
      if (Date.now() > deadline) throw new Error(`not seen in the page: ${JSON.stringify(await received())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  await acceptChat(api, agent, chatId);
  await sendMessage(api, agent, chatId, 'Hi, how can I help?');
  await until((seen) => seen.some((s) => s.endsWith('Hi, how can I help?')));

  // Past the access token's life: the socket is closed (4403) and reopened with a renewed token; fetch renews too.
  await new Promise((resolve) => setTimeout(resolve, (TTL_SECONDS + 1) * 1000));
  // (The agent, in Node with no SDK, signs in again: their token of a few seconds is gone too.)
  await sendMessage(api, await login(api, agent.email, agent.password), chatId, 'Still there?');
  await page.evaluate((id) => (window as any).client.sendMessage({ chatId: id, body: 'Yes, from the browser' }), chatId);
  await until((seen) => seen.some((s) => s.endsWith('Yes, from the browser')) && seen.some((s) => s.endsWith('Still there?')));

  const seen = await received();
  expect(seen.filter((s) => s.startsWith('error:'))).toEqual([]);
  // Every message once, in seq order: the first, the SYSTEM notice of the accept, then the rest.
  const seqs = seen.map((s) => Number(s.split(':')[0]));
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  expect(seen[0]).toBe('1:CUSTOMER:Hello from Chromium');
  // Signed in, then renewed at least once (the refresh token rotates with each renewal).
  expect(await page.evaluate(() => (window as any).renewals)).toBeGreaterThanOrEqual(2);
  await page.evaluate(() => (window as any).client.dispose());
});
