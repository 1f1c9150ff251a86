// The desk's admin screens in a real browser: reports drawn from chats seeded with known times, the
// knowledge-base editor with its preview, article feedback, business hours, and an agent kept out of all of them.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { errorCode, gql, gqlOk, registerCustomer } from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { openSignedInDesk, useDeskWithAgents } from './support/desk';
import { tabTo } from './support/keyboard';
import type { Credentials } from './support/sign-in';

jest.setTimeout(180_000);

const team = useDeskWithAgents({ agents: { agent: 'Alex Morgan' } });

type Kind = 'CUSTOMER' | 'AGENT' | 'SYSTEM';

/** A chat as it happened, written straight to the database (the report reads its messages' times). */
async function addChat(chat: { customerId: string; agentId?: string; createdAt: string; closedAt?: string; rating?: number; messages: Array<[Kind, string]> }) {
  const db = team.api.server.dataSource;
  const id = randomUUID();
  await db.query(
    `INSERT INTO chats (id, "customerId", status, "agentId", "botActive", "lastSeq", "createdAt", "updatedAt", "closedAt")
     VALUES ($1, $2, $3, $4, false, $5, $6, $6, $7)`,
    [id, chat.customerId, chat.closedAt ? 'CLOSED' : chat.agentId ? 'ACTIVE' : 'QUEUED', chat.agentId ?? null, chat.messages.length, chat.createdAt, chat.closedAt ?? null],
  );
  for (const [i, [kind, at]] of chat.messages.entries()) {
    const sender = kind === 'CUSTOMER' ? chat.customerId : kind === 'AGENT' ? chat.agentId : null;
    await db.query(`INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "createdAt") VALUES ($1, $2, $3, $4, $5, 'x', $6)`, [randomUUID(), id, i + 1, kind, sender, at]);
  }
  if (chat.rating) await db.query(`INSERT INTO chat_ratings ("chatId", rating) VALUES ($1, $2)`, [id, chat.rating]);
}

beforeAll(async () => {
  const customer = await registerCustomer(team.api, 'Casey Customer');
  const t = (day: string, time: string) => `2026-01-${day}T${time}Z`;
  // 5 January: answered after 120 s and 240 s (median 3 min), closed after 30 and 60 min (median 45), rated 5 and 3.
  await addChat({
    customerId: customer.id, agentId: team.agent.id, createdAt: t('05', '10:00:00'), closedAt: t('05', '10:30:00'), rating: 5,
    messages: [['CUSTOMER', t('05', '10:00:00')], ['SYSTEM', t('05', '10:01:00')], ['AGENT', t('05', '10:02:00')]],
  });
  await addChat({
    customerId: customer.id, agentId: team.agent.id, createdAt: t('05', '12:00:00'), closedAt: t('05', '13:00:00'), rating: 3,
    messages: [['CUSTOMER', t('05', '12:00:00')], ['SYSTEM', t('05', '12:00:30')], ['AGENT', t('05', '12:04:00')]],
  });
  // 6 January: one chat still waiting.
  await addChat({ customerId: customer.id, createdAt: t('06', '09:00:00'), messages: [['CUSTOMER', t('06', '09:00:00')]] });
});

/** A desk tab with `who` signed in. The report's days are the browser's: UTC here, so the seeded times fall on the days written above. */
const openDesk = (who: Credentials) => openSignedInDesk(team, who, { viewport: { width: 1280, height: 900 }, timezoneId: 'UTC', locale: 'en-US' });

/** Each row of a table as its cells' text. */
const cells = (page: Page, testId: string) =>
  page.locator(`[data-testid="${testId}"] tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim())));

describe('the desk admin screens', () => {
  it('reports: charts drawn, and tables with the figures of the seeded chats, by keyboard', async () => {
    const { context, page } = await openDesk(team.admin);
    try {
      await page.goto('/desk/admin/reports?from=2026-01-04&to=2026-01-07');
      await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
      for (const chart of ['chart-chats', 'chart-times', 'chart-ratings']) {
        await page.locator(`[data-testid="${chart}"][data-state="drawn"]`).waitFor();
        // something was painted on the canvas
        const painted = await page.locator(`[data-testid="${chart}"] canvas`).evaluate((c: HTMLCanvasElement) => {
          const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
          let ink = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]) ink++;
          return ink;
        });
        expect(painted).toBeGreaterThan(100);
      }
      await expect(page.locator('[data-testid="chart-chats"] canvas').getAttribute('aria-label')).resolves.toContain('3 created and 2 closed over 4 days');
      expect(await page.locator('[data-testid="report-totals"] dd').allTextContents()).toEqual(['3', '2', '3 min', '45 min', '4', '2']);

      // the tables, opened from the keyboard
      await tabTo(page, 'summary:has-text("Chats per day as a table")');
      await page.keyboard.press('Enter');
      expect(await cells(page, 'table-chats')).toEqual([
        ['Sunday, January 4, 2026', '0', '0'],
        ['Monday, January 5, 2026', '2', '2'],
        ['Tuesday, January 6, 2026', '1', '0'],
        ['Wednesday, January 7, 2026', '0', '0'],
      ]);
      await tabTo(page, 'summary:has-text("Response times as a table")');
      await page.keyboard.press('Enter');
      expect((await cells(page, 'table-times')).map((r) => r.slice(1))).toEqual([['—', '—'], ['3 min', '45 min'], ['—', '—'], ['—', '—']]);
      await tabTo(page, 'summary:has-text("Ratings as a table")');
      await page.keyboard.press('Enter');
      expect((await cells(page, 'table-ratings')).map((r) => r.slice(1))).toEqual([['—', '0'], ['4', '2'], ['—', '0'], ['—', '0']]);
      expect(await cells(page, 'table-agents')).toEqual([['Alex Morgan', '2', '3 min', '4']]);
      await expectAccessible(page, 'desk reports');

      // a reversed range is refused on the page, before any request
      await page.getByLabel('First day').fill('2026-01-09');
      await page.getByLabel('First day').press('Enter');
      await page.getByRole('alert').filter({ hasText: 'The last day must not come before the first.' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('articles: create and edit by keyboard with a live preview; feedback counts, sortable', async () => {
    const { context, page } = await openDesk(team.admin);
    try {
      await page.goto('/desk/admin/articles');
      await page.getByRole('heading', { name: 'Knowledge-base articles' }).waitFor();
      await tabTo(page, 'a:has-text("New article")');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'New article' }).waitFor();
      await tabTo(page, 'input[name="title"]');
      await page.keyboard.type('Changing a delivery address');
      await page.keyboard.press('Tab');
      await page.keyboard.type('shipping, Address');
      await page.keyboard.press('Tab');
      await page.keyboard.type('## Before it ships\n\nOpen **Orders** and choose *Change address*.\n\n<script>window.hacked = 1</script>\n\n- one\n- two');
      const preview = page.getByTestId('preview');
      await preview.getByRole('heading', { name: 'Before it ships' }).waitFor();
      // the preview follows the text a moment behind the last keystroke
      await preview.locator('li', { hasText: /^two$/ }).waitFor();
      expect(await preview.locator('strong').textContent()).toBe('Orders');
      expect(await preview.locator('li').allTextContents()).toEqual(['one', 'two']);
      expect(await preview.locator('script').count()).toBe(0);
      await expectAccessible(page, 'desk article editor');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/desk\/admin\/articles\/[0-9a-f-]{36}$/);
      await expect(page.getByTestId('editor-status').textContent()).resolves.toBe('Article created.');
      const id = page.url().split('/').at(-1) ?? '';

      // edit: the title, and the preview follows
      await page.getByRole('heading', { name: 'Edit article' }).waitFor();
      await page.getByLabel('Title').fill('Changing the delivery address');
      await page.getByLabel('Title').press('Enter');
      await page.getByTestId('editor-status').filter({ hasText: 'Saved.' }).waitFor();
      const stored = await gqlOk(team.api.graphqlUrl, 'query($id: ID!) { article(id: $id) { title tags body } }', { id });
      expect(stored['article']).toMatchObject({ title: 'Changing the delivery address', tags: ['shipping', 'address'] });
      expect(stored['article'].body).toContain('## Before it ships');

      await page.goto('/desk/admin/articles');
      await page.locator('tr[data-article="Changing the delivery address"]').waitFor();
      await expectAccessible(page, 'desk articles');

      // two readers found it helpful, one did not; another article has one "no"
      const rate = (articleId: string, helpful: boolean, n: number) =>
        gqlOk(team.api.graphqlUrl, 'mutation($id: ID!, $h: Boolean!, $b: String) { rateArticle(articleId: $id, helpful: $h, browserToken: $b) }', { id: articleId, h: helpful, b: `e2e-browser-${n}-aaaaaaaa` });
      const other = (await gqlOk(team.api.graphqlUrl, 'mutation { createArticle(input: { title: "Opening hours", body: "Nine to five." }) { id } }', {}, team.admin.token))['createArticle'].id;
      await rate(id, true, 1);
      await rate(id, true, 2);
      await rate(id, false, 3);
      await rate(other, false, 4);
      await rate(other, false, 5);

      await page.goto('/desk/admin/feedback');
      await page.getByRole('heading', { name: 'Article feedback' }).waitFor();
      await page.locator('[data-testid="feedback"] tbody tr').nth(1).waitFor();
      expect(await cells(page, 'feedback')).toEqual([
        ['Changing the delivery address', '2', '1', '67%'],
        ['Opening hours', '0', '2', '0%'],
      ]);
      await tabTo(page, 'button.sort:has-text("Not helpful")');
      await page.keyboard.press('Enter');
      await page.locator('th[aria-sort="descending"]', { hasText: 'Not helpful' }).waitFor();
      await page.locator('[data-testid="feedback"] tbody tr').first().filter({ hasText: 'Opening hours' }).waitFor();
      await expectAccessible(page, 'desk article feedback');
    } finally {
      await context.close();
    }
  });

  it('business hours: a time zone and hours per day set by keyboard, checked on the page, saved for the API', async () => {
    const HOURS = '{ teamSettings { businessHours { timeZone weekly { day openMinute closeMinute } } } }';
    const { context, page } = await openDesk(team.admin);
    try {
      await page.goto('/desk/admin/hours');
      await page.getByRole('heading', { name: 'Business hours', level: 1 }).waitFor();
      await page.getByRole('group', { name: 'Monday' }).getByText('Closed').waitFor();
      await expectAccessible(page, 'desk business hours');

      // The time zone, from the browser's list, by typing its name on the focused list.
      await tabTo(page, 'select[name="timeZone"]');
      await page.keyboard.type('Asia/Tokyo');
      await expect(page.locator('select[name="timeZone"]').inputValue()).resolves.toBe('Asia/Tokyo');

      // Monday 08:30 to 17:00: a new span starts at 9 to 5 with its opening time focused.
      await tabTo(page, '#add-1');
      await page.keyboard.press('Enter');
      const monday = page.getByRole('group', { name: 'Monday' });
      await expect(monday.getByLabel('Opens').evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await page.keyboard.type('0830AM');
      await expect(monday.getByLabel('Opens').inputValue()).resolves.toBe('08:30');
      await expect(monday.getByLabel('Closes').inputValue()).resolves.toBe('17:00');

      // Tuesday closing before it opens: refused on the page, the faulty row focused and described.
      // (Tab steps through a time field's hour, minute and AM/PM first: tabTo goes on to the next field.)
      const tuesdayCloses = 'fieldset[data-day="2"] label:nth-of-type(2) input';
      await tabTo(page, '#add-2');
      await page.keyboard.press('Enter');
      await tabTo(page, tuesdayCloses);
      await page.keyboard.type('0800AM');
      await tabTo(page, 'button[type="submit"]');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'Some hours need a fix' }).waitFor();
      const tuesday = page.getByRole('group', { name: 'Tuesday' });
      await expect(tuesday.getByLabel('Opens').evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await expect(tuesday.getByLabel('Opens').getAttribute('aria-invalid')).resolves.toBe('true');
      await tuesday.getByText('These hours must close after they open.').waitFor();
      await expectAccessible(page, 'desk business hours with a problem');
      await tabTo(page, tuesdayCloses);
      await page.keyboard.type('0600PM');
      await tabTo(page, 'button[type="submit"]');
      await page.keyboard.press('Enter');
      await page.getByTestId('hours-status').filter({ hasText: 'Business hours saved.' }).waitFor();
      expect((await gqlOk(team.api.graphqlUrl, HOURS, {}, team.agent.token))['teamSettings'].businessHours).toEqual({
        timeZone: 'Asia/Tokyo',
        weekly: [{ day: 1, openMinute: 510, closeMinute: 1020 }, { day: 2, openMinute: 540, closeMinute: 1080 }],
      });
      expect(await page.getByRole('alert').count()).toBe(0);

      // Tuesday's hours removed: focus goes to that day's "Add hours".
      await tabTo(page, 'fieldset[data-day="2"] button:has-text("Remove")');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'add-2');
      await tuesday.getByText('Closed').waitFor();
      await tabTo(page, 'button[type="submit"]');
      await page.keyboard.press('Enter');
      await page.getByTestId('hours-status').filter({ hasText: 'Business hours saved.' }).waitFor();
      expect((await gqlOk(team.api.graphqlUrl, HOURS, {}, team.admin.token))['teamSettings'].businessHours.weekly).toEqual([{ day: 1, openMinute: 510, closeMinute: 1020 }]);

      // Shown again as saved.
      await page.reload();
      await expect(page.getByRole('group', { name: 'Monday' }).getByLabel('Opens').inputValue()).resolves.toBe('08:30');
      await expect(page.locator('select[name="timeZone"]').inputValue()).resolves.toBe('Asia/Tokyo');
    } finally {
      await context.close();
      await gqlOk(team.api.graphqlUrl, 'mutation { updateBusinessHours(input: { timeZone: "UTC", weekly: [] }) { routing } }', {}, team.admin.token);
    }
  });

  it('keeps agents out: no admin screen in the desk, FORBIDDEN from the API', async () => {
    const { context, page } = await openDesk(team.agent);
    try {
      for (const path of ['/desk/admin/reports', '/desk/admin/articles', '/desk/admin/articles/new', '/desk/admin/feedback', '/desk/admin/hours']) {
        await page.goto(path);
        await page.waitForURL(/\/desk\/queue$/);
      }
      expect(await page.getByRole('navigation', { name: 'Administration' }).count()).toBe(0);
      const range = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
      expect(errorCode(await gql(team.api.graphqlUrl, 'query($from: DateTimeISO!, $to: DateTimeISO!) { teamReport(from: $from, to: $to) { chatsCreated } }', range, team.agent.token))).toBe('FORBIDDEN');
      expect(errorCode(await gql(team.api.graphqlUrl, '{ articles { totalCount } }', {}, team.agent.token))).toBe('FORBIDDEN');
      expect(errorCode(await gql(team.api.graphqlUrl, 'mutation { updateBusinessHours(input: { timeZone: "UTC", weekly: [] }) { routing } }', {}, team.agent.token))).toBe('FORBIDDEN');
    } finally {
      await context.close();
    }
  });
});
