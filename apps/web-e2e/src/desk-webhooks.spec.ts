// The desk's webhooks screen in a real browser, by keyboard: an admin adds an endpoint served by a real HTTP
// receiver in this test, takes its signing secret from the screen, sees a chat's events arrive signed with
// it, pauses, resumes, gives it a new secret and deletes it; an agent never reaches the screen.
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  createAgent,
  errorCode,
  gql,
  gqlOk,
  loginAdmin,
  registerCustomer,
  startChat,
  startTestServer,
  WebhookReceiver,
  type Person,
  type TestServer,
} from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { launchChromium } from './support/browser';
import { fillSignIn } from './support/sign-in';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '../../..');
const WEBHOOKS = '{ webhooks { id url events active } }';

let api: TestServer;
let chrome: Browser;
let admin: Person;
let agent: Person;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  [api, chrome] = await Promise.all([startTestServer({ webRoot: resolve(ROOT, 'dist/apps/web/browser') }), launchChromium(), receiver.start()]);
  admin = await loginAdmin(api);
  agent = await createAgent(api, 'Alex Morgan', admin);
});

afterAll(async () => {
  await chrome?.close();
  await receiver.stop();
  await api?.stop();
});

async function openDesk(who: Pick<Person, 'email' | 'password'>): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chrome.newContext({ viewport: { width: 1280, height: 900 }, baseURL: api.url, locale: 'en-US', permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[desk]', error.message));
  await page.goto('/desk/');
  await page.waitForURL(/\/desk\/sign-in/);
  await fillSignIn(page, who, 'enter');
  await page.waitForURL(/\/desk\/queue$/);
  return { context, page };
}

/** Presses Tab until the element has focus (at most `limit` times): the way a keyboard user reaches it. */
async function tabTo(page: Page, selector: string, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await page.locator(selector).evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

const focused = (page: Page) => page.evaluate(() => ({ tag: document.activeElement?.tagName, id: document.activeElement?.id, text: document.activeElement?.textContent?.trim() }));

/** Waits until the receiver holds what `check` looks for. */
async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not in time; received ${JSON.stringify(receiver.received.map((r) => r.type))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The secret the screen shows, after checking the warning that it will not be shown again. */
async function shownSecret(page: Page, heading: string): Promise<string> {
  const panel = page.getByTestId('webhook-secret');
  await panel.getByRole('heading', { name: heading }).waitFor();
  await panel.getByText('Copy this secret now: it will not be shown again.').waitFor();
  // the panel's heading takes focus, so a screen reader announces it
  await page.waitForFunction(() => document.activeElement?.id === 'secret-heading');
  const secret = await panel.getByLabel('Signing secret').inputValue();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  return secret;
}

describe('the desk webhooks screen', () => {
  it('adds, shows the secret once, delivers signed events, pauses, resumes, rotates and deletes, by keyboard', async () => {
    const { context, page } = await openDesk(admin);
    const hookSelector = () => `[data-url="${receiver.url}"]`;
    try {
      // from the admin menu
      await page.goto('/desk/admin');
      await tabTo(page, 'nav[aria-label="Administration"] a:has-text("Webhooks")');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/desk\/admin\/webhooks$/);
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await page.getByText('No webhook yet.').waitFor();
      // the server knows the screen's address: a reload (or a bookmark) opens it again
      await page.reload();
      await page.getByText('No webhook yet.').waitFor();
      await expect(page.title()).resolves.toBe('Webhooks · Parley desk');
      await expectAccessible(page, 'desk webhooks');

      // Nothing filled in: the API's word on each field, beside it, and focus on the first.
      await tabTo(page, 'button:has-text("Add webhook")');
      await page.keyboard.press('Enter');
      await page.getByText('The URL is not a URL').waitFor();
      await page.getByText(/^Events: must name at least one of/).waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'webhook-url');
      await expect(page.getByLabel('Endpoint URL').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.getByLabel('Endpoint URL').getAttribute('aria-describedby')).resolves.toContain('url-problem');
      await expectAccessible(page, 'desk webhooks with field errors');

      // The receiver's URL and two events.
      await page.keyboard.type(receiver.url);
      await tabTo(page, 'input[value="chat.created"]');
      await page.keyboard.press('Space');
      await tabTo(page, 'input[value="message.created"]');
      await page.keyboard.press('Space');
      await tabTo(page, 'button:has-text("Add webhook")');
      await page.keyboard.press('Enter');
      receiver.secret = await shownSecret(page, `Signing secret for ${receiver.url}`);
      await page.getByTestId('webhooks-status').filter({ hasText: `Webhook added for ${receiver.url}.` }).waitFor();
      expect(await page.getByText('The URL is not a URL').count()).toBe(0);
      await expectAccessible(page, 'desk webhooks with a new secret');
      // copied as shown
      await tabTo(page, 'button:has-text("Copy secret")');
      await page.keyboard.press('Enter');
      await page.getByText('Secret copied to the clipboard.').waitFor();
      await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(receiver.secret);

      const [stored] = (await gqlOk(api.graphqlUrl, WEBHOOKS, {}, admin.token))['webhooks'];
      expect(stored).toMatchObject({ url: receiver.url, events: ['chat.created', 'message.created'], active: true });
      const hook = page.locator(hookSelector());
      await hook.getByText('Active').waitFor();
      await hook.getByText('None yet').waitFor();

      // "I have stored it": the secret goes, for good, and focus goes to its webhook.
      await tabTo(page, 'button:has-text("I have stored it")');
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.id === `hook-${id}`, stored.id);
      expect(await page.getByTestId('webhook-secret').count()).toBe(0);
      expect(await page.content()).not.toContain(receiver.secret);

      // A customer starts a chat: both events reach the receiver, signed with the secret the screen showed.
      const customer = await registerCustomer(api, 'Casey Customer');
      const firstChat = await startChat(api, customer, 'Where is my parcel?');
      await until(() => receiver.accepted(firstChat).length >= 2, 'the first chat');
      expect(receiver.accepted(firstChat).map((r) => [r.type, r.verified])).toEqual([
        ['chat.created', true],
        ['message.created', true],
      ]);

      // The deliveries on the screen, from the keyboard: open the list, refresh until both show delivered.
      await tabTo(page, `${hookSelector()} summary`);
      await page.keyboard.press('Enter');
      const rows = hook.locator('[data-testid="deliveries"] tbody tr');
      for (let i = 0; ; i++) {
        await tabTo(page, `[data-refresh="${stored.id}"]`);
        await page.keyboard.press('Enter');
        await page.getByTestId('webhooks-status').filter({ hasText: `Deliveries of ${receiver.url} refreshed.` }).waitFor();
        const outcomes = await rows.locator('td:nth-child(2)').allTextContents();
        if (outcomes.length === 2 && outcomes.every((o) => o.trim() === 'Delivered (HTTP 200)')) break;
        if (i > 20) throw new Error(`deliveries never shown as delivered: ${outcomes.join(', ')}`);
        await page.waitForTimeout(250);
      }
      expect((await rows.locator('td:first-child').allTextContents()).map((t) => t.trim()).sort()).toEqual(['chat.created', 'message.created']);
      const ids = (await rows.locator('td:last-child').allTextContents()).map((t) => t.trim()).sort();
      expect(ids).toEqual(receiver.accepted(firstChat).map((r) => r.id).sort());
      await hook.getByTestId('webhook-last').filter({ hasText: 'Delivered (HTTP 200)' }).waitFor();
      await expectAccessible(page, 'desk webhooks with deliveries');

      // Pause: nothing is sent while paused; the button, now "Resume", keeps focus.
      await tabTo(page, `[data-toggle="${stored.id}"]`);
      await page.keyboard.press('Enter');
      await hook.getByTestId('webhook-state').filter({ hasText: 'Paused' }).waitFor();
      await page.getByTestId('webhooks-status').filter({ hasText: 'paused: no deliveries until it is resumed.' }).waitFor();
      await page.waitForFunction((id) => document.activeElement?.getAttribute('data-toggle') === id && /Resume/.test(document.activeElement.textContent ?? ''), stored.id);
      expect((await gqlOk(api.graphqlUrl, WEBHOOKS, {}, admin.token))['webhooks'][0].active).toBe(false);
      const pausedChat = await startChat(api, customer, 'Anyone there?');
      await new Promise((r) => setTimeout(r, 2_000));
      expect(receiver.accepted(pausedChat)).toEqual([]);

      // Resume: new events go out again.
      await page.keyboard.press('Enter');
      await hook.getByTestId('webhook-state').filter({ hasText: 'Active' }).waitFor();
      const resumedChat = await startChat(api, customer, 'Hello again');
      await until(() => receiver.accepted(resumedChat).length >= 2, 'the chat after resuming');
      expect(receiver.accepted(resumedChat).every((r) => r.verified)).toBe(true);
      expect(receiver.accepted(pausedChat)).toEqual([]);

      // Rotate, confirmed: the new secret is shown once, and signs what is sent from now on.
      await tabTo(page, `[data-rotate="${stored.id}"]`);
      await page.keyboard.press('Enter');
      await page.getByText('The current secret stops signing at once.').waitFor();
      await page.waitForFunction((id) => document.activeElement?.getAttribute('data-confirm') === id, stored.id);
      // Escape keeps it, focus back on "Rotate secret"
      await page.keyboard.press('Escape');
      await page.waitForFunction((id) => document.activeElement?.getAttribute('data-rotate') === id, stored.id);
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.getAttribute('data-confirm') === id, stored.id);
      expect((await focused(page)).text).toBe(`Give ${receiver.url} a new secret`);
      await expectAccessible(page, 'desk webhooks confirming a new secret');
      await page.keyboard.press('Enter');
      const oldSecret = receiver.secret;
      receiver.secret = await shownSecret(page, `New signing secret for ${receiver.url}`);
      expect(receiver.secret).not.toBe(oldSecret);
      await page.getByText('Deliveries are signed with it from now on, never again with the old one').waitFor();
      const rotatedChat = await startChat(api, customer, 'After the new secret');
      await until(() => receiver.accepted(rotatedChat).length >= 2, 'the chat after the new secret');
      expect(receiver.accepted(rotatedChat).every((r) => r.verified)).toBe(true);
      await tabTo(page, 'button:has-text("I have stored it")');
      await page.keyboard.press('Enter');

      // Delete, confirmed: gone from the screen and from the API; focus on the list's heading.
      await tabTo(page, `[data-delete="${stored.id}"]`);
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.getAttribute('data-confirm') === id, stored.id);
      expect((await focused(page)).text).toBe(`Delete ${receiver.url} for good`);
      await page.keyboard.press('Enter');
      await page.getByText('No webhook yet.').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'list-heading');
      await page.getByTestId('webhooks-status').filter({ hasText: `Webhook for ${receiver.url} deleted.` }).waitFor();
      expect((await gqlOk(api.graphqlUrl, WEBHOOKS, {}, admin.token))['webhooks']).toEqual([]);
      const afterDelete = await startChat(api, customer, 'Nobody listening');
      await new Promise((r) => setTimeout(r, 1_000));
      expect(receiver.accepted(afterDelete)).toEqual([]);
      await expectAccessible(page, 'desk webhooks after delete');
    } finally {
      await context.close();
    }
  });

  it('keeps agents out: no webhooks screen in the desk, FORBIDDEN from the API', async () => {
    const { context, page } = await openDesk(agent);
    try {
      await page.goto('/desk/admin/webhooks');
      await page.waitForURL(/\/desk\/queue$/);
      expect(await page.getByRole('navigation', { name: 'Administration' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
      expect(errorCode(await gql(api.graphqlUrl, WEBHOOKS, {}, agent.token))).toBe('FORBIDDEN');
      expect(errorCode(await gql(api.graphqlUrl, 'mutation($u: String!) { createWebhook(url: $u, events: ["chat.created"]) { secret } }', { u: receiver.url }, agent.token))).toBe('FORBIDDEN');
    } finally {
      await context.close();
    }
  });
});
