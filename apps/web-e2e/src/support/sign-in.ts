import type { Page } from 'playwright-core';

export interface Credentials {
  email: string;
  password: string;
}

/** Fills the sign-in form on screen (the site's or the desk's) and sends it, by its button or by Enter. */
export async function fillSignIn(page: Page, who: Credentials, send: 'button' | 'enter' = 'button'): Promise<void> {
  await page.getByLabel('Email').fill(who.email);
  const password = page.getByLabel('Password', { exact: true });
  await password.fill(who.password);
  if (send === 'enter') await password.press('Enter');
  else await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the site's sign-in page, signs the customer in and waits for their conversations. */
export async function signInToSite(page: Page, who: Credentials): Promise<void> {
  await page.goto('/sign-in');
  await fillSignIn(page, who);
  await page.waitForURL(/\/chats/);
}
