import { registerCustomer, startChat } from '@parley/api/testing';
import { fillSignIn } from './support/sign-in';
import { openSignedInSite, useSiteWithAgent } from './support/site';

// testTimeout in jest.config.cjs is ignored when Jest runs several projects
jest.setTimeout(90_000);

const site = useSiteWithAgent();

describe('one site session per browser', () => {
  it('signs every new tab in at once, keeps the desk and the site apart, and signs every tab out together', async () => {
    const customer = await registerCustomer(site.api, 'Jamie Rivera');
    const agent = site.agent;
    const chatId = await startChat(site.api, customer, 'Is the blue one back in stock?');
    const { context, page: first } = await openSignedInSite(site, customer);
    try {

      // a second tab opens the conversation without asking to sign in
      const second = await context.newPage();
      await second.goto(`/chats/${chatId}`);
      await second.getByRole('heading', { level: 1, name: 'Support request' }).waitFor();
      expect(new URL(second.url()).pathname).toBe(`/chats/${chatId}`);

      // an agent signs into the desk in the same browser, then out again: the customer's tabs stay signed in
      const desk = await context.newPage();
      await desk.goto('/desk/sign-in');
      await fillSignIn(desk, agent);
      await desk.waitForURL(/\/desk\/queue$/);
      await second.reload();
      await second.getByRole('heading', { level: 1, name: 'Support request' }).waitFor();
      await desk.getByRole('button', { name: 'Sign out' }).click();
      await desk.waitForURL(/\/desk\/sign-in/);
      await second.reload();
      await second.getByRole('heading', { level: 1, name: 'Support request' }).waitFor();
      expect(new URL(second.url()).pathname).toBe(`/chats/${chatId}`);

      // and the site's sign-in does not sign the desk out: sign the agent in again, then reload both
      await fillSignIn(desk, agent);
      await desk.waitForURL(/\/desk\/queue$/);
      await first.reload();
      await first.waitForURL(/\/chats/);
      await desk.reload();
      await desk.waitForURL(/\/desk\/queue$/);

      // signing out of the site in one tab takes the other tab to sign-in; the desk stays
      await first.getByRole('button', { name: 'Sign out' }).click();
      await first.waitForURL(/\/sign-in$/);
      await second.waitForURL(/\/sign-in$/);
      await desk.reload();
      await desk.waitForURL(/\/desk\/queue$/);
    } finally {
      await context.close();
    }
  });
});
