import { randomBytes } from 'node:crypto';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import {
  acceptChatAt,
  createAgentAt,
  gqlOk,
  loginAt,
  registerCustomer,
  startChat,
  startSmtpReceiver,
  wsClient,
  type Person,
  type SmtpReceiver,
  type WsClient,
} from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { openSignedInSite, openSiteTab, useSite } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(180_000);

// What the customer sees around the team's availability (the offline form, the site's note) and after a chat
// (the rating), on a server that sends email: the widget then asks for an address and promises a reply by email.
let smtp: SmtpReceiver;
let agent: Person;
let agentSocket: WsClient | undefined;

// Jest runs these hooks in the order written: the mail receiver starts before the site's server, which is told
// where to send mail, and stops after it; the agent's socket closes before the server does.
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await agentSocket?.dispose();
});
const site = useSite(() => ({ mail: { smtpUrl: smtp.url, from: 'Parley <support@parley.test>' } }));
afterAll(async () => {
  await smtp?.stop();
});

beforeAll(async () => {
  const admin = await loginAt(site.api.graphqlUrl, site.api.admin.email, site.api.admin.password);
  agent = await createAgentAt(site.api.graphqlUrl, admin.token, 'Alex Agent');
});

/** A narrow tab, the widget's size. */
const VIEWPORT = { width: 420, height: 760 };
const newPage = (): Promise<{ context: BrowserContext; page: Page }> => openSiteTab(site, { viewport: VIEWPORT });

/** The widget's page on its own (not framed: the panel is always open). */
async function openWidget(page: Page, locale = 'en'): Promise<Frame> {
  await page.goto(`/widget?locale=${locale}`);
  await page.locator('main h1').waitFor();
  return page.mainFrame();
}

async function supportStatus(): Promise<{ anyoneOnline: boolean }> {
  return (await gqlOk(site.api.graphqlUrl, '{ supportStatus { anyoneOnline } }'))['supportStatus'];
}

/** The agent opens a socket and goes ONLINE, and the team counts them. */
async function agentOnline(): Promise<void> {
  agentSocket ??= wsClient(site.api.wsUrl, agent.token);
  await gqlOk(site.api.graphqlUrl, 'mutation { setAvailability(availability: ONLINE) { id } }', {}, agent.token);
  for (const deadline = Date.now() + 15_000; !(await supportStatus()).anyoneOnline; ) {
    if (Date.now() > deadline) throw new Error('the agent never counted as online');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function agentOffline(): Promise<void> {
  await gqlOk(site.api.graphqlUrl, 'mutation { setAvailability(availability: OFFLINE) { id } }', {}, agent.token);
  expect((await supportStatus()).anyoneOnline).toBe(false);
}

interface QueuedChat {
  id: string;
  status: string;
  customer: { email: string | null; anonymous: boolean };
}

/** The queue as the agent sees it, waiting until a chat whose first message is `text` is in it. */
async function queuedChat(text: string): Promise<QueuedChat> {
  for (let i = 0; i < 100; i++) {
    const data = await gqlOk(site.api.graphqlUrl, '{ queue { id status customer { email anonymous } messages(first: 1) { edges { node { body } } } } }', {}, agent.token);
    const chat = (data['queue'] as Array<QueuedChat & { messages: { edges: Array<{ node: { body: string } }> } }>).find((c) => c.messages.edges[0]?.node.body === text);
    if (chat) return chat;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no queued chat starting with "${text}"`);
}

async function acceptAndClose(chatId: string): Promise<void> {
  await acceptChatAt(site.api.graphqlUrl, agent, chatId);
  await gqlOk(site.api.graphqlUrl, 'mutation($id: ID!) { closeChat(chatId: $id) { id } }', { id: chatId }, agent.token);
}

async function ratingOf(chatId: string): Promise<{ rating: number | null; ratingComment: string | null }> {
  return (await gqlOk(site.api.graphqlUrl, 'query($id: ID!) { chat(id: $id) { rating ratingComment } }', { id: chatId }, agent.token))['chat'];
}

/** Tabs from the top of the page until a star of the rating has the focus: the keyboard alone reaches it. */
async function tabToRating(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'radio')) return;
  }
  throw new Error('Tab never reached the rating');
}

describe('the widget when nobody can answer', () => {
  it('says so, asks for an email (checked) with the question, starts a QUEUED chat the agent sees with that email, and confirms the reply by email', async () => {
    const { context, page } = await newPage();
    try {
      const frame = await openWidget(page);
      await frame.getByText('Nobody from our team is online right now.').waitFor();
      await frame.getByText('Leave your email and your question, and we’ll reply by email.').waitFor();
      await expectAccessible(frame, 'widget, offline form');

      const question = `Do you ship to Norway? ${randomBytes(3).toString('hex')}`;
      const message = frame.getByRole('textbox', { name: 'Your message' });
      await message.fill(question);
      await message.press('Enter');
      await frame.getByText('Enter your email so we can reply.').waitFor();
      const email = frame.getByRole('textbox', { name: /Email, so we can follow up/ });
      expect(await email.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await email.getAttribute('aria-invalid')).toBe('true');
      await expectAccessible(frame, 'widget, offline form with an error');

      await email.fill('sam@example');
      await message.press('Enter');
      await frame.getByText('Enter an email address like name@example.com.').waitFor();

      const address = `sam-${randomBytes(3).toString('hex')}@example.com`;
      await email.fill(address);
      await message.press('Enter');
      await frame.getByText(`Thanks! We’ll reply by email at ${address} as soon as we’re back.`).waitFor();
      await frame.locator('li.message .bubble', { hasText: question }).waitFor();
      await expectAccessible(frame, 'widget, offline confirmation');

      const chat = await queuedChat(question);
      expect(chat).toMatchObject({ status: 'QUEUED', customer: { email: address, anonymous: true } });
    } finally {
      await context.close();
    }
  });

  it('shows the usual composer, with no note and no email field, once an agent is online', async () => {
    await agentOnline();
    const { context, page } = await newPage();
    try {
      const frame = await openWidget(page);
      await frame.getByText('Hi! How can we help?').waitFor();
      expect(await frame.getByTestId('support-status').count()).toBe(0);
      expect(await frame.getByRole('textbox', { name: /Email/ }).count()).toBe(0);
    } finally {
      await context.close();
      await agentOffline();
    }
  });
});

describe('the widget while it shows', () => {
  it('notices the team coming online (read again each minute) and going away (read at once when shown again), with no reload', async () => {
    const { context, page } = await newPage();
    try {
      // The page's clock, moved on by the test: the minute between reads passes at once.
      await page.clock.install();
      const frame = await openWidget(page);
      await frame.getByText('Nobody from our team is online right now.').waitFor();
      await agentOnline();
      await page.clock.fastForward('01:01');
      await frame.getByTestId('support-status').waitFor({ state: 'detached' });
      expect(await frame.getByRole('textbox', { name: /Email/ }).count()).toBe(0);

      await agentOffline();
      // Hidden and shown again (another tab, say) more than a few seconds after the last read: read at once.
      await page.clock.fastForward('00:15');
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await frame.getByText('Nobody from our team is online right now.').waitFor();
      await expectAccessible(frame, 'widget, away again');
    } finally {
      await context.close();
    }
  });
});

describe('rating a closed chat', () => {
  it('in the widget, by keyboard alone: asked once the agent closes, the rating saved with its comment and shown after a reload', async () => {
    const { context, page } = await newPage();
    try {
      const frame = await openWidget(page);
      const question = `Rate me by keyboard ${randomBytes(3).toString('hex')}`;
      await frame.getByRole('textbox', { name: /Email/ }).fill('kim@example.com');
      await frame.getByRole('textbox', { name: 'Your message' }).fill(question);
      await frame.getByRole('textbox', { name: 'Your message' }).press('Enter');
      const chat = await queuedChat(question);
      await acceptAndClose(chat.id);

      await frame.getByRole('group', { name: 'How was this conversation?' }).waitFor();
      await expectAccessible(frame, 'widget, rating');
      // Send with no star: the question says what is missing.
      await frame.getByRole('button', { name: 'Send rating' }).click();
      await frame.getByText('Choose from 1 to 5 stars.').waitFor();

      await tabToRating(page);
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
      expect(await frame.getByRole('radio', { name: '4 out of 5: good' }).isChecked()).toBe(true);
      await page.keyboard.press('Tab');
      await page.keyboard.type('Quick and kind');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Send rating');
      await page.keyboard.press('Enter');
      await frame.getByText('You rated this conversation 4 out of 5: good. Thank you!').waitFor();
      // The question went; the focus moved on rather than being lost.
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Start a new conversation');
      expect(await ratingOf(chat.id)).toEqual({ rating: 4, ratingComment: 'Quick and kind' });

      await page.reload();
      await frame.getByText('You rated this conversation 4 out of 5: good. Thank you!').waitFor();
      expect(await frame.getByRole('group', { name: 'How was this conversation?' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('in the widget in Arabic, right to left; "No thanks" is not asked again after a reload', async () => {
    const { context, page } = await newPage();
    try {
      const frame = await openWidget(page, 'ar');
      const question = `No rating ${randomBytes(3).toString('hex')}`;
      await frame.locator('#widget-email').fill('noor@example.com');
      await frame.locator('#widget-first-message').fill(question);
      await frame.locator('#widget-first-message').press('Enter');
      const chat = await queuedChat(question);
      await acceptAndClose(chat.id);

      const group = frame.getByRole('group', { name: 'كيف كانت هذه المحادثة؟' });
      await group.waitFor();
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
      // The first star starts the line on the right.
      const one = await frame.locator('label', { hasText: '1 من 5' }).boundingBox();
      const five = await frame.locator('label', { hasText: '5 من 5' }).boundingBox();
      expect(one!.x).toBeGreaterThan(five!.x);
      await expectAccessible(frame, 'widget, rating in Arabic');

      await frame.getByRole('button', { name: 'لا، شكرًا' }).click();
      await group.waitFor({ state: 'detached' });
      await page.reload();
      await frame.locator('.closed-note button').waitFor();
      await page.waitForLoadState('networkidle');
      expect(await frame.getByRole('group', { name: 'كيف كانت هذه المحادثة؟' }).count()).toBe(0);
      expect(await ratingOf(chat.id)).toEqual({ rating: null, ratingComment: null });
    } finally {
      await context.close();
    }
  });

  it('on the site: asked once the agent closes, rated with a click, shown afterwards and not asked again', async () => {
    const customer = await registerCustomer(site.api, 'Robin Rater');
    const chatId = await startChat(site.api, customer, `Site rating ${randomBytes(3).toString('hex')}`);
    const { context, page } = await openSignedInSite(site, customer, `/chats/${chatId}`, { viewport: VIEWPORT });
    try {
      await page.getByRole('textbox', { name: 'Your message' }).waitFor();
      await acceptAndClose(chatId);

      await page.getByRole('group', { name: 'How was this conversation?' }).waitFor();
      await expectAccessible(page, 'site, rating');
      await page.locator('label', { hasText: '5 out of 5: excellent' }).click();
      await page.getByRole('button', { name: 'Send rating' }).click();
      await page.getByText('You rated this conversation 5 out of 5: excellent. Thank you!').waitFor();
      expect(await ratingOf(chatId)).toEqual({ rating: 5, ratingComment: null });
      await expectAccessible(page, 'site, rating given');

      await page.reload();
      await page.getByText('You rated this conversation 5 out of 5: excellent. Thank you!').waitFor();
      expect(await page.getByRole('group', { name: 'How was this conversation?' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe("the site's new conversation page", () => {
  it('says nobody is online while nobody is, and nothing once an agent is', async () => {
    const customer = await registerCustomer(site.api, 'Nico New');
    const { context, page } = await openSignedInSite(site, customer, '/chats/new', { viewport: VIEWPORT });
    try {
      await page.getByText('Nobody from our team is online right now.').waitFor();
      await expectAccessible(page, 'site, new conversation while away');

      await agentOnline();
      await page.reload();
      await page.getByRole('heading', { name: 'New conversation' }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.getByTestId('support-status').count()).toBe(0);
    } finally {
      await context.close();
      await agentOffline();
    }
  });
});
