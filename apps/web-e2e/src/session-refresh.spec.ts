import type { BrowserContext, Page } from 'playwright-core';
import { acceptChat, errorCode, gql, login, registerCustomer, sendMessage, startChat, type Person } from '@parley/api/testing';
import { allMessages } from './support/agent-api';
import { fillSignIn as signIn } from './support/sign-in';
import { openSiteTab, useSiteWithAgent } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(120_000);

// Short-lived access tokens, so that a test sees several of them expire.
const ACCESS_TOKEN_TTL_SECONDS = 5;

const site = useSiteWithAgent(() => ({ accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS }));

/** The agent's tool signs in again before each action: its tokens expire as fast as the customer's. */
const agent = () => login(site.api, site.agent.email, site.agent.password);

interface TabSession {
  token: string;
  expiresAt: string;
  refreshToken: string;
}

interface Tab {
  context: BrowserContext;
  page: Page;
  /** Every URL the tab showed, in-app navigations included. */
  urls: string[];
  /** How many RefreshSession requests the tab sent. */
  refreshes(): number;
  /** How many WebSockets the tab opened. */
  sockets(): Promise<number>;
  session(): Promise<TabSession | null>;
}

async function openTab(): Promise<Tab> {
  const { context, page } = await openSiteTab(site);
  // before the page's first navigation
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const counter = window as unknown as { __parleySocketCount: number };
    counter.__parleySocketCount = 0;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        counter.__parleySocketCount++;
      }
    };
  });
  const urls: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  let refreshes = 0;
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && request.postData()?.includes('"operationName":"RefreshSession"')) refreshes++;
  });
  return {
    context,
    page,
    urls,
    refreshes: () => refreshes,
    sockets: () => page.evaluate(() => (window as unknown as { __parleySocketCount: number }).__parleySocketCount),
    session: () => page.evaluate(() => JSON.parse(localStorage.getItem('parley.site.session') ?? 'null')),
  };
}

async function waitForBubble(page: Page, body: string, state: 'any' | 'sent' = 'any', timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    ([text, selector]) => Array.from(document.querySelectorAll(selector)).some((el) => el.textContent?.trim() === text),
    [body, state === 'sent' ? 'li.message[data-state="sent"] .bubble' : 'li.message .bubble'] as const,
    { timeout },
  );
}

/** Waits until the tab holds an access token other than `token` (it refreshed). */
async function waitForNewToken(tab: Tab, token: string): Promise<TabSession> {
  await tab.page.waitForFunction(
    (old) => {
      const raw = localStorage.getItem('parley.site.session');
      return raw !== null && JSON.parse(raw).token !== old;
    },
    token,
    { timeout: ACCESS_TOKEN_TTL_SECONDS * 3_000 },
  );
  const session = await tab.session();
  if (!session) throw new Error('the tab lost its session');
  return session;
}

async function openConversation(tab: Tab, customer: Person, chatId: string, firstMessage: string): Promise<void> {
  await tab.page.goto(`/chats/${chatId}`);
  await tab.page.waitForURL(/\/sign-in/);
  await signIn(tab.page, customer);
  await tab.page.waitForURL(new RegExp(`/chats/${chatId}$`));
  await waitForBubble(tab.page, firstMessage);
}

/** The URLs the tab showed after `from`: none of them may be sign-in. */
const signInsAfter = (tab: Tab, from: number) => tab.urls.slice(from).filter((u) => new URL(u).pathname.startsWith('/sign-in'));

describe('a customer session with short-lived access tokens', () => {
  it('keeps chatting live across several token expiries without going back to sign-in', async () => {
    const customer = await registerCustomer(site.api, 'Sam Lee');
    const chatId = await startChat(site.api, customer, 'Is my order on its way?');
    await acceptChat(site.api, await agent(), chatId);
    const tab = await openTab();
    try {
      await openConversation(tab, customer, chatId, 'Is my order on its way?');
      expect(tab.urls.some((u) => new URL(u).pathname === '/sign-in')).toBe(true); // navigations are recorded
      const signedInAt = tab.urls.length;
      let session = await tab.session();
      if (!session) throw new Error('not signed in');
      const socketsAtStart = await tab.sockets();

      const rounds = 4;
      for (let round = 1; round <= rounds; round++) {
        // the tab refreshes its access token before it expires; when the old one expires the
        // server closes the socket opened with it, and the tab opens a new one with the new token
        const sockets = await tab.sockets();
        session = await waitForNewToken(tab, session.token);
        await tab.page.waitForFunction(
          (before) => (window as unknown as { __parleySocketCount: number }).__parleySocketCount > before,
          sockets,
          { timeout: ACCESS_TOKEN_TTL_SECONDS * 3_000 },
        );

        const reply = `Agent update ${round}: still on its way`;
        await sendMessage(site.api, await agent(), chatId, reply);
        await waitForBubble(tab.page, reply);

        const answer = `Customer answer ${round}`;
        const composer = tab.page.getByLabel('Your message');
        await composer.fill(answer);
        await composer.press('Enter');
        await waitForBubble(tab.page, answer, 'sent');
      }

      expect(signInsAfter(tab, signedInAt)).toEqual([]);
      expect(new URL(tab.page.url()).pathname).toBe(`/chats/${chatId}`);
      expect(tab.refreshes()).toBeGreaterThanOrEqual(rounds);
      // the server closed each expired socket; the tab opened a new one with a fresh token
      expect((await tab.sockets()) - socketsAtStart).toBeGreaterThanOrEqual(rounds);

      // everything the customer sent was stored once, and everything stored is on screen once, in order
      const stored = await allMessages(site.api, await agent(), chatId);
      for (let round = 1; round <= rounds; round++) {
        expect(stored.filter((m) => m.body === `Customer answer ${round}`)).toHaveLength(1);
      }
      const shown = await tab.page.$$eval('li[data-seq]', (els) => els.map((el) => Number(el.getAttribute('data-seq'))));
      expect(shown).toEqual(stored.map((m) => m.seq));
    } finally {
      await tab.context.close();
    }
  });

  it('signing out in one browser ends that session on the server; another browser keeps its own', async () => {
    const customer = await registerCustomer(site.api, 'Robin Patel');
    const chatId = await startChat(site.api, customer, 'Can I change my delivery address?');
    await acceptChat(site.api, await agent(), chatId);
    const [leaving, staying] = [await openTab(), await openTab()];
    try {
      await openConversation(leaving, customer, chatId, 'Can I change my delivery address?');
      await openConversation(staying, customer, chatId, 'Can I change my delivery address?');
      const stayingSince = staying.urls.length;
      const stayingSockets = await staying.sockets();

      const before = await leaving.session();
      if (!before) throw new Error('not signed in');
      const loggedOut = leaving.page.waitForResponse(
        (response) => response.url().endsWith('/graphql') && (response.request().postData() ?? '').includes('"operationName":"Logout"'),
      );
      await leaving.page.getByRole('button', { name: 'Sign out' }).click();
      await leaving.page.waitForURL(/\/sign-in$/);
      expect((await loggedOut).ok()).toBe(true);
      expect(await leaving.page.evaluate(() => [...Object.keys(sessionStorage), ...Object.keys(localStorage)].filter((k) => k.startsWith('parley.') && k !== 'parley.help.browser'))).toEqual([]);

      // the API refuses the signed-out session's tokens
      const chats = await gql(site.api.graphqlUrl, '{ chats { edges { node { id } } } }', {}, before.token);
      expect(errorCode(chats)).toBe('UNAUTHENTICATED');
      const refreshed = await gql(site.api.graphqlUrl, 'mutation($t: String!) { refreshToken(refreshToken: $t) { token } }', { t: before.refreshToken });
      expect(errorCode(refreshed)).toBe('UNAUTHENTICATED');

      // the server closed the user's other sockets too: the other tab renews its own token, reconnects and stays live
      await staying.page.waitForFunction(
        (before) => (window as unknown as { __parleySocketCount: number }).__parleySocketCount > before,
        stayingSockets,
        { timeout: 10_000 },
      );
      const reply = 'Yes, I have updated the address for you.';
      await sendMessage(site.api, await agent(), chatId, reply);
      await waitForBubble(staying.page, reply);
      expect(signInsAfter(staying, stayingSince)).toEqual([]);
      expect(await staying.session()).not.toBeNull();
    } finally {
      await leaving.context.close();
      await staying.context.close();
    }
  });
});
