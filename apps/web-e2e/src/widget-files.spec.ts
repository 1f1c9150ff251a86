import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { acceptChatAt, createAgentAt, gqlOk, loginAt, sendMessage, startTestServer, type Person, type TestServer } from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { launchChromium } from './support/browser';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(120_000);

// Small enough to refuse a file cheaply ("too large"), large enough for the test's pictures.
const MAX_BYTES = 64 * 1024;

let api: TestServer;
let chrome: Browser;
let host: Server;
let hostOrigin: string;
let agent: Person;

beforeAll(async () => {
  // a host site on another origin with nothing but the one script tag (`?locale=` sets parleySettings.locale)
  host = createServer((req, res) => {
    const locale = new URL(req.url ?? '/', hostOrigin).searchParams.get('locale');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example shop</title></head><body><main><h1>Example shop</h1></main>
<script>window.parleySettings = ${JSON.stringify(locale ? { locale } : {})};</script><script src="${api.url}/widget.js" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
  [api, chrome] = await Promise.all([
    startTestServer({ widgetOrigins: [hostOrigin], attachments: { maxBytes: MAX_BYTES, customerBytesPerDay: 50 * 1024 * 1024, unclaimedSeconds: 86_400, store: 'postgres' } }),
    launchChromium(),
  ]);
  const admin = await loginAt(api.graphqlUrl, api.admin.email, api.admin.password);
  agent = await createAgentAt(api.graphqlUrl, admin.token, 'Alex Agent');
});

afterAll(async () => {
  await chrome?.close();
  await api?.stop();
  await new Promise((resolve) => host?.close(resolve));
});

async function newContext(): Promise<BrowserContext> {
  const context = await chrome.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  context.on('page', (page) => {
    page.on('pageerror', (error) => console.error('[browser]', error.message));
    page.on('console', (m) => {
      if (m.type() === 'error') process.stderr.write(`[browser console] ${m.text()}\n`);
    });
  });
  return context;
}

/** The host page with the widget's panel open; returns the widget's frame once its app has drawn. */
async function openWidget(context: BrowserContext, query = ''): Promise<{ page: Page; frame: Frame }> {
  const page = await context.newPage();
  await page.goto(`${hostOrigin}/${query}`);
  await page.getByRole('button', { name: /chat|الدردشة/i }).first().click();
  const frame = await (await page.locator('iframe[title*="Chat" i], iframe[title*="الدردشة"]').elementHandle())?.contentFrame();
  if (!frame) throw new Error('no widget frame');
  await frame.locator('main h1').waitFor();
  return { page, frame };
}

const messageBox = (frame: Frame) => frame.locator('textarea');
const sendButton = (frame: Frame) => frame.locator('button.send:enabled');
const pending = (frame: Frame) => frame.getByRole('list', { name: 'Files to send' });

/** Drops (or pastes) files built in the frame onto the message box. */
async function putFiles(frame: Frame, how: 'drop' | 'paste', files: Array<{ name: string; type: string; bytes: number[] }>): Promise<void> {
  // the first screen's message box gives way to the conversation's once a chat starts: wait for the one on screen
  await frame.locator(how === 'paste' ? 'textarea' : 'parley-composer form').waitFor();
  await frame.evaluate(
    ({ how, files }) => {
      const data = new DataTransfer();
      for (const f of files) data.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
      if (how === 'paste') {
        document.querySelector('textarea')?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      } else {
        const form = document.querySelector('parley-composer form') as HTMLElement;
        form.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        form.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    },
    { how, files },
  );
}

/** The queued chat whose first message is `text`. */
async function queuedChat(text: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const data = await gqlOk(api.graphqlUrl, '{ queue { id messages(first: 1) { edges { node { body } } } } }', {}, agent.token);
    const chat = (data['queue'] as Array<{ id: string; messages: { edges: Array<{ node: { body: string } }> } }>).find((c) => c.messages.edges[0]?.node.body === text);
    if (chat) return chat.id;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`no queued chat starting with "${text}"`);
}

const ATTACHMENTS = `query($id: ID!) { chat(id: $id) { messages { edges { node { kind body attachments { name contentType width height } } } } } }`;

describe('files in the website widget', () => {
  it('sends a file by the button and a pasted picture; the agent gets both, and the agent’s own file shows in the widget', async () => {
    const picture = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#3366cc' } }).png().toBuffer();
    const context = await newContext();
    try {
      const { page, frame } = await openWidget(context);
      // files are offered from the first message on (the next test sends one with it)
      await frame.getByRole('button', { name: 'Attach files' }).waitFor();
      const first = `My order ${randomBytes(3).toString('hex')}`;
      await messageBox(frame).fill(first);
      await messageBox(frame).press('Enter');
      await frame.locator('li.message .bubble', { hasText: first }).waitFor();
      const chatId = await queuedChat(first);
      await acceptChatAt(api.graphqlUrl, agent, chatId);
      await frame.getByText('Alex Agent is helping you').waitFor();

      // a file by the button, with words
      const chooser = page.waitForEvent('filechooser');
      await frame.getByRole('button', { name: 'Attach files' }).click();
      await (await chooser).setFiles({ name: 'order-1234.txt', mimeType: 'text/plain', buffer: Buffer.from('Order 1234\nTwo pairs of boots\n') });
      await pending(frame).getByText('order-1234.txt').waitFor();
      await sendButton(frame).waitFor();
      await expectAccessible(frame, 'widget, a file to send');
      await messageBox(frame).fill('The order, attached');
      await messageBox(frame).press('Enter');
      await frame.getByRole('button', { name: /order-1234\.txt/ }).waitFor();

      // a picture pasted into the message box goes alone, without words
      await putFiles(frame, 'paste', [{ name: 'screenshot.png', type: 'image/png', bytes: [...picture] }]);
      await pending(frame).getByText('screenshot.png').waitFor();
      await sendButton(frame).waitFor();
      await messageBox(frame).press('Enter');
      await frame.getByRole('button', { name: 'Open image screenshot.png' }).waitFor();
      // drawn from the visitor's own authorized read (an <img> cannot send the token)
      await frame.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('parley-attachment-image img');
        return Boolean(img?.src.startsWith('blob:') && img.complete && img.naturalWidth > 0);
      });
      expect(await pending(frame).count()).toBe(0);

      const data = await gqlOk(api.graphqlUrl, ATTACHMENTS, { id: chatId }, agent.token);
      const withFiles = data['chat'].messages.edges.map((e: any) => e.node).filter((m: any) => m.attachments.length);
      expect(withFiles).toEqual([
        { kind: 'CUSTOMER', body: 'The order, attached', attachments: [{ name: 'order-1234.txt', contentType: 'text/plain', width: null, height: null }] },
        { kind: 'CUSTOMER', body: '', attachments: [{ name: 'screenshot.png', contentType: 'image/png', width: 120, height: 80 }] },
      ]);

      // the agent sends a file back: a card in the widget, which downloads it with the visitor's credentials
      const form = new FormData();
      form.append('file', new Blob(['Refund approved: 2 x boots\n'], { type: 'text/plain' }), 'refund.txt');
      const res = await fetch(`${api.url}/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${agent.token}` } });
      expect(res.status).toBe(201);
      const upload = (await res.json()) as { id: string };
      await gqlOk(api.graphqlUrl, 'mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }', { input: { chatId, body: 'Here is your refund note', attachmentIds: [upload.id] } }, agent.token);
      const card = frame.getByRole('button', { name: /refund\.txt/ });
      await card.waitFor();
      const download = page.waitForEvent('download');
      await card.click();
      expect((await download).suggestedFilename()).toBe('refund.txt');
      await expectAccessible(frame, 'widget, conversation with files');
    } finally {
      await context.close();
    }
  });

  it('lets a new visitor send a file with their first message, keeping the details typed after it; a refused token is renewed once', async () => {
    const context = await newContext();
    const users = async () => Number((await api.server.dataSource.query('SELECT count(*)::int AS n FROM users'))[0].n);
    try {
      const { frame } = await openWidget(context);
      // nobody is online: the first screen asks for an address to reply to
      await frame.getByLabel(/Email, so we can follow up/).waitFor();
      const before = await users();
      // the file first: the visitor's session starts with it, and nothing is stored yet
      await putFiles(frame, 'drop', [{ name: 'receipt.txt', type: 'text/plain', bytes: [...Buffer.from('Receipt 5521\n')] }]);
      await pending(frame).locator('[data-state="ready"]', { hasText: 'receipt.txt' }).waitFor({ timeout: 15_000 });
      expect(await users()).toBe(before);
      // the details still asked for, typed after the file, go with the first message
      const email = `robin-${randomBytes(3).toString('hex')}@example.com`;
      await frame.getByLabel(/Email, so we can follow up/).fill(email);
      await expectAccessible(frame, 'widget, a new visitor with a file');
      const first = `The receipt ${randomBytes(3).toString('hex')}`;
      await messageBox(frame).fill(first);
      await messageBox(frame).press('Enter');
      await frame.getByRole('button', { name: /receipt\.txt/ }).waitFor();
      const chatId = await queuedChat(first);
      const data = await gqlOk(api.graphqlUrl, `query($id: ID!) { chat(id: $id) { customer { email anonymous } } }`, { id: chatId }, agent.token);
      expect(data['chat'].customer).toEqual({ email, anonymous: true });
      expect((await gqlOk(api.graphqlUrl, ATTACHMENTS, { id: chatId }, agent.token))['chat'].messages.edges[0].node).toEqual({
        kind: 'CUSTOMER',
        body: first,
        attachments: [{ name: 'receipt.txt', contentType: 'text/plain', width: null, height: null }],
      });
      expect(await users()).toBe(before + 1);

      // The server refuses the token of the next upload (as one that expired while the tab slept): renewed, the file goes again, once.
      const tokens: string[] = [];
      await context.route(`${api.url}/uploads`, async (route) => {
        const token = (await route.request().headerValue('authorization')) ?? '';
        tokens.push(token);
        if (tokens.length === 1) {
          await route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ errors: [{ message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }] }) });
        } else await route.fallback();
      });
      await putFiles(frame, 'drop', [{ name: 'second.txt', type: 'text/plain', bytes: [...Buffer.from('Second page\n')] }]);
      await pending(frame).locator('[data-state="ready"]', { hasText: 'second.txt' }).waitFor({ timeout: 15_000 });
      expect(tokens).toHaveLength(2);
      expect(tokens[1]).not.toBe(tokens[0]);
      await messageBox(frame).press('Enter');
      await frame.getByRole('button', { name: /second\.txt/ }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('says plainly when a message has too many files, a file is too large or of a refused kind; in Arabic, right to left', async () => {
    const context = await newContext();
    try {
      const { frame } = await openWidget(context);
      const first = `Some files for you ${randomBytes(3).toString('hex')}`;
      await messageBox(frame).fill(first);
      await messageBox(frame).press('Enter');
      // the conversation is on screen (its first message shown) before files are dropped on its message box
      await frame.locator('li.message .bubble', { hasText: first }).waitFor();
      const six = Array.from({ length: 6 }, (_, i) => ({ name: `photo-${i + 1}.txt`, type: 'text/plain', bytes: [...Buffer.from(`note ${i}`)] }));
      await putFiles(frame, 'drop', six);
      await frame.getByRole('alert').filter({ hasText: 'A message can carry at most 5 files.' }).waitFor();
      expect(await pending(frame).getByRole('listitem').count()).toBe(5);
      for (let i = 0; i < 5; i++) await frame.getByRole('button', { name: `Remove photo-${i + 1}.txt` }).click();

      await putFiles(frame, 'drop', [
        { name: 'huge.txt', type: 'text/plain', bytes: [...Buffer.alloc(MAX_BYTES + 1024, 'a')] },
        { name: 'page.html', type: 'text/html', bytes: [...Buffer.from('<html><script>alert(1)</script></html>')] },
      ]);
      // each refused file says why on its own chip, and nothing can be sent with them alone
      await frame.getByRole('alert').filter({ hasText: /huge\.txt.* is too large: a file may be at most .*64 KB/ }).waitFor();
      await frame.getByRole('alert').filter({ hasText: /page\.html.* can’t be sent: this kind of file isn’t accepted\./ }).waitFor();
      expect(await frame.locator('button.send:enabled').count()).toBe(0);
      await expectAccessible(frame, 'widget, refused files');
    } finally {
      await context.close();
    }

    const arabic = await newContext();
    try {
      const { frame } = await openWidget(arabic, '?locale=ar');
      expect(await frame.evaluate(() => document.documentElement.dir)).toBe('rtl');
      const first = `ملفات ${randomBytes(3).toString('hex')}`;
      await messageBox(frame).fill(first);
      await messageBox(frame).press('Enter');
      // the conversation is on screen (its first message shown) before files are dropped on its message box
      await frame.getByText(first).first().waitFor();
      await frame.getByRole('button', { name: 'إرفاق ملفات' }).waitFor();
      await putFiles(frame, 'drop', [{ name: 'page.html', type: 'text/html', bytes: [...Buffer.from('<html><script>alert(1)</script></html>')] }]);
      await frame.getByRole('alert').filter({ hasText: 'لا يمكن إرسال \u2068page.html\u2069: هذا النوع من الملفات غير مقبول.' }).waitFor();
      await expectAccessible(frame, 'widget in Arabic, a refused file');
    } finally {
      await arabic.close();
    }
  });

  it("opens a help article from an answer in a new tab, leaving the widget's frame on the conversation", async () => {
    const context = await newContext();
    try {
      const { frame } = await openWidget(context);
      const first = `How do returns work? ${randomBytes(3).toString('hex')}`;
      await messageBox(frame).fill(first);
      await messageBox(frame).press('Enter');
      const chatId = await queuedChat(first);
      await acceptChatAt(api.graphqlUrl, agent, chatId);
      await sendMessage(api, agent, chatId, 'It is all in /help/articles/returns-policy');
      const link = frame.getByRole('link', { name: '/help/articles/returns-policy' });
      await link.waitFor();
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toContain('noopener');
      const article = context.waitForEvent('page');
      await link.click();
      expect((await article).url()).toBe(`${api.url}/help/articles/returns-policy`);
      expect(new URL(frame.url()).pathname).toBe('/widget');
      await frame.locator('li.message .bubble', { hasText: first }).waitFor();
    } finally {
      await context.close();
    }
  });
});
