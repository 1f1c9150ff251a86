// The desk's webhooks screen in a real browser, by keyboard: an admin adds an endpoint served by a real HTTP
// receiver in this test, takes its signing secret from the screen, sees a chat's events arrive signed with
// it and the last delivery in the list (read with the list, the full log only when opened), edits it,
// pauses, resumes, gives it a new secret and deletes it; the desk in a French browser speaks French, words the
// API's refusals in French, and its language menu switches it back to English for good; an agent never reaches the screen.
import type { Page, Request } from 'playwright-core';
import { errorCode, gql, gqlOk, registerCustomer, startChat, until, WebhookReceiver } from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { openDeskTab, openSignedInDesk, useDeskWithAgents } from './support/desk';
import { tabTo } from './support/keyboard';

jest.setTimeout(240_000);

const WEBHOOKS = '{ webhooks { id url events active } }';

const desk = useDeskWithAgents({ agents: { agent: 'Alex Morgan' } });
const receiver = new WebhookReceiver();

beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

/** The admin on the desk, signed in, the clipboard allowed (the secret's copy button). */
const openAdminDesk = (who = desk.admin) => openSignedInDesk(desk, who, { viewport: { width: 1280, height: 900 }, locale: 'en-US', permissions: ['clipboard-read', 'clipboard-write'] });

/** The names of the GraphQL operations the page posts from now on. */
function operations(page: Page): string[] {
  const names: string[] = [];
  page.on('request', (request: Request) => {
    if (request.method() !== 'POST' || !request.url().endsWith('/graphql')) return;
    const name = (request.postDataJSON() as { operationName?: string } | null)?.operationName;
    if (name) names.push(name);
  });
  return names;
}

const focused = (page: Page) => page.evaluate(() => ({ tag: document.activeElement?.tagName, id: document.activeElement?.id, text: document.activeElement?.textContent?.trim() }));

/** Waits until `chatId`'s two events (chat.created, message.created) have reached the receiver. */
const bothEvents = (chatId: string, what: string) =>
  until(() => receiver.accepted(chatId).length >= 2, 30_000, () => `${what}: not in time; received ${JSON.stringify(receiver.received.map((r) => r.type))}`);

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
    const { api, admin } = desk;
    const { context, page } = await openAdminDesk();
    const sent = operations(page);
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
      // in the desk's own words (the API's reasons), not the API's English
      await page.getByText('This is not a URL. Write it in full, like https://example.com/parley.').waitFor();
      await page.getByText('Choose at least one event.').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'add-webhook-url');
      await expect(page.locator('#add-webhook-url').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.locator('#add-webhook-url').getAttribute('aria-describedby')).resolves.toContain('add-webhook-url-problem');
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
      expect(await page.getByText('This is not a URL.', { exact: false }).count()).toBe(0);
      await expectAccessible(page, 'desk webhooks with a new secret');
      // copied as shown
      await tabTo(page, 'button:has-text("Copy secret")');
      await page.keyboard.press('Enter');
      await page.getByText('Secret copied to the clipboard.').waitFor();
      await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(receiver.secret);

      const [stored] = (await gqlOk(api.graphqlUrl, WEBHOOKS, {}, admin.token))['webhooks'];
      expect(stored).toMatchObject({ url: receiver.url, events: ['chat.created', 'message.created'], active: true });
      const hookSelector = `[data-webhook="${stored.id}"]`;
      const hook = page.locator(hookSelector);
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
      await bothEvents(firstChat, 'the first chat');
      expect(receiver.accepted(firstChat).map((r) => [r.type, r.verified])).toEqual([
        ['chat.created', true],
        ['message.created', true],
      ]);

      // The list shows each webhook's last delivery, read with the list: no request for the log until it is opened.
      for (let i = 0; ; i++) {
        sent.length = 0;
        await page.reload();
        await hook.getByTestId('webhook-last').waitFor();
        const last = (await hook.getByTestId('webhook-last').textContent())?.trim() ?? '';
        if (last.startsWith('Delivered (HTTP 200)')) break;
        if (i > 20) throw new Error(`the last delivery never shown as delivered: ${last}`);
        await page.waitForTimeout(250);
      }
      expect(sent.filter((name) => name === 'AdminWebhooks')).toHaveLength(1);
      expect(sent).not.toContain('AdminWebhookDeliveries');
      await expect(hook.locator('summary').textContent()).resolves.toContain('Recent deliveries');

      // The deliveries on the screen, from the keyboard: open the list (one request), refresh until both show delivered.
      await tabTo(page, `${hookSelector} summary`);
      await page.keyboard.press('Enter');
      await hook.locator('[data-testid="deliveries"]').waitFor();
      expect(sent.filter((name) => name === 'AdminWebhookDeliveries')).toHaveLength(1);
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

      // Edit: a refused URL is explained beside its field, in the desk's words; Escape leaves, focus back on "Edit".
      await tabTo(page, `[data-edit="${stored.id}"]`);
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.id === `edit-${id}-url`, stored.id);
      await expect(page.locator(`#edit-${stored.id}-url`).inputValue()).resolves.toBe(receiver.url);
      await expect(page.locator(`#edit-${stored.id} input[value="message.created"]`).isChecked()).resolves.toBe(true);
      await page.keyboard.press('Escape');
      await page.waitForFunction((id) => document.activeElement?.getAttribute('data-edit') === id, stored.id);
      expect(await page.locator(`#edit-${stored.id}`).count()).toBe(0);
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.id === `edit-${id}-url`, stored.id);
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('ftp://example.com/hook');
      await tabTo(page, `#edit-${stored.id} button[type="submit"]`);
      await page.keyboard.press('Enter');
      await page.getByText('The URL must start with http:// or https://.').waitFor();
      await page.waitForFunction((id) => document.activeElement?.id === `edit-${id}-url`, stored.id);
      await expect(page.locator(`#edit-${stored.id}-url`).getAttribute('aria-describedby')).resolves.toContain(`edit-${stored.id}-url-problem`);
      await expectAccessible(page, 'desk webhooks editing, with a field error');
      // a new URL and one more event, saved: focus back on "Edit"
      const editedUrl = `${receiver.url}?from=edit`;
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type(editedUrl);
      await tabTo(page, `#edit-${stored.id} input[value="chat.rated"]`);
      await page.keyboard.press('Space');
      await tabTo(page, `#edit-${stored.id} button[type="submit"]`);
      await page.keyboard.press('Enter');
      await page.getByTestId('webhooks-status').filter({ hasText: `Webhook ${editedUrl} saved.` }).waitFor();
      await page.waitForFunction((id) => document.activeElement?.getAttribute('data-edit') === id, stored.id);
      await hook.getByRole('heading', { name: editedUrl }).waitFor();
      expect((await gqlOk(api.graphqlUrl, WEBHOOKS, {}, admin.token))['webhooks'][0]).toMatchObject({ url: editedUrl, events: ['chat.created', 'message.created', 'chat.rated'] });
      const editedChat = await startChat(api, customer, 'After the edit');
      await bothEvents(editedChat, 'the chat after the edit');

      // Pause: nothing is sent while paused; the button, now "Resume", keeps focus.
      await tabTo(page, `[data-toggle="${stored.id}"]`);
      await page.keyboard.press('Enter');
      await hook.getByTestId('webhook-state').filter({ hasText: 'Paused' }).waitFor();
      await page.getByTestId('webhooks-status').filter({ hasText: 'paused: no deliveries until it is resumed.' }).waitFor();
      await page.waitForFunction((id) => document.activeElement?.getAttribute('data-toggle') === id && /Resume/.test(document.activeElement?.textContent ?? ''), stored.id);
      expect((await gqlOk(api.graphqlUrl, WEBHOOKS, {}, admin.token))['webhooks'][0].active).toBe(false);
      const pausedChat = await startChat(api, customer, 'Anyone there?');
      await new Promise((r) => setTimeout(r, 2_000));
      expect(receiver.accepted(pausedChat)).toEqual([]);

      // Resume: new events go out again.
      await page.keyboard.press('Enter');
      await hook.getByTestId('webhook-state').filter({ hasText: 'Active' }).waitFor();
      const resumedChat = await startChat(api, customer, 'Hello again');
      await bothEvents(resumedChat, 'the chat after resuming');
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
      expect((await focused(page)).text).toBe(`Give ${editedUrl} a new secret`);
      await expectAccessible(page, 'desk webhooks confirming a new secret');
      await page.keyboard.press('Enter');
      const oldSecret = receiver.secret;
      receiver.secret = await shownSecret(page, `New signing secret for ${editedUrl}`);
      expect(receiver.secret).not.toBe(oldSecret);
      await page.getByText('Deliveries are signed with it from now on, never again with the old one').waitFor();
      const rotatedChat = await startChat(api, customer, 'After the new secret');
      await bothEvents(rotatedChat, 'the chat after the new secret');
      expect(receiver.accepted(rotatedChat).every((r) => r.verified)).toBe(true);
      await tabTo(page, 'button:has-text("I have stored it")');
      await page.keyboard.press('Enter');

      // Delete, confirmed: gone from the screen and from the API; focus on the list's heading.
      await tabTo(page, `[data-delete="${stored.id}"]`);
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => document.activeElement?.getAttribute('data-confirm') === id, stored.id);
      expect((await focused(page)).text).toBe(`Delete ${editedUrl} for good`);
      await page.keyboard.press('Enter');
      await page.getByText('No webhook yet.').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'list-heading');
      await page.getByTestId('webhooks-status').filter({ hasText: `Webhook for ${editedUrl} deleted.` }).waitFor();
      expect((await gqlOk(api.graphqlUrl, WEBHOOKS, {}, admin.token))['webhooks']).toEqual([]);
      const afterDelete = await startChat(api, customer, 'Nobody listening');
      await new Promise((r) => setTimeout(r, 1_000));
      expect(receiver.accepted(afterDelete)).toEqual([]);
      await expectAccessible(page, 'desk webhooks after delete');
    } finally {
      await context.close();
    }
  });

  it('speaks French in the French desk: the API\'s refusals in French beside their fields, and axe passes; the language menu switches it back for good', async () => {
    // a French browser: the desk picks its language from the browser's as it starts
    const tab = await openDeskTab(desk, { viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    const { page } = tab;
    try {
      // the sign-in form in French too
      await page.goto('/desk/');
      await page.waitForURL(/\/desk\/sign-in/);
      await page.getByLabel('E-mail').fill(desk.admin.email);
      await page.getByLabel('Mot de passe', { exact: true }).fill(desk.admin.password);
      await page.getByLabel('Mot de passe', { exact: true }).press('Enter');
      await page.waitForURL(/\/desk\/queue$/);
      await page.goto('/desk/admin/webhooks');
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
      await tabTo(page, '#add-webhook-url');
      await page.keyboard.type('pas une adresse');
      await tabTo(page, '#add-webhook button[type="submit"]');
      await page.keyboard.press('Enter');
      await page.getByText('Ce n’est pas une URL. Écrivez-la en entier, par exemple https://example.com/parley.').waitFor();
      await page.getByText('Choisissez au moins un évènement.').waitFor();
      expect(await page.getByText('is not a URL').count()).toBe(0);
      await page.waitForFunction(() => document.activeElement?.id === 'add-webhook-url');
      await expectAccessible(page, 'desk webhooks in French, with field errors');

      // English from the header's language menu, by keyboard: the desk loads again in it, and stays so
      // after a reload though the browser still asks for French (Tab from the top of the page)
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await tabTo(page, 'header parley-language-picker select');
      expect(await page.getByLabel('Langue').inputValue()).toBe('fr');
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('ArrowUp')]);
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(await page.getByLabel('Language').inputValue()).toBe('en');
    } finally {
      await tab.context.close();
    }
  });

  it('keeps agents out: no webhooks screen in the desk, FORBIDDEN from the API', async () => {
    const { api, agent } = desk;
    const { context, page } = await openAdminDesk(agent);
    try {
      await page.goto('/desk/admin/webhooks');
      await page.waitForURL(/\/desk\/queue$/);
      expect(await page.getByRole('navigation', { name: 'Administration' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
      expect(errorCode(await gql(api.graphqlUrl, WEBHOOKS, {}, agent.token))).toBe('FORBIDDEN');
      expect(errorCode(await gql(api.graphqlUrl, '{ webhooks { id lastDelivery { id status } } }', {}, agent.token))).toBe('FORBIDDEN');
      expect(errorCode(await gql(api.graphqlUrl, 'mutation($u: String!) { createWebhook(url: $u, events: ["chat.created"]) { secret } }', { u: receiver.url }, agent.token))).toBe('FORBIDDEN');
    } finally {
      await context.close();
    }
  });
});
