// The agent desk in a real browser, end to end. One file on purpose: the scenarios share one server, two agents
// and the order of a shift (an empty queue first); split it when a scenario needs a server of its own.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import {
  gqlOk,
  login,
  loginAdmin,
  registerCustomer,
  sendMessage,
  startChat,
  subscribe,
  wsClient,
  type Person,
} from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { allMessages, setTyping } from './support/agent-api';
import { DESK_ROOT, openDeskTab, signInToDesk, submitDeskSignIn, useDeskWithAgents } from './support/desk';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(180_000);

// Short-lived access tokens: the desk must renew them silently, socket included, for a whole shift.
const ACCESS_TOKEN_TTL_SECONDS = 10;

const team = useDeskWithAgents({
  agents: { alex: 'Alex Morgan', blair: 'Blair Chen' },
  config: () => ({ accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS }),
});

/** The customer's side signs in again before each call: their tokens expire as fast as the agent's. */
const fresh = (who: Person) => login(team.api, who.email, who.password);

const row = (page: Page, name: string) => page.locator('[data-testid="chat-row"]', { hasText: name });

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll).toBeLessThanOrEqual(client);
}

describe('the agent desk', () => {
  it('keeps its initial JavaScript under 300 KB gzipped', () => {
    const html = readFileSync(join(DESK_ROOT, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(DESK_ROOT, file))).length, 0);
    expect(gzipped).toBeLessThan(300 * 1024);
  });

  it('is served at /desk: its routes to a browser, its files, and 404 for anything else', async () => {
    const navigate = { 'sec-fetch-mode': 'navigate', accept: 'text/html' };
    // node:http, not fetch: fetch sets Sec-Fetch-Mode itself
    const get = (path: string, headers: Record<string, string> = navigate) =>
      new Promise<{ status: number; location: string | undefined; text: () => Promise<string> }>((done, fail) => {
        request(`${team.api.url}${path}`, { headers }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => done({ status: res.statusCode ?? 0, location: res.headers.location, text: async () => body }));
        })
          .on('error', fail)
          .end();
      });
    expect((await get('/desk')).location).toBe('/desk/');
    for (const path of ['/desk/', '/desk/sign-in', '/desk/forgot-password', '/desk/queue', '/desk/search', '/desk/admin', '/desk/mine/3f1c9a1e-0000-4000-8000-000000000000']) {
      const res = await get(path);
      expect([path, res.status, await res.text()]).toEqual([path, 200, expect.stringContaining('<parley-desk-root>')]);
    }
    expect((await get('/desk/favicon.svg', {})).status).toBe(200);
    // its translations, read as it starts (apps/desk/src/main.ts)
    const french = await get('/desk/i18n/fr.json', {});
    expect([french.status, JSON.parse(await french.text()).locale]).toEqual([200, 'fr']);
    for (const path of ['/desk/nope.js', '/desk/nope', '/desk/queue/a/b', '/desk/i18n/xx.json']) expect([path, (await get(path)).status]).toEqual([path, 404]);
    expect((await get('/desk/queue', { 'sec-fetch-mode': 'cors', accept: 'application/json' })).status).toBe(404);
  });

  it('tells a customer the desk is for the team, and keeps no session for them', async () => {
    const customer = await registerCustomer(team.api, 'Casey Customer');
    const desk = await openDeskTab(team);
    try {
      await submitDeskSignIn(desk.page, customer);
      await desk.page.getByRole('alert').filter({ hasText: 'The desk is for the support team' }).waitFor();
      // this server sends no email: no way to a reset link
      expect(await desk.page.getByRole('link', { name: 'Forgot password?' }).count()).toBe(0);
      await expectAccessible(desk.page, 'desk sign-in, customer refused');
      expect(await desk.page.evaluate(() => sessionStorage.getItem('parley.desk.session'))).toBeNull();
      await desk.page.goto('/desk/queue');
      await desk.page.waitForURL(/\/desk\/sign-in/);
    } finally {
      await desk.context.close();
    }
  });

  it('answers a chat from the queue by keyboard: accept, text, Enter; typing both ways; a colleague sees it leave the queue; close', async () => {
    const [desk, colleague] = [await openDeskTab(team), await openDeskTab(team)];
    try {
      await signInToDesk(desk.page, team.alex);
      await signInToDesk(colleague.page, team.blair);
      await desk.page.getByText('Nobody is waiting').waitFor();
      await expectAccessible(desk.page, 'desk queue, empty');

      // a customer writes in; both agents see the chat arrive live
      const customer = await registerCustomer(team.api, 'Jordan Rivera');
      await desk.resetKeystrokes();
      const chatId = await startChat(team.api, customer, 'My parcel never arrived');
      await row(desk.page, 'Jordan Rivera').waitFor();
      await row(colleague.page, 'Jordan Rivera').waitFor();
      await desk.page.getByText(/waiting \d+ s/).first().waitFor();
      await expectAccessible(desk.page, 'desk queue, one waiting');
      await noHorizontalScroll(desk.page);
      expect(await desk.page.title()).toMatch(/^\(1\) /);

      const customerWs = wsClient(team.api.graphqlUrl.replace('http', 'ws'), (await fresh(customer)).token);
      const typingSeen = subscribe<{ typing: boolean; user: { displayName: string } }>(
        customerWs,
        'subscription($id: ID!) { typingChanged(chatId: $id) { typing user { displayName } } }',
        { id: chatId },
      );
      const messagesSeen = subscribe<{ body: string; kind: string }>(
        customerWs,
        'subscription($id: ID!) { messageAdded(chatId: $id, afterSeq: 1) { body kind } }',
        { id: chatId },
      );

      // accept by keyboard (the oldest waiting chat), then the reply and Enter
      const reply = 'Sorry about that! Let me check.';
      await desk.page.keyboard.press('a');
      await desk.page.waitForURL(new RegExp(`/desk/mine/${chatId}$`));
      await desk.page.locator('#desk-composer:focus').waitFor();
      // at a person's pace: past the notifier's refresh, so a subscription that started late still hears it
      await desk.page.keyboard.type(reply, { delay: 120 });
      // the customer sees the agent typing
      await until(() => typingSeen.values.some((e) => e.typing && e.user.displayName === 'Alex Morgan'));
      await desk.page.keyboard.press('Enter');
      await until(() => messagesSeen.values.some((m) => m.body === reply && m.kind === 'AGENT'));
      expect(await desk.keystrokes()).toBe(1 + reply.length + 1);

      // the colleague saw the chat leave the queue, live
      await row(colleague.page, 'Jordan Rivera').waitFor({ state: 'detached' });
      await colleague.page.getByText('Nobody is waiting').waitFor();

      await desk.page.locator('[data-testid="message"][data-state="sent"]', { hasText: reply }).waitFor();
      // the agent sees the customer typing, then the message
      await setTyping(team.api, await fresh(customer), chatId, true);
      await desk.page.getByText('Jordan Rivera is typing…').waitFor();
      await sendMessage(team.api, await fresh(customer), chatId, 'Thanks, order 1234');
      await desk.page.locator('[data-testid="message"]', { hasText: 'Thanks, order 1234' }).waitFor();
      await expectAccessible(desk.page, 'desk conversation');
      await noHorizontalScroll(desk.page);

      // Shift+Enter breaks the line; Enter sends both lines as one message
      await desk.page.keyboard.type('Found it.');
      await desk.page.keyboard.press('Shift+Enter');
      await desk.page.keyboard.type('It ships today.');
      await desk.page.keyboard.press('Enter');
      await desk.page.locator('[data-testid="message"][data-state="sent"]', { hasText: 'It ships today.' }).waitFor();
      expect((await allMessages(team.api, await fresh(team.alex), chatId)).some((m) => m.body === 'Found it.\nIt ships today.')).toBe(true);

      // the shortcuts sheet, then close the chat by keyboard
      await desk.page.keyboard.press('Escape');
      await desk.page.keyboard.press('?');
      await desk.page.getByRole('dialog').getByText('Keyboard shortcuts').waitFor();
      await expectAccessible(desk.page, 'desk shortcuts sheet');
      await desk.page.keyboard.press('Escape');
      await desk.page.getByRole('dialog').waitFor({ state: 'detached' });
      expect(await desk.page.evaluate(() => document.activeElement && document.activeElement !== document.body)).toBe(true);
      await desk.page.keyboard.press('x');
      await desk.page.getByTestId('chat-status').getByText('Closed').waitFor();
      const closed = await gqlOk(team.api.graphqlUrl, 'query($id: ID!) { chat(id: $id) { status } }', { id: chatId }, (await fresh(customer)).token);
      expect(closed['chat'].status).toBe('CLOSED');

      // the "all" view, filtered
      await desk.page.keyboard.press('3');
      await desk.page.waitForURL(/\/desk\/all$/);
      await row(desk.page, 'Jordan Rivera').waitFor();
      await expectAccessible(desk.page, 'desk all chats');
      await desk.page.getByLabel('Status').selectOption('ACTIVE');
      await row(desk.page, 'Jordan Rivera').waitFor({ state: 'detached' });

      // a renewal the server answered but the page never heard (it was reloaded meanwhile) leaves the session
      // standing: the reload renews with the same refresh token
      await loseOneRenewalAnswer(desk.page);
      const signInsBefore = desk.signIns();
      // every message stored once and shown once, in order
      await desk.page.goto(`/desk/all/${chatId}`);
      const stored = await allMessages(team.api, await fresh(team.alex), chatId);
      await desk.page.locator(`[data-testid="message"][data-seq="${stored[stored.length - 1].seq}"]`).waitFor();
      const shown = await desk.page.$$eval('[data-testid="message"][data-seq]', (els) => els.map((el) => Number(el.getAttribute('data-seq'))));
      expect(shown).toEqual(stored.map((m) => m.seq));
      expect(desk.signIns()).toBe(signInsBefore);
      await customerWs.dispose();
    } finally {
      await desk.context.close();
      await colleague.context.close();
    }
  });

  it('opens a long chat at the newest message, loads older pages scrolling back, and counts unread messages of other chats, and keeps each open chat’s draft and scroll position', async () => {
    const customer = await registerCustomer(team.api, 'Avery Long');
    const chatId = await startChat(team.api, customer, 'Message 1');
    const agent = await fresh(team.alex);
    await gqlOk(team.api.graphqlUrl, 'mutation($id: ID!) { acceptChat(chatId: $id) { id } }', { id: chatId }, agent.token);
    let who = await fresh(customer);
    for (let i = 2; i <= 130; i++) {
      if (i % 40 === 0) who = await fresh(customer);
      await sendMessage(team.api, who, chatId, `Message ${i}`);
    }
    const other = await registerCustomer(team.api, 'Riley Other');
    const otherChat = await startChat(team.api, other, 'Another question');
    await gqlOk(team.api.graphqlUrl, 'mutation($id: ID!) { acceptChat(chatId: $id) { id } }', { id: otherChat }, (await fresh(team.alex)).token);

    const desk = await openDeskTab(team);
    try {
      await signInToDesk(desk.page, team.alex);
      await desk.page.goto(`/desk/mine/${chatId}`);
      await desk.page.locator('[data-testid="message"]', { hasText: 'Message 130' }).waitFor();
      // only a window of the history is in the page
      expect(await desk.page.locator('[data-testid="message"]').count()).toBeLessThan(60);
      expect(await desk.page.locator('[data-testid="message"][data-seq="1"]').count()).toBe(0);
      // scrolling back loads the older pages until the first message
      // (by time, not by tries: on a busy machine a page takes longer to come)
      // (an older page keeps the message read in place when it lands, so scroll up until the first one stays in view)
      for (const end = Date.now() + 60_000; Date.now() < end && !(await desk.page.locator('[data-testid="message"][data-seq="1"]').isVisible()); ) {
        await desk.page.locator('cdk-virtual-scroll-viewport.messages').evaluate((el) => el.scrollTo({ top: 0 }));
        await desk.page.waitForTimeout(250);
      }
      await desk.page.locator('[data-testid="message"][data-seq="1"]').waitFor();

      // a message in another of my chats: counted on its row, in "Mine" and in the tab title
      await sendMessage(team.api, await fresh(other), otherChat, 'Hello? Anyone?');
      await row(desk.page, 'Riley Other').locator('.unread').getByText('1').waitFor();
      await desk.page.getByTestId('count-mine').getByText('1').waitFor();
      await desk.page.waitForFunction(() => document.title.startsWith('(1) '));
      // opening it reads it
      await row(desk.page, 'Riley Other').click();
      await desk.page.locator('[data-testid="message"]', { hasText: 'Hello? Anyone?' }).waitFor();
      await row(desk.page, 'Riley Other').locator('.unread').waitFor({ state: 'detached' });
      await desk.page.waitForFunction(() => !document.title.startsWith('('));
      await noHorizontalScroll(desk.page);

      // each open chat keeps its draft and its scroll position: half a reply here, back to the long chat (scrolled
      // to its start), and back again with "["
      await desk.page.locator('#desk-composer').fill('Half-written answer');
      await desk.page.locator('#desk-composer').press('Escape');
      await row(desk.page, 'Avery Long').click();
      await desk.page.waitForURL(new RegExp(`/desk/mine/${chatId}$`));
      await desk.page.locator('[data-testid="message"][data-seq="1"]').waitFor();
      expect(await desk.page.locator('#desk-composer').inputValue()).toBe('');
      await desk.page.locator('[data-testid="message"][data-seq="1"]').click();
      await desk.page.keyboard.press('[');
      await desk.page.waitForURL(new RegExp(`/desk/mine/${otherChat}$`));
      // the address changes before the chat is drawn: wait for its messages, then read its composer
      await desk.page.locator('[data-testid="message"]', { hasText: 'Hello? Anyone?' }).waitFor();
      expect(await desk.page.locator('#desk-composer').inputValue()).toBe('Half-written answer');
      await desk.page.locator('[data-testid="message"]', { hasText: 'Hello? Anyone?' }).click();
      await desk.page.keyboard.press(']');
      await desk.page.waitForURL(new RegExp(`/desk/mine/${chatId}$`));
      await desk.page.locator('[data-testid="message"][data-seq="1"]').waitFor();
    } finally {
      await desk.context.close();
    }
  });

  it('asks for notifications only when the agent turns them on, and makes one of a burst, none for the chat on screen', async () => {
    const desk = await openDeskTab(team);
    // headless Chromium shows no notifications: record what the desk asks the browser for
    await desk.context.addInitScript(() => {
      const w = window as unknown as { __asked: number; __shown: Array<{ title: string; body: string }> };
      w.__asked = 0;
      w.__shown = [];
      let permission = 'default';
      class RecordingNotification {
        static get permission() {
          return permission;
        }
        static async requestPermission() {
          w.__asked++;
          permission = 'granted';
          return permission;
        }
        onclick: (() => void) | null = null;
        constructor(title: string, options?: { body?: string }) {
          w.__shown.push({ title, body: options?.body ?? '' });
        }
        close() {
          // nothing shown, nothing to close
        }
      }
      (window as unknown as { Notification: unknown }).Notification = RecordingNotification;
    });
    const recorded = () =>
      desk.page.evaluate(() => {
        const w = window as unknown as { __asked: number; __shown: Array<{ title: string; body: string }> };
        return { __asked: w.__asked, __shown: w.__shown };
      });
    try {
      const customer = await registerCustomer(team.api, 'Drew Burst');
      const chatId = await startChat(team.api, customer, 'First question');
      await gqlOk(team.api.graphqlUrl, 'mutation($id: ID!) { acceptChat(chatId: $id) { id } }', { id: chatId }, (await fresh(team.blair)).token);
      const shown = await registerCustomer(team.api, 'Sage Shown');
      const shownChat = await startChat(team.api, shown, 'On screen');
      await gqlOk(team.api.graphqlUrl, 'mutation($id: ID!) { acceptChat(chatId: $id) { id } }', { id: shownChat }, (await fresh(team.blair)).token);

      await signInToDesk(desk.page, team.blair);
      await desk.page.goto(`/desk/mine/${shownChat}`);
      await desk.page.locator('[data-testid="message"]', { hasText: 'On screen' }).waitFor();
      expect((await recorded()).__asked).toBe(0);
      await desk.page.getByRole('button', { name: 'Turn on notifications' }).click();
      await desk.page.getByRole('button', { name: 'Turn on notifications' }).waitFor({ state: 'detached' });
      expect((await recorded()).__asked).toBe(1);

      // a burst in another chat: one notification
      const who = await fresh(customer);
      for (const text of ['Are you there?', 'It is urgent', 'Order 42']) await sendMessage(team.api, who, chatId, text);
      await desk.page.waitForFunction(() => (window as unknown as { __shown: unknown[] }).__shown.length > 0);
      await desk.page.waitForTimeout(2_500);
      expect((await recorded()).__shown).toEqual([{ title: 'Drew Burst', body: 'Are you there?\nIt is urgent\nOrder 42' }]);
      // the chat on screen: nothing
      await sendMessage(team.api, await fresh(shown), shownChat, 'Seen already');
      await desk.page.locator('[data-testid="message"]', { hasText: 'Seen already' }).waitFor();
      await desk.page.waitForTimeout(2_500);
      expect((await recorded()).__shown).toHaveLength(1);
      // a new page load does not ask again
      await desk.page.reload();
      await desk.page.locator('#desk-composer').waitFor();
      await desk.page.getByRole('button', { name: 'Turn on notifications' }).waitFor();
      expect((await recorded()).__asked).toBe(0);
    } finally {
      await desk.context.close();
    }
  });

  it("gives the team its tools: availability, a private note the customer never sees, a canned reply found with /, seen marks, labels, and a transfer into a colleague's Mine", async () => {
    const admin = await loginAdmin(team.api);
    const canned = 'Your refund is on its way: 3 to 5 working days.';
    await gqlOk(team.api.graphqlUrl, 'mutation($s: String!, $b: String!) { createCannedReply(shortcut: $s, body: $b) { id } }', { s: 'refund', b: canned }, admin.token);
    const customer = await registerCustomer(team.api, 'Taylor Team');
    const chatId = await startChat(team.api, customer, 'I want my money back');
    await gqlOk(team.api.graphqlUrl, 'mutation($id: ID!) { acceptChat(chatId: $id) { id } }', { id: chatId }, (await fresh(team.alex)).token);
    // what the customer can read, as the customer (tokens expire fast here: a fresh sign-in each time)
    const customerReads = async () => allMessages(team.api, await fresh(customer), chatId);
    const [desk, colleague] = [await openDeskTab(team), await openDeskTab(team)];
    const availabilityOf = async (who: Person) => {
      const data = await gqlOk(team.api.graphqlUrl, '{ agents { id availability } }', {}, (await fresh(team.alex)).token);
      return (data['agents'] as Array<{ id: string; availability: string }>).find((a) => a.id === who.id)?.availability;
    };
    try {
      await signInToDesk(desk.page, team.alex);
      await signInToDesk(colleague.page, team.blair);
      // availability in the header
      await desk.page.getByLabel('Availability').selectOption('ONLINE');
      for (let i = 0; i < 100 && (await availabilityOf(team.alex)) !== 'ONLINE'; i++) await desk.page.waitForTimeout(100);
      expect(await availabilityOf(team.alex)).toBe('ONLINE');

      await desk.page.goto(`/desk/mine/${chatId}`);
      await desk.page.locator('#desk-composer').focus();
      // a private note, by keyboard
      await desk.page.keyboard.press('Escape');
      await desk.page.keyboard.press('p');
      await desk.page.locator('.composer--note #desk-composer:focus').waitFor();
      const note = 'VIP customer: refund approved by finance';
      await desk.page.keyboard.type(note);
      await desk.page.keyboard.press('Enter');
      await desk.page.locator('[data-testid="note"]', { hasText: note }).waitFor();
      await expectAccessible(desk.page, 'desk conversation with a private note');

      // a canned reply: "/" and a few letters, Enter picks it, Enter sends it
      await desk.page.keyboard.press('Escape');
      await desk.page.keyboard.press('r');
      await desk.page.locator('#desk-composer:focus').waitFor();
      await desk.page.keyboard.type('/ref');
      await desk.page.getByRole('option', { name: /\/refund/ }).waitFor();
      await expectAccessible(desk.page, 'desk canned replies');
      await desk.page.keyboard.press('Enter');
      expect(await desk.page.locator('#desk-composer').inputValue()).toBe(canned);
      await desk.page.keyboard.press('Enter');
      await desk.page.locator('[data-testid="message"][data-state="sent"]', { hasText: canned }).waitFor();
      expect((await customerReads()).some((m) => m.body === canned && m.kind === 'AGENT')).toBe(true);

      // the customer reads it: "Seen"
      const stored = await allMessages(team.api, await fresh(team.alex), chatId);
      await gqlOk(team.api.graphqlUrl, 'mutation($id: ID!, $seq: Int!) { markChatRead(chatId: $id, seq: $seq) { id } }', { id: chatId, seq: stored[stored.length - 1].seq }, (await fresh(customer)).token);
      await desk.page.locator('[data-testid="message"]', { hasText: canned }).getByTestId('seen').waitFor();

      // the agent's read mark is the server's too
      let agentReadSeq = 0;
      for (let i = 0; i < 50 && agentReadSeq < 1; i++) {
        const marks = await gqlOk(team.api.graphqlUrl, 'query($id: ID!) { chat(id: $id) { agentReadSeq } }', { id: chatId }, (await fresh(team.alex)).token);
        agentReadSeq = marks['chat'].agentReadSeq as number;
        if (agentReadSeq < 1) await desk.page.waitForTimeout(100);
      }
      expect(agentReadSeq).toBeGreaterThanOrEqual(1);

      // labels
      await desk.page.keyboard.press('Escape');
      await desk.page.keyboard.press('l');
      await desk.page.locator('#desk-labels:focus').waitFor();
      await desk.page.keyboard.type('vip, refund');
      await desk.page.keyboard.press('Enter');
      for (let i = 0; i < 100; i++) {
        const data = await gqlOk(team.api.graphqlUrl, 'query($id: ID!) { chat(id: $id) { labels } }', { id: chatId }, (await fresh(team.alex)).token);
        if ((data['chat'].labels as string[]).length === 2) break;
        await desk.page.waitForTimeout(100);
      }
      const labelled = await gqlOk(team.api.graphqlUrl, 'query($id: ID!) { chat(id: $id) { labels } }', { id: chatId }, (await fresh(team.alex)).token);
      expect((labelled['chat'].labels as string[]).map((l) => l.toLowerCase()).sort()).toEqual(['refund', 'vip']);

      // transfer to Blair, by keyboard: the chat lands in Blair's "Mine"
      await desk.page.locator('#conversation-heading').focus();
      await desk.page.keyboard.press('t');
      await desk.page.getByRole('dialog').getByText('Transfer the chat to').waitFor();
      await expectAccessible(desk.page, 'desk transfer dialog');
      await desk.page.getByRole('dialog').getByRole('button', { name: /Blair Chen/ }).focus();
      await desk.page.keyboard.press('Enter');
      await desk.page.getByTestId('chat-status').getByText('Active with Blair Chen').waitFor();
      await colleague.page.keyboard.press('2');
      await colleague.page.waitForURL(/\/desk\/mine$/);
      await row(colleague.page, 'Taylor Team').click();
      await colleague.page.getByTestId('assignment-reason').getByText(/transfer/i).waitFor();
      // the team sees the note; the customer never did, in any form
      await colleague.page.locator('[data-testid="note"]', { hasText: note }).waitFor();
      expect((await customerReads()).some((m) => m.body.includes(note))).toBe(false);
      const asCustomer = await gqlOk(team.api.graphqlUrl, 'query($id: ID!) { chat(id: $id) { notes { body } labels assignmentReason } }', { id: chatId }, (await fresh(customer)).token);
      expect(asCustomer['chat']).toEqual({ notes: null, labels: [], assignmentReason: null });

      // signing out sets the agent OFFLINE
      await desk.page.getByRole('button', { name: 'Sign out' }).click();
      await desk.page.waitForURL(/\/desk\/sign-in/);
      expect(await availabilityOf(team.alex)).toBe('OFFLINE');
    } finally {
      await desk.context.close();
      await colleague.context.close();
    }
  });

  it('gives admins their screen: create an agent, set a capacity, deactivate, add a canned reply, and routing', async () => {
    const desk = await openDeskTab(team);
    const admin = await loginAdmin(team.api);
    try {
      await signInToDesk(desk.page, { email: admin.email, password: admin.password });
      await desk.page.getByRole('link', { name: 'Admin' }).click();
      await desk.page.getByRole('heading', { name: 'Team administration' }).waitFor();
      await desk.page.locator('tr[data-agent="Blair Chen"]').waitFor();
      await expectAccessible(desk.page, 'desk admin');
      await noHorizontalScroll(desk.page);

      await desk.page.getByLabel('Name', { exact: true }).fill('Sam Temp');
      await desk.page.getByLabel('Email', { exact: true }).fill(`sam.${Date.now()}@example.com`);
      await desk.page.getByLabel('Password', { exact: true }).fill('a long and unusual passphrase 42');
      await desk.page.getByRole('button', { name: 'Create' }).click();
      await desk.page.locator('tr[data-agent="Sam Temp"]').waitFor();

      await desk.page.getByLabel('Most open chats for Sam Temp').fill('3');
      await desk.page.getByLabel('Most open chats for Sam Temp').press('Enter');
      await desk.page.getByRole('button', { name: 'Deactivate Sam Temp' }).click();
      await desk.page.getByRole('button', { name: 'Reactivate Sam Temp' }).waitFor();
      const agents = await gqlOk(team.api.graphqlUrl, '{ agents { displayName maxChats active } }', {}, (await loginAdmin(team.api)).token);
      expect((agents['agents'] as Array<{ displayName: string }>).find((a) => a.displayName === 'Sam Temp')).toEqual({ displayName: 'Sam Temp', maxChats: 3, active: false });

      await desk.page.getByLabel('Shortcut').fill('/thanks');
      await desk.page.getByLabel('Text').fill('Thank you for your patience!');
      await desk.page.getByRole('button', { name: 'Add' }).click();
      await desk.page.getByText('/thanks', { exact: true }).waitFor();
      await expectAccessible(desk.page, 'desk admin, after changes');
      const settings = await gqlOk(team.api.graphqlUrl, '{ teamSettings { routing } }', {}, (await loginAdmin(team.api)).token);
      expect(await desk.page.getByLabel('New chats go').inputValue()).toBe(settings['teamSettings'].routing);
    } finally {
      await desk.context.close();
    }
  });

  it('stays signed in past the access-token lifetime, resumes after going offline without showing anything twice, and signs out', async () => {
    const desk = await openDeskTab(team);
    try {
      await signInToDesk(desk.page, team.blair);
      const customer = await registerCustomer(team.api, 'Morgan Quinn');
      const chatId = await startChat(team.api, customer, 'Where is my refund?');
      await row(desk.page, 'Morgan Quinn').click();
      await desk.page.getByRole('button', { name: 'Accept (a)' }).click();
      await desk.page.waitForURL(new RegExp(`/desk/mine/${chatId}$`));
      const signInsBefore = desk.signIns();

      // three access-token lifetimes later the desk is still signed in and live
      await desk.page.waitForTimeout(ACCESS_TOKEN_TTL_SECONDS * 3_000);
      await sendMessage(team.api, await fresh(customer), chatId, 'Any news?');
      await desk.page.locator('[data-testid="message"]', { hasText: 'Any news?' }).waitFor();
      await desk.page.locator('#desk-composer').fill('Refund sent this morning.');
      await desk.page.locator('#desk-composer').press('Enter');
      await desk.page.locator('[data-testid="message"][data-state="sent"]', { hasText: 'Refund sent this morning.' }).waitFor();
      expect(desk.signIns()).toBe(signInsBefore);

      // offline: a banner; messages sent meanwhile arrive once when the connection is back
      await desk.context.setOffline(true);
      await desk.page.getByText("You're offline").waitFor();
      await sendMessage(team.api, await fresh(customer), chatId, 'Sent while you were away');
      await desk.context.setOffline(false);
      await desk.page.locator('[data-testid="message"]', { hasText: 'Sent while you were away' }).waitFor({ timeout: 30_000 });
      await desk.page.getByText("You're offline").waitFor({ state: 'detached' });
      const seqs = await desk.page.$$eval('[data-testid="message"][data-seq]', (els) => els.map((el) => Number(el.getAttribute('data-seq'))));
      expect(new Set(seqs).size).toBe(seqs.length);
      await expectAccessible(desk.page, 'desk mine, after reconnecting');

      // sign-out ends the session on the server
      const refreshToken = await desk.page.evaluate(() => JSON.parse(sessionStorage.getItem('parley.desk.session') ?? '{}').refreshToken as string);
      await desk.page.getByRole('button', { name: 'Sign out' }).click();
      await desk.page.waitForURL(/\/desk\/sign-in/);
      expect(await desk.page.evaluate(() => sessionStorage.getItem('parley.desk.session'))).toBeNull();
      const renewed = await fetch(team.api.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($t: String!) { refreshToken(refreshToken: $t) { token } }', variables: { t: refreshToken } }),
      }).then((r) => r.json() as Promise<{ errors?: Array<{ extensions?: { code?: string } }> }>);
      expect(renewed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      await expectAccessible(desk.page, 'desk sign-in');
    } finally {
      await desk.context.close();
    }
  });
});

/** Lets the page's next session renewal reach the server, then drops the answer, as a page unloading meanwhile would. */
async function loseOneRenewalAnswer(page: Page): Promise<void> {
  let lost!: () => void;
  const done = new Promise<void>((resolve) => (lost = resolve));
  await page.route('**/graphql', async (route) => {
    if (!route.request().postData()?.includes('RefreshSession')) return route.fallback();
    await route.fetch();
    await route.abort('connectionreset');
    lost();
  });
  // renewals come at half the access token's lifetime
  await done;
  await page.unroute('**/graphql');
}

async function until(probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
