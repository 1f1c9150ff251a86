import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { SessionStore } from './session.store';

/** Signed-in pages: without a session, go to sign-in and come back afterwards. */
export const requireSignedIn: CanActivateFn = (_route, state) => {
  if (inject(SessionStore).signedIn()) return true;
  return inject(Router).createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
};

/** Sign-in and sign-up pages: a signed-in customer goes straight to their chats. */
export const requireSignedOut: CanActivateFn = () => {
  if (!inject(SessionStore).signedIn()) return true;
  return inject(Router).createUrlTree(['/chats']);
};

/** Only same-app paths may be returned to after signing in (no open redirects). */
export function safeReturnUrl(value: string | null | undefined, fallback = '/chats'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (value.startsWith('/sign-in') || value.startsWith('/sign-up')) return fallback;
  return value;
}
