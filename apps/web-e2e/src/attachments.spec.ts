import sharp from 'sharp';
import { acceptChat, gqlOk, registerCustomer, startChat } from '@parley/api/testing';
import { openSignedInSite, useSiteWithAgent } from './support/site';
import { expectAccessible } from './support/axe';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(90_000);

const site = useSiteWithAgent();

const ATTACHMENTS = `query($id: ID!) { chat(id: $id) { messages { edges { node { seq body attachments { name contentType width height thumbnailUrl } } } } } }`;

describe('sending files from the site', () => {
  it('sends a picture by the button and a document by drag and drop; both show in the conversation and reach the agent', async () => {
    const customer = await registerCustomer(site.api, 'Robin Photo');
    const chatId = await startChat(site.api, customer, 'The box arrived broken');
    await acceptChat(site.api, site.agent, chatId);
    const photo = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#cc3344' } }).png().toBuffer();

    const { context, page } = await openSignedInSite(site, customer, `/chats/${chatId}`);
    try {

      // The button opens the file chooser; the picture uploads at once and the message may go without text.
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Attach files' }).click();
      await (await chooser).setFiles({ name: 'broken-box.png', mimeType: 'image/png', buffer: photo });
      const files = page.getByRole('list', { name: 'Files to send' });
      await files.getByText('broken-box.png').waitFor();
      await page.getByRole('button', { name: 'Send message' }).and(page.locator(':enabled')).waitFor();
      await page.getByRole('button', { name: 'Send message' }).click();
      const image = page.getByRole('button', { name: 'Open image broken-box.png' }).locator('img');
      await image.waitFor();
      // Read with the customer's token into a blob: URL, and really drawn.
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('parley-attachment-image img');
        return Boolean(img?.src.startsWith('blob:') && img.complete && img.naturalWidth > 0);
      });
      expect(await files.count()).toBe(0);

      // Drag and drop a text file onto the composer, then send it with words.
      await page.evaluate(() => {
        const data = new DataTransfer();
        data.items.add(new File(['Order 1234\nDamaged on arrival\n'], 'notes.txt', { type: 'text/plain' }));
        const form = document.querySelector('parley-composer form') as HTMLElement;
        form.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        form.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      });
      await page.getByRole('list', { name: 'Files to send' }).getByText('notes.txt').waitFor();
      await page.getByLabel('Your message').fill('Here are my notes');
      await page.getByRole('button', { name: 'Send message' }).and(page.locator(':enabled')).waitFor();
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: /notes\.txt/ }).waitFor();
      await expectAccessible(page, 'conversation with files');

      const data = await gqlOk(site.api.graphqlUrl, ATTACHMENTS, { id: chatId }, site.agent.token);
      const sent = data['chat'].messages.edges.map((e: any) => e.node).filter((m: any) => m.attachments.length);
      expect(sent).toEqual([
        { seq: expect.any(Number), body: '', attachments: [{ name: 'broken-box.png', contentType: 'image/png', width: 120, height: 80, thumbnailUrl: expect.stringMatching(/\/thumbnail$/) }] },
        { seq: expect.any(Number), body: 'Here are my notes', attachments: [{ name: 'notes.txt', contentType: 'text/plain', width: null, height: null, thumbnailUrl: null }] },
      ]);
    } finally {
      await context.close();
    }
  });
});
