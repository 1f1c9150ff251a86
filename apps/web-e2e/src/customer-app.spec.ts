import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { acceptChat, registerCustomer, sendMessage, startChat } from '@parley/api/testing';
import { allMessages, setTyping } from './support/agent-api';
import { expectAccessible } from './support/axe';
import { fillSignIn as signIn } from './support/sign-in';
import { openSiteTab, useSiteWithAgent } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '../../..');
// The README's picture of the conversation screen: rewritten only when asked for, so a test run leaves the tree clean.
const SCREENSHOT = process.env['PARLEY_UPDATE_README_SHOT']
  ? resolve(ROOT, 'docs/images/conversation.png')
  : resolve(tmpdir(), `parley-conversation-${process.pid}.png`);

const site = useSiteWithAgent();

async function newPage(viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await openSiteTab(site, { viewport });
  // keep a handle on the page's WebSockets, so a test can cut them like a failing proxy would (before its first navigation)
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const sockets: WebSocket[] = [];
    (window as unknown as { __parleySockets: WebSocket[] }).__parleySockets = sockets;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
  });
  page.on('console', (m) => {
    if (m.type() === 'error') process.stderr.write(`[browser console] ${m.text()}\n`);
  });
  return { context, page };
}

/** How many message bubbles show exactly this text. */
function countBubbles(page: Page, body: string): Promise<number> {
  return page.evaluate(
    (text) => Array.from(document.querySelectorAll('li.message .bubble, li.system span')).filter((el) => el.textContent?.trim() === text).length,
    body,
  );
}

async function waitForBubble(page: Page, body: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (text) => Array.from(document.querySelectorAll('li.message .bubble')).some((el) => el.textContent?.trim() === text),
    body,
    { timeout },
  );
}

async function signUp(page: Page, name: string, email: string, password: string): Promise<void> {
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

function chatIdOf(page: Page): string {
  const match = /\/chats\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!match || match[1] === 'new') throw new Error(`not on a conversation: ${page.url()}`);
  return match[1];
}

describe('the customer web app', () => {
  let customerPage: Page;
  let customerContext: BrowserContext;
  let chatId: string;
  const email = `jamie-${Date.now()}@example.com`;
  const password = 'correct horse battery';

  afterAll(async () => {
    await customerContext?.close();
  });

  it('signs a customer up, starts a chat, and shows the agent’s reply live', async () => {
    ({ context: customerContext, page: customerPage } = await newPage());
    const page = customerPage;

    await page.goto('/');
    await page.waitForURL(/\/sign-in/);
    await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
    await expectAccessible(page, 'sign-in');

    await signUp(page, 'Jamie Rivera', email, password);
    await page.waitForURL(/\/chats\/new$/);
    await page.getByRole('heading', { name: 'New conversation' }).waitFor();
    await expectAccessible(page, 'new conversation');

    await page.getByLabel('Subject (optional)').fill('Order #4821 arrived damaged');
    await page.getByLabel('How can we help?').fill('Hi! My order arrived today and the lid of the teapot is cracked. Can you send a replacement?');
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await page.waitForURL(/\/chats\/(?!new)[^/]+$/);
    chatId = chatIdOf(page);
    await waitForBubble(page, 'Hi! My order arrived today and the lid of the teapot is cracked. Can you send a replacement?');
    await page.locator('.head parley-chat-status-badge', { hasText: 'Waiting' }).waitFor();

    await acceptChat(site.api, site.agent, chatId);
    // chatUpdated: the header names the agent without a reload
    await page.getByText('Alex Morgan from Support is helping you').waitFor({ timeout: 15_000 });

    await setTyping(site.api, site.agent, chatId, true);
    await page.getByText('Alex Morgan is typing…').waitFor({ timeout: 10_000 });

    const reply = "Hi Jamie, I'm sorry about that! I've just sent a replacement teapot — it ships today. Could you send a photo of the crack for our records?";
    await sendMessage(site.api, site.agent, chatId, reply);
    await waitForBubble(page, reply);
    expect(await page.getByText('Alex Morgan is typing…').count()).toBe(0);
    // announced to screen readers
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="announcer"]')?.textContent?.includes(text) ?? false,
      reply,
    );

    // the customer answers with the keyboard: Shift+Enter is a new line, Enter sends
    const composer = page.getByLabel('Your message');
    await composer.click();
    await composer.pressSequentially('Thank you, that was quick!');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('Photo coming in a minute.');
    await composer.press('Enter');
    const answer = 'Thank you, that was quick!\nPhoto coming in a minute.';
    await page.waitForFunction(
      (text) => Array.from(document.querySelectorAll('li.message[data-state="sent"] .bubble')).some((el) => el.textContent?.trim() === text),
      answer,
      { timeout: 15_000 },
    );
    expect(await composer.inputValue()).toBe('');
    const stored = await allMessages(site.api, site.agent, chatId);
    expect(stored.filter((m) => m.body === answer)).toHaveLength(1);

    await sendMessage(site.api, site.agent, chatId, 'Got it, thanks Jamie. Anything else I can help with?');
    await waitForBubble(page, 'Got it, thanks Jamie. Anything else I can help with?');
    await setTyping(site.api, site.agent, chatId, true);
    await page.getByText('Alex Morgan is typing…').waitFor();
    await composer.fill('Nope, that’s all');
    await expectAccessible(page, 'conversation');
    // Nothing on the page went wrong on the way (a refused list query once hid behind a working conversation).
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);

    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    await composer.fill('');
    await setTyping(site.api, site.agent, chatId, false);
  });

  it('misses nothing and repeats nothing when the socket drops while the agent writes', async () => {
    const page = customerPage;
    const before = await allMessages(site.api, site.agent, chatId);

    await customerContext.setOffline(true);
    await page.getByText("You're offline").waitFor({ timeout: 10_000 });
    const bodies = ['First thing while you were away', 'Second thing while you were away', 'Third thing while you were away'];
    for (const body of bodies) await sendMessage(site.api, site.agent, chatId, body);
    // nothing can arrive while offline
    await page.waitForTimeout(500);
    for (const body of bodies) expect(await countBubbles(page, body)).toBe(0);

    await customerContext.setOffline(false);
    for (const body of bodies) await waitForBubble(page, body, 20_000);
    await page.getByText("You're offline").waitFor({ state: 'detached' });
    for (const body of bodies) expect(await countBubbles(page, body)).toBe(1);

    // and every stored message shows exactly once, in order
    const stored = await allMessages(site.api, site.agent, chatId);
    expect(stored).toHaveLength(before.length + 3);
    const shown = await page.$$eval('li[data-seq]', (els) => els.map((el) => Number(el.getAttribute('data-seq'))));
    expect(shown).toEqual(stored.map((m) => m.seq));
  });

  it('recovers the same way when the socket is closed under it', async () => {
    const page = customerPage;
    // cut every open WebSocket from inside the page, as a proxy dropping the connection would
    await page.evaluate(() => {
      const sockets = (window as unknown as { __parleySockets?: WebSocket[] }).__parleySockets ?? [];
      for (const s of sockets) s.close(4000, 'cut by test');
    });
    const bodies = ['One more after the cut', 'And another one'];
    for (const body of bodies) await sendMessage(site.api, site.agent, chatId, body);
    for (const body of bodies) await waitForBubble(page, body, 20_000);
    for (const body of bodies) expect(await countBubbles(page, body)).toBe(1);
    const stored = await allMessages(site.api, site.agent, chatId);
    const shown = await page.$$eval('li[data-seq]', (els) => els.map((el) => Number(el.getAttribute('data-seq'))));
    expect(shown).toEqual(stored.map((m) => m.seq));
  });

  it('turns the customer’s own message in flight when the socket drops into one sent bubble once it is back', async () => {
    const page = customerPage;
    const cutSockets = () =>
      page.evaluate(() => {
        for (const s of (window as unknown as { __parleySockets?: WebSocket[] }).__parleySockets ?? []) s.close(4000, 'cut by test');
      });
    const sentBubbles = (text: string) =>
      page.evaluate(
        (t) => Array.from(document.querySelectorAll('li.message[data-state="sent"] .bubble')).filter((el) => el.textContent?.trim() === t).length,
        text,
      );
    const composer = page.getByLabel('Your message');
    // Each first send of these bodies hangs as on a dead connection: one never reaches the server, the other does but its answer never comes back.
    const lost = 'Sent as the connection dropped';
    const unanswered = 'Stored, but the answer got lost';
    const held: Route[] = [];
    let reachedServer = false;
    // the stored one goes on only once its bubble was seen sending: its echo on the socket would otherwise turn it sent first
    let letUnansweredThrough: (() => void) | undefined;
    const unansweredMayGo = new Promise<void>((resolve) => (letUnansweredThrough = resolve));
    await page.route('**/graphql', async (route) => {
      const post = route.request().method() === 'POST' ? (route.request().postDataJSON() as { operationName?: string; variables?: { input?: { body?: string } } }) : null;
      const body = post?.operationName === 'SendMessage' ? post.variables?.input?.body : undefined;
      if ((body !== lost && body !== unanswered) || held.some((r) => r.request().postData() === route.request().postData())) return route.fallback();
      held.push(route);
      if (body === unanswered) {
        await unansweredMayGo;
        await route.fetch();
        reachedServer = true;
      }
    });
    try {
      for (const body of [lost, unanswered]) {
        await composer.fill(body);
        await composer.press('Enter');
        await page.locator('li.message[data-state="sending"] .bubble', { hasText: body }).waitFor();
        if (body === unanswered) letUnansweredThrough?.();
        while (body === unanswered && !reachedServer) await page.waitForTimeout(50);
        await cutSockets();
        await page.waitForFunction(
          (t) => Array.from(document.querySelectorAll('li.message[data-state="sent"] .bubble')).some((el) => el.textContent?.trim() === t),
          body,
          { timeout: 20_000 },
        );
        expect(await sentBubbles(body)).toBe(1);
        expect(await countBubbles(page, body)).toBe(1);
        expect(await page.locator('li.message[data-state="sending"]').count()).toBe(0);
      }
      const stored = await allMessages(site.api, site.agent, chatId);
      expect(stored.filter((m) => m.body === lost)).toHaveLength(1);
      expect(stored.filter((m) => m.body === unanswered)).toHaveLength(1);
      const shown = await page.$$eval('li[data-seq]', (els) => els.map((el) => Number(el.getAttribute('data-seq'))));
      expect(shown).toEqual(stored.map((m) => m.seq));
    } finally {
      await page.unroute('**/graphql');
      for (const route of held) await route.abort().catch(() => undefined);
    }
  });

  it('shows the list of chats, and lets the customer end a conversation', async () => {
    const page = customerPage;
    await page.getByRole('link', { name: /Order #4821 arrived damaged/ }).waitFor();
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText('This conversation has ended.').waitFor({ timeout: 10_000 });
    expect(await page.getByLabel('Your message').count()).toBe(0);
    await page.getByRole('link', { name: 'New conversation', exact: true }).click();
    await page.waitForURL(/\/chats\/new$/);
    await page.goto('/chats');
    await page.getByRole('heading', { name: 'How can we help?' }).waitFor();
    await expectAccessible(page, 'conversation list');
  });

  it('explains a wrong password and a taken email next to the right place', async () => {
    const { context, page } = await newPage();
    await page.goto('/sign-in');
    await signIn(page, { email, password: 'not the password' });
    await page.getByRole('alert').filter({ hasText: "That email and password don't match an account" }).waitFor();
    await expectAccessible(page, 'sign-in with an error');

    await page.goto('/sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Enter your name.').waitFor();
    await signUp(page, 'Jamie Again', email, 'another password');
    await page.getByText('An account with this email already exists.').waitFor();
    await expectAccessible(page, 'sign-up with errors');
    await context.close();
  });
});

describe('an ended session', () => {
  it('goes back to sign-in, then returns to the conversation with the draft intact', async () => {
    const customer = await registerCustomer(site.api, 'Sam Lee');
    const chatId = await startChat(site.api, customer, 'Hello there');
    const { context, page } = await newPage();
    await page.goto(`/chats/${chatId}`);
    await page.waitForURL(/\/sign-in/);
    await signIn(page, customer);
    await waitForBubble(page, 'Hello there');
    await page.getByLabel('Your message').fill('A draft I do not want to lose');

    // the server stops accepting the token, as it does once a token expires
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('parley.site.session') ?? '{}');
      session.token = `revoked-${session.token}`;
      localStorage.setItem('parley.site.session', JSON.stringify(session));
    });
    await page.reload();
    await page.waitForURL(/\/sign-in\?returnUrl=/);
    await page.getByText('Your session has ended.').waitFor();
    await signIn(page, customer);
    await page.waitForURL(new RegExp(`/chats/${chatId}$`));
    await waitForBubble(page, 'Hello there');
    expect(await page.getByLabel('Your message').inputValue()).toBe('A draft I do not want to lose');

    // signing out forgets the token and the draft
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    expect(await page.evaluate(() => [...Object.keys(sessionStorage), ...Object.keys(localStorage)].filter((k) => k.startsWith('parley.') && k !== 'parley.help.browser'))).toEqual([]);
    await context.close();
  });
});

describe('a long conversation', () => {
  it('scrolls back through a few hundred messages, each once and in order', async () => {
    const customer = await registerCustomer(site.api, 'Robin Patel');
    const chatId = await startChat(site.api, customer, 'Message 1 of the long chat');
    await acceptChat(site.api, site.agent, chatId);
    const total = 300;
    for (let i = 2; i <= total; i++) {
      const who = i % 3 === 0 ? customer : site.agent;
      await sendMessage(site.api, who, chatId, `Message ${i} of the long chat`);
    }
    const stored = await allMessages(site.api, site.agent, chatId);

    const { context, page } = await newPage({ width: 360, height: 740 });
    await page.goto(`/chats/${chatId}`);
    await page.waitForURL(/\/sign-in/);
    await signIn(page, customer);
    await page.waitForURL(new RegExp(`/chats/${chatId}$`));
    await waitForBubble(page, `Message ${total} of the long chat`);
    expect(await page.locator('li[data-seq]').count()).toBeLessThan(stored.length);
    await expectAccessible(page, 'conversation on a phone');
    // the page itself never scrolls sideways or down: only the message list does
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      y: document.documentElement.scrollHeight - document.documentElement.clientHeight,
    }));
    expect(overflow).toEqual({ x: 0, y: 0 });

    // scroll up until the start of the conversation
    const scroller = page.getByRole('region', { name: 'Messages in this conversation' });
    for (let i = 0; i < 30; i++) {
      if (await page.getByText('This is the start of the conversation.').count()) break;
      await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
      await page.waitForTimeout(150);
    }
    await page.getByText('This is the start of the conversation.').waitFor();
    const shown = await page.$$eval('li[data-seq]', (els) => els.map((el) => Number(el.getAttribute('data-seq'))));
    expect(shown).toEqual(stored.map((m) => m.seq));
    expect(await countBubbles(page, 'Message 1 of the long chat')).toBe(1);
    await context.close();
  });
});
