import type { Page } from 'playwright-core';
import { registerCustomer, startChat, startSmtpReceiver, startTestServer, type SmtpReceiver, type TestServer } from '@parley/api/testing';
import { seriousViolations } from './support/axe';
import { fillSignIn } from './support/sign-in';
import { SITE_ROOT, openSignedInSite, openSiteTab, useSite } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(120_000);

let smtp: SmtpReceiver;
// Jest runs these hooks in the order written: the mail receiver starts before the site's server, which is told
// where to send mail, and stops after it.
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
const site = useSite(() => ({ mail: { smtpUrl: smtp.url, from: 'Parley <support@parley.test>' }, publicUrl: 'https://chat.example.test' }));
afterAll(async () => {
  await smtp?.stop();
});

async function expectNoViolations(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

describe('password reset in the browser', () => {
  it('goes from "Forgot password?" to an emailed link, a new password and a signed-in session, by keyboard, axe clean', async () => {
    const customer = await registerCustomer(site.api, 'Morgan Reset');
    const { context, page } = await openSiteTab(site);
    try {
      await page.goto('/sign-in');
      const forgot = page.getByRole('link', { name: 'Forgot password?' });
      await forgot.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/forgot-password$/);
      await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
      await expectNoViolations(page);

      await page.getByLabel('Email').fill(customer.email);
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'a link to choose a new password is on its way' }).waitFor();
      // Focus follows: the notice replaces the form.
      await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'status');
      await expectNoViolations(page);

      const [mail] = await smtp.waitFor(1, customer.email);
      const link = /https:\/\/chat\.example\.test(\/reset-password#token=[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
      expect(link).toBeDefined();
      await page.goto(link as string);
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      // The token leaves the address bar at once.
      await page.waitForFunction(() => location.hash === '');
      await expectNoViolations(page);

      const password = page.getByLabel('New password');
      await password.fill('password1');
      await page.keyboard.press('Enter');
      await page.getByText(/is too easy to guess/).waitFor();
      await expectNoViolations(page);

      await password.fill('copper meadow 58 gently');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/chats/);

      // The link works once.
      await page.goto(link as string);
      await page.getByLabel('New password').fill('another copper meadow 59');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'This link cannot be used any more' }).waitFor();
    } finally {
      await context.close();
    }
  });
});

describe('transcripts in the browser', () => {
  it('emails the transcript from the conversation, and says so', async () => {
    const customer = await registerCustomer(site.api, 'Quinn Transcript');
    const chatId = await startChat(site.api, customer, 'Can I get this in writing?');
    const { context, page } = await openSignedInSite(site, customer, `/chats/${chatId}`);
    try {
      const button = page.getByRole('button', { name: 'Email transcript' });
      await button.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'The transcript is on its way' }).waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Email transcript');
      await expectNoViolations(page);
      await smtp.waitFor(1, customer.email);
      expect(smtp.to(customer.email)[0].text).toContain('Quinn Transcript: Can I get this in writing?');
    } finally {
      await context.close();
    }
  });
});

describe('a server without email', () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startTestServer({ webRoot: SITE_ROOT });
  });
  afterAll(async () => {
    await plain?.stop();
  });

  it('offers neither "Forgot password?" nor the transcript button', async () => {
    const customer = await registerCustomer(plain, 'Nora Nomail');
    const chatId = await startChat(plain, customer, 'hello');
    const { context, page } = await openSiteTab({ api: plain, chrome: site.chrome });
    try {
      await page.goto('/forgot-password');
      await page.getByText('This site cannot send email').waitFor();
      await page.goto('/sign-in');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      // Long enough for the features query to have answered.
      await page.waitForLoadState('networkidle');
      expect(await page.getByRole('link', { name: 'Forgot password?' }).count()).toBe(0);
      await fillSignIn(page, customer);
      await page.waitForURL(/\/chats/);
      await page.goto(`/chats/${chatId}`);
      await page.getByRole('button', { name: 'End conversation' }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.getByRole('button', { name: 'Email transcript' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
