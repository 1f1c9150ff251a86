// A long conversation in the desk, in a real browser: it opens at the newest message, and scrolling back
// loads the older pages, every message once and in order, with the message being read kept in place.
// Behaviour only: how fast it does so is measured by `npm run bench -- --scenarios desk-screen`.
import type { Page } from 'playwright-core';
import { gqlOk, registerCustomer, startChat } from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { openSignedInDesk, useDeskWithAgents } from './support/desk';

jest.setTimeout(240_000);

const MESSAGES = 2000;

const team = useDeskWithAgents({ agents: { agent: 'Alex Morgan' } });
let chatId: string;

beforeAll(async () => {
  const { api, agent } = team;
  const customer = await registerCustomer(api, 'Avery Longtime');
  chatId = await startChat(api, customer, 'Message 1');
  await gqlOk(api.graphqlUrl, 'mutation($id: ID!) { acceptChat(chatId: $id) { id } }', { id: chatId }, agent.token);
  // the rest of a long history, written as the API writes messages: customer and agent in turn, dense seqs,
  // bodies of one to a few lines (rows of different heights)
  const db = api.server.dataSource;
  const [{ lastSeq }] = await db.query(`SELECT "lastSeq" FROM chats WHERE id = $1`, [chatId]);
  await db.query(
    `INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "createdAt")
     SELECT gen_random_uuid(), $1, g,
            (CASE WHEN g % 2 = 0 THEN 'AGENT' ELSE 'CUSTOMER' END)::message_kind,
            CASE WHEN g % 2 = 0 THEN $3::uuid ELSE $2::uuid END,
            'Message ' || g || repeat(' with a few more words', (g % 5) * 3),
            now() + g * interval '1 second'
     FROM generate_series($4::int + 1, $5::int) g`,
    [chatId, customer.id, agent.id, lastSeq, MESSAGES],
  );
  await db.query(`UPDATE chats SET "lastSeq" = $2 WHERE id = $1`, [chatId, MESSAGES]);
});

const LIST = 'cdk-virtual-scroll-viewport.messages';

/** The seqs of the message rows in the page, in page order. */
const renderedSeqs = (page: Page) => page.$$eval(`${LIST} [data-testid="message"][data-seq]`, (els) => els.map((el) => Number(el.getAttribute('data-seq'))));

/** Where the row of `seq` is on screen now (rounded), or null when it is not rendered. */
const rowTop = (page: Page, seq: number) =>
  page.locator(LIST).evaluate((list, wanted) => {
    const row = list.querySelector<HTMLElement>(`[data-seq="${wanted}"]`);
    return row ? Math.round(row.getBoundingClientRect().top) : null;
  }, seq);

/** Waits until no older page is on its way and two frames have been drawn since. */
async function settle(page: Page): Promise<void> {
  for (let quiet = 0; quiet < 3; ) {
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    quiet = (await page.locator('.older').count()) ? 0 : quiet + 1;
    if (!quiet) await page.waitForTimeout(50);
  }
}

function expectConsecutive(seqs: number[]): void {
  expect(seqs.length).toBeGreaterThan(0);
  expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
}

describe('a long chat in the desk', () => {
  it('opens at the newest message, and scrolling back shows every older message once, in order, the one being read kept in place', async () => {
    const { context, page } = await openSignedInDesk(team, team.agent);
    try {
      await page.goto(`/desk/mine/${chatId}`);

      // the newest message, at the bottom of the list
      const newest = page.locator(`${LIST} [data-seq="${MESSAGES}"]`);
      await newest.waitFor();
      await settle(page);
      const [list, last] = await Promise.all([page.locator(LIST).boundingBox(), newest.boundingBox()]);
      expect(last!.y + last!.height).toBeLessThanOrEqual(list!.y + list!.height + 1);
      expect(last!.y + last!.height).toBeGreaterThan(list!.y + list!.height - 40);
      // a window of the newest messages, not the history
      const first = await renderedSeqs(page);
      expectConsecutive(first);
      expect(first.length).toBeLessThan(60);
      expect(first[first.length - 1]).toBe(MESSAGES);
      await expectAccessible(page, 'desk long conversation');

      // scroll back two screens at a time (less than the rows kept rendered): each step's rows follow on from the last step's
      const seen = new Set(first);
      let previous = first;
      let steps = 0;
      let read = 0;
      for (const end = Date.now() + 180_000; !seen.has(1) && Date.now() < end; steps++) {
        // the row read as the scroll leaves it, before anything else has run: what the next frame shows on a slow machine
        // (rows drawn below a stretch not rendered yet), so the check does not depend on the machine's speed; none when
        // every row drawn is off screen (the scroll landed on a stretch not rendered yet: the agent reads nothing there)
        const reading = await page.locator(LIST).evaluate((list) => {
          list.scrollBy(0, -list.clientHeight * 2);
          const { top: edge, bottom } = list.getBoundingClientRect();
          const row = [...list.querySelectorAll<HTMLElement>('[data-seq]')].find((el) => el.getBoundingClientRect().bottom > edge);
          const top = row ? Math.round(row.getBoundingClientRect().top) : null;
          return row && top !== null && top < bottom ? { seq: Number(row.dataset['seq']), top } : null;
        });
        await settle(page);
        // an older page coming in (or rows above being measured) never moves what the agent is reading
        // (the same row looked up by its seq: which row is "top" may flip when its edge sits within a pixel of the list's)
        if (reading) {
          read++;
          const after = await rowTop(page, reading.seq);
          expect(after).not.toBeNull();
          expect(Math.abs(after! - reading.top)).toBeLessThanOrEqual(2);
        }
        const seqs = await renderedSeqs(page);
        expectConsecutive(seqs);
        // no gap between what was on screen before and now
        expect(seqs[0]).toBeLessThanOrEqual(previous[0]);
        expect(seqs[seqs.length - 1]).toBeGreaterThanOrEqual(previous[0] - 1);
        for (const seq of seqs) seen.add(seq);
        previous = seqs;
      }
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));
      // most steps leave a row on screen to keep in place
      expect(read).toBeGreaterThan(steps * 0.8);
      await expect(page.locator(`${LIST} [data-seq="1"]`).isVisible()).resolves.toBe(true);
      await expectAccessible(page, 'desk long conversation, scrolled back');
    } finally {
      await context.close();
    }
  });
});
