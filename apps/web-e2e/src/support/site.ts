import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { createAgent, startTestServer, type Person, type TestServer } from '@parley/api/testing';
import { launchChromium } from './browser';

/** The built site (`npx nx build web`, made by global-setup.cjs when stale). */
export const SITE_ROOT = resolve(__dirname, '../../../../dist/apps/web/browser');

/** What a spec of the site works with; each field is set once its beforeAll has run. */
export interface SiteWithAgent {
  api: TestServer;
  chrome: Browser;
  /** An agent (Alex Morgan) to answer the customers. */
  agent: Person;
}

/**
 * The preamble of a spec that drives the site: beforeAll starts the API
 * serving the built site, on a fresh database, with Chromium beside it and
 * one agent; afterAll closes both.
 */
export function useSiteWithAgent(): SiteWithAgent {
  const site = {} as SiteWithAgent;
  beforeAll(async () => {
    [site.api, site.chrome] = await Promise.all([startTestServer({ webRoot: SITE_ROOT }), launchChromium()]);
    site.agent = await createAgent(site.api, 'Alex Morgan');
  });
  afterAll(async () => {
    await site.chrome?.close();
    await site.api?.stop();
  });
  return site;
}
