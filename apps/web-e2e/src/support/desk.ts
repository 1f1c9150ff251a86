import { resolve } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { createAgent, loginAdmin, startTestServer, type Person, type TestServer } from '@parley/api/testing';
import { launchChromium } from './browser';
import { fillSignIn, type Credentials } from './sign-in';
import { SITE_ROOT } from './site';

/** The desk the tests serve at /desk beside the site (dist/apps/desk/browser): every language, picked as the desk starts. */
export const DESK_ROOT = resolve(SITE_ROOT, '../../desk/browser');

/** What a spec of the desk works with, its agents by the names the spec gave them; each field is set once its beforeAll has run. */
export type DeskWithAgents<Name extends string> = {
  api: TestServer;
  chrome: Browser;
  /** The admin, signed in. */
  admin: Person;
} & Record<Name, Person>;

/**
 * The preamble of a spec that drives the desk: beforeAll starts the API
 * serving the built site and desk, on a fresh database (`config` overrides,
 * read when the server starts), with Chromium beside it, the admin signed in
 * and the agents created (one by one, in the order given); afterAll closes
 * both. Call it at the top of the file: its fields are set by the time the
 * spec's own beforeAll runs.
 */
export function useDeskWithAgents<Name extends string>(setup: {
  agents: Record<Name, string>;
  config?: () => Parameters<typeof startTestServer>[0];
}): DeskWithAgents<Name> {
  const desk = {} as DeskWithAgents<Name>;
  const people = desk as Record<string, Person>;
  beforeAll(async () => {
    [desk.api, desk.chrome] = await Promise.all([startTestServer({ webRoot: SITE_ROOT, ...setup.config?.() }), launchChromium()]);
    desk.admin = await loginAdmin(desk.api);
    for (const [key, displayName] of Object.entries<string>(setup.agents)) people[key] = await createAgent(desk.api, displayName, desk.admin);
  });
  afterAll(async () => {
    await desk.chrome?.close();
    await desk.api?.stop();
  });
  return desk;
}

/** The server and browser a desk tab is opened on. */
type DeskBrowser = Pick<DeskWithAgents<never>, 'api' | 'chrome'>;

/** A browser tab on the desk, in a context of its own. */
export interface DeskTab {
  context: BrowserContext;
  page: Page;
  /** Key presses the agent made since the counter was last reset. */
  keystrokes(): Promise<number>;
  resetKeystrokes(): Promise<void>;
  /** How many times the tab has landed on the desk's sign-in page. */
  signIns(): number;
}

/**
 * A fresh browser context on the API (1280 by 800 unless `options` say
 * otherwise) and a page in it, not signed in: its errors logged, the agent's
 * key presses and the landings on the sign-in page counted.
 */
export async function openDeskTab(desk: DeskBrowser, options: BrowserContextOptions = {}): Promise<DeskTab> {
  const context = await desk.chrome.newContext({ viewport: { width: 1280, height: 800 }, baseURL: desk.api.url, ...options });
  await context.addInitScript(() => {
    const w = window as unknown as { __keys: number };
    w.__keys = 0;
    window.addEventListener('keydown', () => w.__keys++, { capture: true });
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[desk]', error.message));
  let signIns = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame() && new URL(frame.url()).pathname.startsWith('/desk/sign-in')) signIns++;
  });
  return {
    context,
    page,
    keystrokes: () => page.evaluate(() => (window as unknown as { __keys: number }).__keys),
    resetKeystrokes: () => page.evaluate(() => void ((window as unknown as { __keys: number }).__keys = 0)),
    signIns: () => signIns,
  };
}

/** Opens the desk, which sends a stranger to its sign-in page, and sends the form there by Enter. */
export async function submitDeskSignIn(page: Page, who: Credentials): Promise<void> {
  await page.goto('/desk/');
  await page.waitForURL(/\/desk\/sign-in/);
  await fillSignIn(page, who, 'enter');
}

/** Signs a member of the team in on the desk's form and waits for the queue. */
export async function signInToDesk(page: Page, who: Credentials): Promise<void> {
  await submitDeskSignIn(page, who);
  await page.waitForURL(/\/desk\/queue$/);
}

/** A new desk tab (see openDeskTab) with `who` signed in, on the queue. */
export async function openSignedInDesk(desk: DeskBrowser, who: Credentials, options: BrowserContextOptions = {}): Promise<DeskTab> {
  const tab = await openDeskTab(desk, options);
  await signInToDesk(tab.page, who);
  return tab;
}
