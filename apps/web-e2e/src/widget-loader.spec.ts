import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { launchChromium } from './support/browser';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(90_000);

// Global rules a careless host site might have: they must not reach the widget.
const AGGRESSIVE_CSS = `
  * { font-size: 31px !important; color: #000 !important; background: #ff0 !important; letter-spacing: 4px !important; line-height: 3 !important; padding: 17px !important; margin: 9px !important; border: 5px dashed red !important; }
  button { display: inline !important; position: static !important; width: 3px !important; height: 3px !important; }
  iframe { width: 10px !important; height: 10px !important; display: none !important; }
  div, span, parley-widget { position: static !important; display: block !important; opacity: .2 !important; transform: scale(.5) !important; }
`;

/** A host site on its own origin (localhost, another port): two pages with the one script tag, and a control page without it. */
function hostPage(apiUrl: string, path: string): string {
  const styled = path !== '/plain';
  const script = path === '/control' ? '' : `<script src="${apiUrl}/widget.js" async></script>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example shop</title>${styled ? `<style>${AGGRESSIVE_CSS}</style>` : ''}</head>
<body><main><h1>Example shop</h1><p id="copy">Shoes and boots.</p><a href="/other">Other page</a></main>
<script>window.parleySettings = { externalId: 'customer-7', userHash: 'abc123'${path === '/fr' ? ", locale: 'fr'" : ''} };</script>${script}</body></html>`;
}

let api: TestServer;
let chrome: Browser;
let host: Server;
let hostOrigin: string;

beforeAll(async () => {
  host = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(hostPage(api.url, req.url ?? '/'));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  // localhost against the API's 127.0.0.1: another origin and another site.
  hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
  [api, chrome] = await Promise.all([startTestServer({ widgetOrigins: [hostOrigin] }), launchChromium()]);
});

afterAll(async () => {
  await chrome?.close();
  await api?.stop();
  await new Promise((resolve) => host?.close(resolve));
});

async function open(context: BrowserContext, path = '/'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${hostOrigin}${path}`);
  await page.getByRole('button', { name: /chat/i }).waitFor();
  return page;
}

const launcher = (page: Page) => page.getByRole('button', { name: /chat/i });
const chatFrame = (page: Page) => page.locator('iframe[title*="Chat" i]');

/** The frame of Parley's /widget page inside the panel. */
async function widgetFrame(page: Page): Promise<Frame> {
  const handle = await chatFrame(page).elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('no widget frame');
  await frame.waitForLoadState();
  return frame;
}

/** Where and how the launcher and the open panel are drawn. */
async function drawn(page: Page) {
  const button = launcher(page);
  const box = await button.boundingBox();
  const style = await button.evaluate((el) => {
    const s = getComputedStyle(el);
    return { color: s.color, background: s.backgroundColor, border: s.borderTopStyle, padding: s.paddingTop, opacity: getComputedStyle(el.getRootNode() instanceof ShadowRoot ? (el.getRootNode() as ShadowRoot).host : el).opacity };
  });
  return { box, style };
}

describe('the widget loader, GET /widget.js', () => {
  it('is JavaScript, cacheable, loadable by any site, and under 10 KB gzipped', async () => {
    const response = await new Promise<{ headers: Record<string, string | string[] | undefined>; bytes: number }>((resolve, reject) => {
      get(`${api.url}/widget.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ headers: res.headers, bytes }));
      }).on('error', reject);
    });
    expect(response.headers['content-type']).toMatch(/^text\/javascript/);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(response.headers['cache-control']).toMatch(/public, max-age=\d+/);
    expect(response.bytes).toBeGreaterThan(500);
    expect(response.bytes).toBeLessThan(10 * 1024);

    const plain = await fetch(`${api.url}/widget.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toContain('parley-widget');
    const again = await fetch(`${api.url}/widget.js`, { headers: { 'if-none-match': plain.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it("labels the launcher in parleySettings.locale's language", async () => {
    const context = await chrome.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${hostOrigin}/fr`);
      await page.getByRole('button', { name: 'Ouvrir le chat' }).click();
      await page.getByRole('button', { name: 'Fermer le chat' }).waitFor();
      expect(await chatFrame(page).getAttribute('src')).toContain('locale=fr');
    } finally {
      await context.close();
    }
  });

  it('adds a launcher and only the Parley global; the host CSS changes neither launcher nor panel, and the widget leaves the host page as it was', async () => {
    const context = await chrome.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const plain = await open(context, '/plain');
      const styled = await open(context, '/');
      const control = await context.newPage();
      await control.goto(`${hostOrigin}/control`);

      const globals = (page: Page) => page.evaluate(() => Object.keys(window));
      const controlKeys = new Set(await globals(control));
      expect((await globals(styled)).filter((key) => !controlKeys.has(key))).toEqual(['Parley']);
      expect(await styled.evaluate(() => Object.keys((window as unknown as { Parley: object }).Parley).sort())).toEqual(['close', 'identify', 'open', 'signOut']);

      expect(await drawn(styled)).toEqual(await drawn(plain));
      await launcher(styled).click();
      await launcher(plain).click();
      expect(await chatFrame(styled).boundingBox()).toEqual(await chatFrame(plain).boundingBox());
      expect((await chatFrame(styled).boundingBox())?.width).toBeGreaterThan(300);

      const copyStyle = (page: Page) => page.locator('#copy').evaluate((el) => {
          const s = getComputedStyle(el);
          return [s.fontSize, s.color, s.backgroundColor, s.margin, s.padding, s.display, s.position];
        });
      expect(await copyStyle(styled)).toEqual(await copyStyle(control));
    } finally {
      await context.close();
    }
  });

  it('opens and closes by keyboard, Escape returning focus to the launcher, and stays open or closed across the host pages', async () => {
    const context = await chrome.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await open(context);
      await launcher(page).focus();
      await page.keyboard.press('Enter');
      await chatFrame(page).waitFor();
      expect(await launcher(page).getAttribute('aria-expanded')).toBe('true');
      expect(await chatFrame(page).getAttribute('src')).toMatch(new RegExp(`^${api.url}/widget\\?`));
      await expectAccessible(page, 'host page with the widget open');

      await page.goto(`${hostOrigin}/other`);
      await chatFrame(page).waitFor();
      expect(await launcher(page).getAttribute('aria-expanded')).toBe('true');

      await launcher(page).focus();
      await page.keyboard.press('Escape');
      await chatFrame(page).waitFor({ state: 'hidden' });
      expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
      expect(await launcher(page).evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
      await expectAccessible(page, 'host page with the widget closed');

      await page.keyboard.press('Space');
      await chatFrame(page).waitFor();
      await page.keyboard.press('Space');
      await chatFrame(page).waitFor({ state: 'hidden' });
      await page.goto(`${hostOrigin}/`);
      await launcher(page).waitFor();
      expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
      expect(await chatFrame(page).isVisible()).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('fills a phone screen when open', async () => {
    const context = await chrome.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const page = await open(context);
      await launcher(page).click();
      await chatFrame(page).waitFor();
      expect(await chatFrame(page).boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
      // The close control stays reachable above the panel.
      expect(await launcher(page).getAttribute('aria-label')).toMatch(/close chat/i);
      await launcher(page).click();
      await chatFrame(page).waitFor({ state: 'hidden' });
      await expectAccessible(page, 'host page on a phone');
    } finally {
      await context.close();
    }
  });

  it("speaks with Parley's page alone: settings go to it on ready, its unread count shows on the badge, the host page's own messages are ignored", async () => {
    const context = await chrome.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await open(context);
      await page.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open());
      const frame = await widgetFrame(page);
      const settings = await frame.evaluate(
        () =>
          new Promise<{ origin: string; data: unknown }>((resolve) => {
            window.addEventListener('message', (event) => resolve({ origin: event.origin, data: event.data }), { once: true });
            parent.postMessage({ parley: 'ready' }, '*');
          }),
      );
      expect(settings).toEqual({ origin: hostOrigin, data: { parley: 'settings', locale: expect.any(String), identity: { externalId: 'customer-7', userHash: 'abc123' }, open: true, stored: expect.any(Object) } });

      // Parley's page reports its own count (0: no chat yet) once it has drawn; wait for that first, so the count below is the last word.
      await frame.getByRole('textbox', { name: 'Your message' }).waitFor();
      await page.evaluate(() => (window as unknown as { Parley: { close(): void } }).Parley.close());
      await frame.evaluate(() => parent.postMessage({ parley: 'unread', count: 3 }, '*'));
      await page.getByRole('button', { name: 'Open chat (3 unread)' }).waitFor();
      // A message from the host page itself (not Parley's frame) changes nothing.
      await page.evaluate(() => window.postMessage({ parley: 'unread', count: 9 }, '*'));
      await frame.evaluate(() => parent.postMessage({ parley: 'unread', count: 0 }, '*'));
      await page.getByRole('button', { name: 'Open chat', exact: true }).waitFor();
      await page.evaluate(() => window.postMessage({ parley: 'unread', count: 9 }, '*'));
      await page.waitForTimeout(200);
      expect(await launcher(page).getAttribute('aria-label')).toBe('Open chat');

      // Escape pressed inside the frame is reported by Parley's page; focus comes back to the launcher.
      await page.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open());
      await frame.evaluate(() => parent.postMessage({ parley: 'close' }, '*'));
      await chatFrame(page).waitFor({ state: 'hidden' });
      expect(await launcher(page).evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    } finally {
      await context.close();
    }
  });
});
