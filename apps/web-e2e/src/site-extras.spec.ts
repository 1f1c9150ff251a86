import { acceptChat, registerCustomer, sendMessage, startChat } from '@parley/api/testing';
import { allMessages } from './support/agent-api';
import { expectAccessible } from './support/axe';
import { openSignedInSite, useSiteWithAgent } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(90_000);

const site = useSiteWithAgent();

describe('the site', () => {
  it('marks a reply in another conversation as unread, counts it in the tab title, and clears it once opened', async () => {
    const customer = await registerCustomer(site.api, 'Jamie Rivera');
    const first = await startChat(site.api, customer, 'First question');
    const second = await startChat(site.api, customer, 'Second question');
    await acceptChat(site.api, site.agent, second);
    const { context, page } = await openSignedInSite(site, customer, `/chats/${first}`);
    try {
      await page.locator(`[data-chat-id="${second}"]`).waitFor();
      await sendMessage(site.api, site.agent, second, 'An answer to your second question');
      await page.locator(`[data-chat-id="${second}"] [data-testid="unread"]`).waitFor({ timeout: 15_000 });
      await page.locator(`[data-chat-id="${second}"]`, { hasText: 'An answer to your second question' }).waitFor();
      await page.waitForFunction(() => document.title.startsWith('(1) '));
      await expectAccessible(page, 'conversation list with an unread reply');

      await page.locator(`[data-chat-id="${second}"]`).click();
      await page.locator(`[data-chat-id="${second}"] [data-testid="unread"]`).waitFor({ state: 'detached' });
      await page.waitForFunction(() => !/^\(\d+\) /.test(document.title));
    } finally {
      await context.close();
    }
  });

  it('sends files with a new conversation, and downloads a transcript without the team’s notes', async () => {
    const customer = await registerCustomer(site.api, 'Sam Lee');
    const { context, page } = await openSignedInSite(site, customer, '/chats/new', { acceptDownloads: true });
    try {
      await page.getByLabel('How can we help?').fill('The label on my parcel is torn');
      await page.locator('#new-chat-files').setInputFiles({ name: 'label.txt', mimeType: 'text/plain', buffer: Buffer.from('TRACK 123') });
      await page.locator('parley-pending-files li', { hasText: 'label.txt' }).waitFor();
      await page.waitForFunction(() => !document.querySelector('parley-pending-files')?.textContent?.includes('Uploading'));
      await expectAccessible(page, 'new conversation with a file');
      await page.getByRole('button', { name: 'Start conversation' }).click();
      await page.waitForURL(/\/chats\/(?!new)[^/]+$/);
      const chatId = new URL(page.url()).pathname.split('/').pop() as string;
      await page.locator('parley-attachment-list', { hasText: 'label.txt' }).waitFor({ timeout: 15_000 });
      const stored = await allMessages(site.api, site.agent, chatId);
      expect(stored).toHaveLength(1);

      await acceptChat(site.api, site.agent, chatId);
      await sendMessage(site.api, site.agent, chatId, 'A new label is on its way.');
      const note = await fetch(site.api.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${site.agent.token}` },
        body: JSON.stringify({ query: 'mutation($c: ID!) { addNote(chatId: $c, body: "Internal: customer is a VIP") { id } }', variables: { c: chatId } }),
      }).then((r) => r.json() as Promise<{ errors?: unknown }>);
      expect(note.errors).toBeUndefined();

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download transcript' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^transcript-.*\.txt$/);
      const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
      expect(text).toContain('The label on my parcel is torn');
      expect(text).toContain('Alex Morgan: A new label is on its way.');
      expect(text).not.toContain('VIP');

      // the route checks who asks: nobody, and another customer, get nothing
      expect((await fetch(`${site.api.url}/transcripts/${chatId}`)).status).toBe(401);
      const other = await registerCustomer(site.api, 'Robin Patel');
      expect((await fetch(`${site.api.url}/transcripts/${chatId}`, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(403);
      const forAgent = await fetch(`${site.api.url}/transcripts/${chatId}`, { headers: { authorization: `Bearer ${site.agent.token}` } });
      expect([forAgent.status, (await forAgent.text()).includes('VIP')]).toEqual([200, false]);
    } finally {
      await context.close();
    }
  });
});
