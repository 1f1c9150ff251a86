import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { registerCustomer, startChat } from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { openSignedInSite, useSite } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(90_000);

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const site = useSite();

/** axe's landmark and heading rules, whatever their impact (expectAccessible reports only serious ones). */
async function structureViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations
      .filter((v) => /^(landmark|region|page-has-heading-one|heading-order|empty-heading)/.test(v.id))
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('the conversation list on a phone', () => {
  it('has a main landmark and a first-level heading, and passes axe', async () => {
    const customer = await registerCustomer(site.api, 'Jamie Rivera');
    const chatId = await startChat(site.api, customer, 'Do you ship to Norway?');
    const { context, page } = await openSignedInSite(site, customer, '/chats', { viewport: { width: 390, height: 844 } });
    try {
      await page.locator(`[data-chat-id="${chatId}"]`).waitFor();
      await page.getByRole('heading', { level: 1, name: 'Conversations' }).waitFor();
      expect(await structureViolations(page)).toEqual([]);
      await expectAccessible(page, 'conversation list (phone)');

      // With a conversation open, its title is the page's heading and the list's is second-level.
      await page.locator(`[data-chat-id="${chatId}"]`).click();
      await page.getByRole('heading', { level: 1, name: 'Support request' }).waitFor();
      expect(await page.locator('#chat-list-heading').evaluate((el) => el.tagName)).toBe('H2');
      expect(await structureViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
