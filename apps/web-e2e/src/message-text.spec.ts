import type { Page } from 'playwright-core';
import { acceptChat, registerCustomer, sendMessage, startChat } from '@parley/api/testing';
import { openSignedInSite, useSiteWithAgent } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(90_000);

const site = useSiteWithAgent();

/** What reaches past the window's right edge (a horizontal scrollbar), named by tag and class; nothing when all fits. */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.getAttribute('class') ?? '')}`);
    return document.documentElement.scrollWidth > window.innerWidth ? ['(page scrolls sideways)', ...wide] : wide;
  });

describe('message text', () => {
  const trackingUrl = `https://carrier.example/track?id=${'A1b2C3d4'.repeat(40)}`;
  const pasted = `x${'0123456789'.repeat(30)}`;

  for (const [size, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`wraps a long unbroken string and links URLs safely (${size})`, async () => {
      const customer = await registerCustomer(site.api, 'Jamie Rivera');
      const chatId = await startChat(site.api, customer, 'Where is my parcel?');
      await acceptChat(site.api, site.agent, chatId);
      await sendMessage(site.api, site.agent, chatId, `Here it is: ${trackingUrl}. It should arrive tomorrow.`);

      const { context, page } = await openSignedInSite(site, customer, `/chats/${chatId}`, { viewport });
      try {

        const link = page.locator('li.message').getByRole('link', { name: trackingUrl, exact: true });
        await link.waitFor({ timeout: 15_000 });
        expect(await link.getAttribute('href')).toBe(trackingUrl);
        expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
        expect(await link.getAttribute('target')).toBe('_blank');

        const composer = page.getByLabel('Your message');
        await composer.fill(pasted);
        expect(await overflowing(page)).toEqual([]);
        await composer.press('Enter');
        await page.waitForFunction(
          (text) => Array.from(document.querySelectorAll('li.message[data-state="sent"] .bubble')).some((el) => el.textContent?.trim() === text),
          pasted,
          { timeout: 15_000 },
        );
        expect(await overflowing(page)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
