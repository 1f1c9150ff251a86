import { acceptChat, createAgent, registerCustomer, startChat } from '@parley/api/testing';
import { expectAccessible } from './support/axe';
import { openSignedInSite, openSiteTab, useSite } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(90_000);

const site = useSite();

describe('the site in the browser’s language', () => {
  it('speaks French to a French browser', async () => {
    const { context, page } = await openSiteTab(site, { locale: 'fr-FR' });
    try {
      await page.goto('/sign-in');
      await page.getByRole('heading', { level: 1, name: 'Bon retour parmi nous' }).waitFor();
      expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir, document.title])).toEqual(['fr', 'ltr', 'Connexion · Parley']);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByText('Renseignez le champ « e-mail ».').waitFor();
      await expectAccessible(page, 'sign-in (French)');
    } finally {
      await context.close();
    }
  });

  it('words the SYSTEM lines in French: an agent joining, in the conversation and in its preview', async () => {
    const customer = await registerCustomer(site.api, 'Camille Martin');
    const chatId = await startChat(site.api, customer, 'Livrez-vous à Lyon ?');
    await acceptChat(site.api, await createAgent(site.api, 'Sami Haddad'), chatId);
    const { context, page } = await openSignedInSite(site, customer, `/chats/${chatId}`);
    try {
      await page.locator('.system', { hasText: 'Sami Haddad joined the chat.' }).waitFor();
      await page.getByLabel('Language').first().selectOption('fr');
      await page.locator('.system', { hasText: 'Sami Haddad a rejoint la conversation.' }).waitFor();
      await page.locator('nav.sidebar', { hasText: 'Sami Haddad a rejoint la conversation.' }).waitFor();
      expect(await page.getByText('Sami Haddad joined the chat.').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('is right to left in Arabic, passes axe, and a choice in the language menu wins over the browser', async () => {
    const customer = await registerCustomer(site.api, 'Jamie Rivera');
    const chatId = await startChat(site.api, customer, 'Do you ship to Cairo?');
    const { context, page } = await openSiteTab(site, { locale: 'ar-EG' });
    try {
      await page.goto('/sign-in');
      await page.getByRole('heading', { level: 1, name: 'مرحبًا بعودتك' }).waitFor();
      expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
      await expectAccessible(page, 'sign-in (Arabic)');
      await page.getByLabel('البريد الإلكتروني').fill(customer.email);
      await page.getByLabel('كلمة المرور', { exact: true }).fill(customer.password);
      await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
      await page.waitForURL(/\/chats/);
      await page.goto(`/chats/${chatId}`);
      await page.getByRole('heading', { level: 1, name: 'طلب دعم' }).waitFor();
      // mirrored: the conversation list sits on the right, the conversation on the left
      const [list, detail] = await Promise.all([page.locator('nav.sidebar').boundingBox(), page.locator('.detail').boundingBox()]);
      expect(list && detail && list.x > detail.x).toBe(true);
      await expectAccessible(page, 'conversation (Arabic)');

      await page.getByLabel('اللغة').first().selectOption('en');
      await page.getByRole('heading', { level: 1, name: 'Support request' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    } finally {
      await context.close();
    }
  });
});
