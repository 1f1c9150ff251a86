import type { Page } from 'playwright-core';
import { gqlOk, loginAdmin, registerCustomer, startChat, type Person } from '@parley/api/testing';
import { seriousViolations } from './support/axe';
import { openSignedInSite, openSiteTab, useSite } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(90_000);

const CREATE = 'mutation($input: ArticleInput!) { createArticle(input: $input) { id } }';
const site = useSite(() => ({ seedDemo: true }));
let admin: Person;

const createArticle = async (title: string, body: string, tags: string[]) =>
  (await gqlOk(site.api.graphqlUrl, CREATE, { input: { title, body, tags } }, admin.token))['createArticle'].id as string;

beforeAll(async () => {
  admin = await loginAdmin(site.api);
});

/** What reaches past the window's right edge: nothing when the page fits. */
const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe('the help center, signed out', () => {
  let shippingId: string;
  let billingId: string;
  beforeAll(async () => {
    shippingId = await createArticle('Zorblat parcels abroad', '## Sending zorblat parcels\n\nWe ship **zorblat** parcels to 40 countries. See [the carrier](https://carrier.example/zorblat).', ['shipping']);
    billingId = await createArticle('Paying for zorblat orders', 'Zorblat orders are paid by card or invoice.', ['billing']);
  });

  for (const [size, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`searches, filters by tag and opens an article by keyboard, axe-clean (${size})`, async () => {
      const { context, page } = await openSiteTab(site, { viewport });
      try {
        await page.goto('/help');
        await page.getByRole('heading', { level: 1, name: 'Help center' }).waitFor();
        expect(await seriousViolations(page)).toEqual([]);

        const box = page.getByLabel('Search the help center');
        await box.focus();
        await page.keyboard.type('zorblat');
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/help\?q=zorblat/);
        const shipping = page.getByRole('link', { name: 'Zorblat parcels abroad' });
        const billing = page.getByRole('link', { name: 'Paying for zorblat orders' });
        await shipping.waitFor();
        await billing.waitFor();
        // Grouped under their tags.
        expect(await page.getByRole('region', { name: 'shipping' }).getByRole('link').allTextContents()).toEqual(['Zorblat parcels abroad']);
        expect(await seriousViolations(page)).toEqual([]);
        expect(await scrollsSideways(page)).toBe(false);

        await page.getByRole('button', { name: 'billing' }).click();
        await page.waitForURL(/tag=billing/);
        await shipping.waitFor({ state: 'detached' });
        expect(await page.getByRole('button', { name: 'billing' }).getAttribute('aria-pressed')).toBe('true');
        await billing.waitFor();
        await page.getByRole('button', { name: 'All topics' }).click();
        await shipping.waitFor();

        await shipping.focus();
        await page.keyboard.press('Enter');
        await page.waitForURL(new RegExp(`/help/articles/${shippingId}$`));
        await page.getByRole('heading', { level: 1, name: 'Zorblat parcels abroad' }).waitFor();
        expect(await page.getByRole('heading', { level: 2, name: 'Sending zorblat parcels' }).count()).toBe(1);
        const carrier = page.locator('.article-body').getByRole('link', { name: 'the carrier' });
        expect(await carrier.getAttribute('href')).toBe('https://carrier.example/zorblat');
        expect(await carrier.getAttribute('rel')).toBe('noopener noreferrer');
        expect(await seriousViolations(page)).toEqual([]);
        expect(await scrollsSideways(page)).toBe(false);
        expect(billingId).toBeTruthy();
      } finally {
        await context.close();
      }
    });
  }

  it('asks "Did this help?", stores the answer and shows staff the count', async () => {
    const id = await createArticle('Quokkalite warranty', 'Two years on every quokkalite item.', ['warranty']);
    const FEEDBACK = 'query($id: ID!) { article(id: $id) { feedback { helpful notHelpful } } }';
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const { context, page } = await openSiteTab(site, { viewport });
      try {
        await page.goto(`/help/articles/${id}`);
        await page.getByRole('heading', { level: 2, name: 'Did this help?' }).waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        await page.getByRole('button', { name: 'Yes' }).focus();
        await page.keyboard.press('Enter');
        await page.getByRole('status').filter({ hasText: 'Thank you for telling us.' }).waitFor();
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('feedback-thanks');
        expect(await seriousViolations(page)).toEqual([]);
        // The same browser again: still one answer, now "no".
        await page.reload();
        await page.getByRole('button', { name: 'No' }).click();
        await page.getByRole('status').filter({ hasText: 'Thank you for telling us.' }).waitFor();
      } finally {
        await context.close();
      }
    }
    // Two browsers: each answered yes, then changed to no.
    expect((await gqlOk(site.api.graphqlUrl, FEEDBACK, { id }, admin.token))['article'].feedback).toEqual({ helpful: 0, notHelpful: 2 });
  });

  it('says so when an article does not exist', async () => {
    const { context, page } = await openSiteTab(site);
    try {
      await page.goto('/help/articles/00000000-0000-4000-8000-000000000000');
      await page.getByRole('heading', { level: 1, name: 'Article not found' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("never runs script written in an article's markdown", async () => {
    const id = await createArticle(
      'Hostile article',
      [
        'Hello <script>window.__pwned = "script"</script>',
        '<img src="x" onerror="window.__pwned = \'onerror\'">',
        '<svg onload="window.__pwned = \'svg\'"></svg>',
        '[click me](javascript:window.__pwned=\'link\')',
        '<a href="javascript:window.__pwned=\'anchor\'">anchor</a>',
        '<iframe srcdoc="<script>parent.__pwned=\'frame\'</script>"></iframe>',
      ].join('\n\n'),
      ['test'],
    );
    const { context, page } = await openSiteTab(site);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    try {
      await page.goto(`/help/articles/${id}`);
      await page.getByRole('heading', { level: 1, name: 'Hostile article' }).waitFor();
      const body = page.locator('.article-body');
      await body.getByText('Hello').waitFor();
      expect(await body.locator('script, iframe, svg, [onerror], [onload]').count()).toBe(0);
      for (const name of ['click me', 'anchor']) {
        const link = body.getByText(name, { exact: true });
        expect(await link.getAttribute('href')).toBeNull();
        await link.click();
      }
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("a bot answer's link", () => {
  let customer: Person;
  beforeAll(async () => {
    customer = await registerCustomer(site.api, 'Jamie Rivera');
  });

  it('opens the article it cites', async () => {
    const chatId = await startChat(site.api, customer, 'how do i send back shoes i bought');
    const { context, page } = await openSignedInSite(site, customer, `/chats/${chatId}`);
    try {
      const link = page.locator('li.message').getByRole('link', { name: /^\/help\/articles\// }).first();
      await link.waitFor({ timeout: 15_000 });
      const href = await link.getAttribute('href');
      expect(href).toMatch(/^\/help\/articles\/[0-9a-f-]{36}$/);
      await link.click();
      await page.waitForURL(new RegExp(`${href}$`));
      await page.getByRole('heading', { level: 1, name: 'How to return an item' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
