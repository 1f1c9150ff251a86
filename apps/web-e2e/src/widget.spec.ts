import { createHmac, randomBytes } from 'node:crypto';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { acceptChatAt, createAgentAt, gqlOk, loginAt, sendMessage, startTestServer, type Person, type TestServer } from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { launchChromium } from './support/browser';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(120_000);

// Global rules a careless host site might have: they must not reach the widget.
const AGGRESSIVE_CSS = `
  * { font-size: 31px !important; color: #000 !important; background: #ff0 !important; line-height: 3 !important; padding: 17px !important; margin: 9px !important; border: 5px dashed red !important; }
  iframe { width: 10px !important; height: 10px !important; display: none !important; }
  div, span, parley-widget { position: static !important; display: block !important; opacity: .2 !important; transform: scale(.5) !important; }
`;

/**
 * A host site on its own origin with nothing but the one script tag. Query:
 * `as=<externalId>` signs its user in (`hash=` overrides the right HMAC),
 * `css=1` adds aggressive global CSS, `locale=` sets parleySettings.locale.
 */
function hostPage(apiUrl: string, url: URL): string {
  const settings: Record<string, string> = {};
  const as = url.searchParams.get('as');
  if (as) Object.assign(settings, { externalId: as, userHash: url.searchParams.get('hash') ?? hmac(as), name: `Host user ${as}` });
  const locale = url.searchParams.get('locale');
  if (locale) settings['locale'] = locale;
  const css = url.searchParams.get('css') ? `<style>${AGGRESSIVE_CSS}</style>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Example shop</title>${css}</head>
<body><main><h1>Example shop</h1><p>Shoes and boots.</p><a href="/other">Other page</a></main>
<script>window.parleySettings = ${JSON.stringify(settings)};</script><script src="${apiUrl}/widget.js" async></script></body></html>`;
}

// The README's picture of the widget on a host page: rewritten only when asked for, so a test run leaves the tree clean.
const SCREENSHOT = process.env['PARLEY_UPDATE_README_SHOT']
  ? resolve(__dirname, '../../../docs/images/widget.png')
  : resolve(tmpdir(), `parley-widget-${process.pid}.png`);

const identitySecret = new Uint8Array(randomBytes(32));
const hmac = (externalId: string) => createHmac('sha256', identitySecret).update(externalId).digest('hex');

let api: TestServer;
let chrome: Browser;
let host: Server;
let hostOrigin: string;
let agent: Person;
let admin: Person;

beforeAll(async () => {
  host = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(hostPage(api.url, new URL(req.url ?? '/', hostOrigin)));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  // localhost against the API's 127.0.0.1: another origin and another site.
  hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
  [api, chrome] = await Promise.all([startTestServer({ widgetOrigins: [hostOrigin], identitySecret }), launchChromium()]);
  admin = await loginAt(api.graphqlUrl, api.admin.email, api.admin.password);
  agent = await createAgentAt(api.graphqlUrl, admin.token, 'Alex Agent');
});

afterAll(async () => {
  await chrome?.close();
  await api?.stop();
  await new Promise((resolve) => host?.close(resolve));
});

async function newContext(viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const context = await chrome.newContext({ viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  context.on('page', (page) => {
    page.on('pageerror', (error) => console.error('[browser]', error.message));
    if (process.env['WIDGET_DEBUG']) {
      page.on('response', async (r) => {
        if (r.url().includes('/graphql')) process.stderr.write(`[http] ${r.request().postData()?.slice(0, 60)} -> ${(await r.text().catch(() => '')).slice(0, 200)}\n`);
      });
      page.on('websocket', (ws) => {
        ws.on('framesent', (f) => process.stderr.write(`[ws >] ${String(f.payload).slice(0, 300)}\n`));
        ws.on('framereceived', (f) => process.stderr.write(`[ws <] ${String(f.payload).slice(0, 300)}\n`));
        ws.on('close', () => process.stderr.write(`[ws closed]\n`));
      });
    }
    page.on('console', (m) => {
      if (m.type() === 'error') process.stderr.write(`[browser console] ${m.text()}\n`);
    });
  });
  return context;
}

async function openHost(context: BrowserContext, query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${hostOrigin}/${query}`);
  await launcher(page).waitFor();
  return page;
}

const launcher = (page: Page) => page.getByRole('button', { name: /chat/i });
const chatFrame = (page: Page) => page.locator('iframe[title*="Chat" i], iframe[title*="الدردشة"]');

/** Opens the panel and returns the widget's frame once its app has drawn. */
async function openWidget(page: Page): Promise<Frame> {
  if ((await launcher(page).getAttribute('aria-expanded')) !== 'true') await launcher(page).click();
  const handle = await chatFrame(page).elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('no widget frame');
  await frame.locator('main h1').waitFor();
  return frame;
}

async function write(frame: Frame, text: string): Promise<void> {
  const box = frame.getByRole('textbox', { name: 'Your message' });
  await box.fill(text);
  await box.press('Enter');
}

const bubbles = (frame: Frame, text: string) => frame.locator('li.message .bubble', { hasText: text });

async function waitForBubble(frame: Frame, text: string): Promise<void> {
  try {
    await bubbles(frame, text).first().waitFor({ timeout: 15_000 });
  } catch (error) {
    if (process.env['WIDGET_DEBUG']) process.stderr.write(`[frame] ${await frame.locator('main').innerHTML()}\n`);
    throw error;
  }
}

interface QueuedChat {
  id: string;
  customer: { id: string; displayName: string; email: string | null; anonymous: boolean; externalId: string | null };
}

/** The queue as the agent sees it, waiting until a chat whose first message is `text` is in it. */
async function queuedChat(text: string): Promise<QueuedChat> {
  for (let i = 0; i < 100; i++) {
    const data = await gqlOk(api.graphqlUrl, '{ queue { id customer { id displayName email anonymous externalId } messages(first: 1) { edges { node { body } } } } }', {}, agent.token);
    const chat = (data['queue'] as Array<QueuedChat & { messages: { edges: Array<{ node: { body: string } }> } }>).find((c) => c.messages.edges[0]?.node.body === text);
    if (chat) return chat;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`no queued chat starting with "${text}"`);
}

async function customerOf(chatId: string): Promise<QueuedChat['customer']> {
  const data = await gqlOk(api.graphqlUrl, 'query($id: ID!) { chat(id: $id) { customer { id displayName email anonymous externalId } } }', { id: chatId }, agent.token);
  return data['chat'].customer;
}

/** A browser's navigation to `url` (fetch cannot say Sec-Fetch-Mode: navigate). */
function navigate(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

describe('the website widget', () => {
  it('serves /widget framable only by WIDGET_ORIGINS, and its translations', async () => {
    const page = await navigate(`${api.url}/widget?host=${encodeURIComponent(hostOrigin)}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain(`frame-ancestors ${hostOrigin}`);
    // pages other than the widget's keep frame-ancestors 'none'
    const site = await navigate(`${api.url}/chats`);
    expect(site.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // the translations are files of the widget
    expect((await fetch(`${api.url}/widget/i18n/ar.json`)).status).toBe(200);

  });

  // The conversation (message list, its stores, file cards) loads with the first conversation: see the widget
  // page's @defer and the light entry points it imports (@parley/web/chat/ui/composer, …/data-access/compose).
  it("keeps a first-time visitor's JavaScript under 150 KB gzipped", async () => {
    // every script a first-time visitor's browser loads until the panel is ready to write in, gzipped
    const context = await newContext();
    try {
      const scripts: Promise<number>[] = [];
      context.on('response', (response) => {
        if (response.url().startsWith(`${api.url}/widget/`) && response.request().resourceType() === 'script') scripts.push(response.body().then((body) => gzipSync(body).length));
      });
      const host = await openHost(context);
      const frame = await openWidget(host);
      await frame.getByRole('textbox', { name: 'Your message' }).waitFor();
      await host.waitForLoadState('networkidle');
      const sizes = await Promise.all(scripts);
      expect(sizes.length).toBeGreaterThan(0);
      expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(150 * 1024);
    } finally {
      await context.close();
    }
  });

  it('lets a visitor write at once with no account; an agent answers; a reload and a second tab show the same conversation once', async () => {
    const context = await newContext();
    try {
      const page = await openHost(context);
      const frame = await openWidget(page);
      await expectAccessible(frame, 'widget, first message');
      const first = `Where is my parcel? ${randomBytes(3).toString('hex')}`;
      await write(frame, first);
      await waitForBubble(frame, first);

      const chat = await queuedChat(first);
      expect(chat.customer).toMatchObject({ anonymous: true, externalId: null, email: null });
      await acceptChatAt(api.graphqlUrl, agent, chat.id);
      await sendMessage(api, agent, chat.id, 'It left our warehouse this morning.');
      await waitForBubble(frame, 'It left our warehouse this morning.');
      await frame.getByText('Alex Agent is helping you').waitFor();
      await expectAccessible(frame, 'widget, conversation');
      await page.screenshot({ path: SCREENSHOT });

      if (process.env['WIDGET_DEBUG']) process.stderr.write(`[storage before] ${await frame.evaluate(() => JSON.stringify(Object.keys(localStorage)) + JSON.stringify(Object.keys(sessionStorage)))}\n`);
      await page.reload();
      const again = await openWidget(page);
      if (process.env['WIDGET_DEBUG']) process.stderr.write(`[storage after] ${await again.evaluate(() => JSON.stringify(Object.keys(localStorage)) + JSON.stringify(Object.keys(sessionStorage)))}\n`);
      await waitForBubble(again, 'It left our warehouse this morning.');
      expect(await bubbles(again, first).count()).toBe(1);
      expect(await bubbles(again, 'It left our warehouse this morning.').count()).toBe(1);

      // another tab of the host site: the same visitor, live
      const second = await openHost(context, 'other');
      const secondFrame = await openWidget(second);
      await waitForBubble(secondFrame, first);
      await write(secondFrame, 'Thanks, from my other tab');
      await waitForBubble(again, 'Thanks, from my other tab');
      const data = await gqlOk(api.graphqlUrl, 'query($id: ID!) { chat(id: $id) { messages(last: 10) { edges { node { sender { id } } } } } }', { id: chat.id }, agent.token);
      const senders = new Set((data['chat'].messages.edges as Array<{ node: { sender: { id: string } | null } }>).map((e) => e.node.sender?.id).filter((id) => id && id !== agent.id));
      expect([...senders]).toEqual([chat.customer.id]);
    } finally {
      await context.close();
    }
  });

  it('counts replies on the launcher while the panel is closed, and starts a new conversation after one ends', async () => {
    const context = await newContext();
    try {
      const page = await openHost(context);
      const frame = await openWidget(page);
      const first = `Badge please ${randomBytes(3).toString('hex')}`;
      await write(frame, first);
      await waitForBubble(frame, first);
      const chat = await queuedChat(first);
      await acceptChatAt(api.graphqlUrl, agent, chat.id);
      await launcher(page).click();
      await chatFrame(page).waitFor({ state: 'hidden' });
      await sendMessage(api, agent, chat.id, 'One reply');
      await sendMessage(api, agent, chat.id, 'Two replies');
      await page.getByRole('button', { name: 'Open chat (2 unread)' }).waitFor();
      await launcher(page).click();
      await page.getByRole('button', { name: 'Close chat', exact: true }).waitFor();
      await waitForBubble(frame, 'Two replies');

      await gqlOk(api.graphqlUrl, 'mutation($id: ID!) { closeChat(chatId: $id) { id } }', { id: chat.id }, agent.token);
      await frame.getByText('This conversation has ended. Need more help?').waitFor();
      await frame.getByRole('button', { name: 'Start a new conversation' }).click();
      const next = `A new question ${randomBytes(3).toString('hex')}`;
      await write(frame, next);
      await waitForBubble(frame, next);
      const nextChat = await queuedChat(next);
      expect(nextChat.id).not.toBe(chat.id);
      expect(nextChat.customer.id).toBe(chat.customer.id);
    } finally {
      await context.close();
    }
  });

  it("moves an anonymous visitor's chats to the host's signed-in user (valid HMAC), who sees them on a fresh browser; a wrong hash is refused", async () => {
    const externalId = `shop-user-${randomBytes(4).toString('hex')}`;
    const anonymous = await newContext();
    const elsewhere = await newContext();
    const forged = await newContext();
    try {
      const page = await openHost(anonymous);
      const frame = await openWidget(page);
      const first = `Before signing in ${randomBytes(3).toString('hex')}`;
      await write(frame, first);
      await waitForBubble(frame, first);
      const chat = await queuedChat(first);
      expect((await customerOf(chat.id)).anonymous).toBe(true);

      // the host signs its user in and tells the widget
      await page.evaluate(([id, hash]) => (window as unknown as { Parley: { identify(i: object): void } }).Parley.identify({ externalId: id, userHash: hash }), [externalId, hmac(externalId)]);
      for (let i = 0; i < 100 && (await customerOf(chat.id)).anonymous; i++) await page.waitForTimeout(150);
      expect(await customerOf(chat.id)).toMatchObject({ anonymous: false, externalId });
      await write(frame, 'Signed in now');
      await waitForBubble(frame, 'Signed in now');

      // the same person on another device: the host's settings carry the proof
      const other = await openHost(elsewhere, `?as=${externalId}`);
      const otherFrame = await openWidget(other);
      await waitForBubble(otherFrame, first);
      await waitForBubble(otherFrame, 'Signed in now');

      // a wrong hash: refused, the visitor is told and goes on as a guest, nobody is made for that id
      const forgedId = `mallory-${randomBytes(4).toString('hex')}`;
      const bad = await openHost(forged, `?as=${forgedId}&hash=${'0'.repeat(64)}`);
      const badFrame = await openWidget(bad);
      await badFrame.getByRole('alert').filter({ hasText: 'couldn’t confirm your account' }).waitFor();
      expect(await badFrame.locator('li.message').count()).toBe(0);
      const rows = await api.server.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE "externalId" = $1`, [forgedId]);
      expect(rows[0].n).toBe(0);
    } finally {
      await Promise.all([anonymous.close(), elsewhere.close(), forged.close()]);
    }
  });

  it('asks for a name and email first when an admin turns the pre-chat fields on', async () => {
    await gqlOk(api.graphqlUrl, 'mutation { updateWidgetSettings(input: { askName: true, askEmail: true }) { askName askEmail } }', {}, admin.token);
    const context = await newContext();
    try {
      const page = await openHost(context);
      const frame = await openWidget(page);
      await frame.getByLabel('Your name').fill('Robin Visitor');
      await frame.getByLabel('Email, so we can follow up').fill('robin@example.com');
      await expectAccessible(frame, 'widget, pre-chat fields');
      const first = `With my details ${randomBytes(3).toString('hex')}`;
      await write(frame, first);
      await waitForBubble(frame, first);
      expect((await queuedChat(first)).customer).toMatchObject({ displayName: 'Robin Visitor', email: 'robin@example.com', anonymous: true });
      // asked only before the first message
      expect(await frame.getByLabel('Your name').count()).toBe(0);
    } finally {
      await gqlOk(api.graphqlUrl, 'mutation { updateWidgetSettings(input: { askName: false, askEmail: false }) { askName } }', {}, admin.token);
      await context.close();
    }
  });

  it("is drawn the same on a host page with aggressive global CSS", async () => {
    const context = await newContext();
    try {
      const plain = await openHost(context);
      const styled = await openHost(context, '?css=1');
      const look = async (page: Page) => {
        const frame = await openWidget(page);
        const box = await chatFrame(page).boundingBox();
        const inner = await frame.locator('main h1').evaluate((el) => {
          const s = getComputedStyle(el);
          return { font: s.fontSize, color: s.color, margin: s.margin, rect: el.getBoundingClientRect().toJSON() };
        });
        const composer = await frame.getByRole('textbox', { name: 'Your message' }).boundingBox();
        return { box, inner, composer };
      };
      expect(await look(styled)).toEqual(await look(plain));
    } finally {
      await context.close();
    }
  });

  it('works by keyboard alone: into the panel from the launcher, write, Escape back to the launcher', async () => {
    const context = await newContext();
    try {
      const page = await openHost(context);
      await launcher(page).focus();
      await page.keyboard.press('Enter');
      const frame = await openWidget(page);
      // Tab goes from the launcher into the panel: its close button, then the message box
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('Tab');
        if (await frame.evaluate(() => document.activeElement?.id === 'widget-first-message')) break;
      }
      expect(await frame.evaluate(() => document.activeElement?.id)).toBe('widget-first-message');
      const text = `Typed by keyboard ${randomBytes(3).toString('hex')}`;
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
      await waitForBubble(frame, text);
      await page.keyboard.press('Escape');
      await chatFrame(page).waitFor({ state: 'hidden' });
      expect(await launcher(page).evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('speaks Arabic right to left (parleySettings.locale), passing axe on a phone', async () => {
    const context = await newContext({ width: 390, height: 844 });
    try {
      const page = await context.newPage();
      await page.goto(`${hostOrigin}/?locale=ar`);
      await page.getByRole('button', { name: 'فتح الدردشة' }).click();
      const handle = await chatFrame(page).elementHandle();
      const frame = await handle?.contentFrame();
      if (!frame) throw new Error('no widget frame');
      await frame.locator('main h1').waitFor();
      expect(await frame.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
      expect(await frame.locator('main h1').textContent()).toBe('تحدث معنا');
      // mirrored: the close button sits at the left end of the header
      const header = await frame.locator('header').boundingBox();
      const close = await frame.locator('header button').boundingBox();
      expect(close && header && close.x < header.x + header.width / 2).toBe(true);
      await expectAccessible(frame, 'widget in Arabic on a phone');
    } finally {
      await context.close();
    }
  });
});
