import type { Page } from 'playwright-core';
import { registerCustomer, startChat } from '@parley/api/testing';
import { openSignedInSite, useSite } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(90_000);

const site = useSite();

/** The focused element's accessible text: its label or its own text. */
const focused = (page: Page) => page.evaluate(() => (document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '').trim());

describe('ending a conversation by keyboard', () => {
  it('keeps focus where the person is: on "Keep open" when asked, back on "End conversation" after Escape, on the heading once closed', async () => {
    const customer = await registerCustomer(site.api, 'Jamie Rivera');
    const chatId = await startChat(site.api, customer, 'Quick question about sizes');
    const { context, page } = await openSignedInSite(site, customer, `/chats/${chatId}`);
    try {

      const end = page.getByRole('button', { name: 'End conversation' });
      await end.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('group', { name: 'Close this conversation?' }).waitFor();
      await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Keep open');

      await page.keyboard.press('Escape');
      await end.waitFor();
      expect(await page.getByRole('group', { name: 'Close this conversation?' }).count()).toBe(0);
      await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'End conversation');

      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Keep open');
      await page.keyboard.press('Shift+Tab');
      expect(await focused(page)).toBe('Close');
      await page.keyboard.press('Enter');
      await page.getByText('This conversation has ended.').waitFor({ timeout: 15_000 });
      await page.waitForFunction(() => document.activeElement?.id === 'conversation-title');
    } finally {
      await context.close();
    }
  });
});
