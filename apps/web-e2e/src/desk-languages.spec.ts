// The desk in an Arabic browser: every screen an agent reaches on a shift reads right to left, in Arabic, and
// passes axe; the reply goes out by keyboard alone. (French: desk-webhooks.spec.ts; the catalogues' completeness:
// the desk's translations spec.)
import type { Page } from 'playwright-core';
import { registerCustomer, startChat } from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { allMessages } from './support/agent-api';
import { openDeskTab, useDeskWithAgents } from './support/desk';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(120_000);

const desk = useDeskWithAgents({ agents: { sami: 'Sami Haddad' } });

const pageLanguage = (page: Page) => page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);

describe('the desk in Arabic', () => {
  it('signs in, answers a chat from the queue and reads right to left, axe passing on each screen', async () => {
    const customer = await registerCustomer(desk.api, 'Jamie Rivera');
    const chatId = await startChat(desk.api, customer, 'Do you ship to Cairo?');
    const { context, page } = await openDeskTab(desk, { locale: 'ar-EG' });
    try {
      await page.goto('/desk/');
      await page.waitForURL(/\/desk\/sign-in/);
      await page.getByRole('button', { name: 'تسجيل الدخول' }).waitFor();
      expect(await pageLanguage(page)).toEqual(['ar', 'rtl']);
      expect(await page.title()).toMatch(/^تسجيل الدخول · /);
      await expectAccessible(page, 'desk sign-in (Arabic)');
      await page.getByLabel('البريد الإلكتروني').fill(desk.sami.email);
      await page.getByLabel('كلمة المرور', { exact: true }).fill(desk.sami.password);
      await page.getByLabel('كلمة المرور', { exact: true }).press('Enter');
      await page.waitForURL(/\/desk\/queue$/);

      // the queue: its heading, the waiting customer, and the list on the right of the conversation pane
      await page.getByRole('heading', { name: 'قائمة الانتظار', level: 1 }).waitFor();
      await page.locator('[data-testid="chat-row"]', { hasText: 'Jamie Rivera' }).waitFor();
      const [list, pane] = await Promise.all([page.locator('.inbox .list').boundingBox(), page.locator('.inbox .pane').boundingBox()]);
      expect(list && pane && list.x > pane.x).toBe(true);
      await expectAccessible(page, 'desk queue (Arabic)');

      // accept by keyboard (a), reply in Arabic, Enter
      await page.keyboard.press('a');
      await page.waitForURL(new RegExp(`/desk/mine/${chatId}$`));
      await page.locator('#desk-composer:focus').waitFor();
      expect(await page.getByLabel('الرد على العميل').count()).toBe(1);
      // the SYSTEM line for joining, worded in Arabic from its notice (the API's body stays English)
      await page.locator('.system', { hasText: 'انضم Sami Haddad إلى المحادثة.' }).waitFor();
      expect(await page.getByText('Sami Haddad joined the chat.').count()).toBe(0);
      const reply = 'نعم، نشحن إلى القاهرة خلال ثلاثة أيام.';
      await page.keyboard.type(reply);
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="message"][data-state="sent"]', { hasText: reply }).waitFor();
      const stored = await allMessages(desk.api, desk.sami, chatId);
      expect(stored.some((m) => m.body === reply && m.kind === 'AGENT')).toBe(true);
      expect(stored.some((m) => m.body === 'Sami Haddad joined the chat.' && m.kind === 'SYSTEM')).toBe(true);
      expect(await pageLanguage(page)).toEqual(['ar', 'rtl']);
      // each message in the direction it was written in: the customer's English keeps its question mark at its end
      const direction = (text: string) =>
        page.locator('[data-testid="message"] .body', { hasText: text }).evaluate((body) => getComputedStyle(body).direction);
      expect([await direction('Do you ship to Cairo?'), await direction(reply)]).toEqual(['ltr', 'rtl']);
      await expectAccessible(page, 'desk conversation (Arabic)');
    } finally {
      await context.close();
    }
  });
});
