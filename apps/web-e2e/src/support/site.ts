import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { createAgent, startTestServer, type Person, type TestServer } from '@parley/api/testing';
import { launchChromium } from './browser';
import { signInToSite, type Credentials } from './sign-in';

/**
 * The built site as the tests serve it, with the widget and the desk beside it: the builds
 * `npm start` serves (dist/apps), which global-setup.cjs makes when they are stale.
 */
export const SITE_ROOT = (require('./global-setup.cjs') as { TEST_WEB_ROOT: string }).TEST_WEB_ROOT;

/** The server options a spec adds to the site's (read when the server starts, in beforeAll). */
type SiteConfig = () => Omit<NonNullable<Parameters<typeof startTestServer>[0]>, 'webRoot'>;

/** What a spec of the site works with; each field is set once its beforeAll has run. */
export interface Site {
  api: TestServer;
  chrome: Browser;
}

export interface SiteWithAgent extends Site {
  /** An agent (Alex Morgan) to answer the customers. */
  agent: Person;
}

/**
 * The preamble of a spec that drives the site: beforeAll starts the API
 * serving the built site, on a fresh database (`config` adds to its options),
 * with Chromium beside it; afterAll closes both. Call it at the top of the
 * file: its fields are set by the time the spec's own beforeAll runs.
 */
export function useSite(config?: SiteConfig): Site {
  const site = {} as Site;
  beforeAll(async () => {
    [site.api, site.chrome] = await Promise.all([startTestServer({ ...config?.(), webRoot: SITE_ROOT }), launchChromium()]);
  });
  afterAll(async () => {
    await site.chrome?.close();
    await site.api?.stop();
  });
  return site;
}

/** useSite, and one agent created once the server is up. */
export function useSiteWithAgent(config?: SiteConfig): SiteWithAgent {
  const site = useSite(config) as SiteWithAgent;
  beforeAll(async () => {
    site.agent = await createAgent(site.api, 'Alex Morgan');
  });
  return site;
}

/** A browser tab on the site, in a context of its own (close the context when done). */
export interface SiteTab {
  context: BrowserContext;
  page: Page;
}

/** A fresh browser context on the site's server (1280 by 800 unless `options` say otherwise) and a page in it, not signed in. */
export async function openSiteTab(site: Site, options: BrowserContextOptions = {}): Promise<SiteTab> {
  const context = await site.chrome.newContext({ viewport: { width: 1280, height: 800 }, baseURL: site.api.url, ...options });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[site]', error.message));
  return { context, page };
}

/** A new site tab (see openSiteTab) with `who` signed in, then on `path` (their conversations, unless given). */
export async function openSignedInSite(site: Site, who: Credentials, path?: string, options: BrowserContextOptions = {}): Promise<SiteTab> {
  const tab = await openSiteTab(site, options);
  await signInToSite(tab.page, who);
  if (path) await tab.page.goto(path);
  return tab;
}
