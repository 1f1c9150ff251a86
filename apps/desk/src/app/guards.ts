import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { SessionStore } from '@parley/web/auth/data-access';

/** The desk is for agents and admins: anyone else goes to sign-in (which says why). */
export const requireTeam: CanActivateFn = (_route, state) => {
  const user = inject(SessionStore).user();
  const router = inject(Router);
  if (!user) return router.createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
  if (user.role === 'CUSTOMER') return router.createUrlTree(['/sign-in'], { queryParams: { team: 'only' } });
  return true;
};

/** A signed-in agent has nothing to do on the sign-in page. */
export const requireNoTeamSession: CanActivateFn = () => {
  const user = inject(SessionStore).user();
  if (user && user.role !== 'CUSTOMER') return inject(Router).createUrlTree(['/queue']);
  return true;
};

/** The views of the list: the inbox's three, and search. */
export const isInboxView = (_route: unknown, segments: Array<{ path: string }>) => ['queue', 'mine', 'all', 'search'].includes(segments[0]?.path ?? '');

/** Team administration is for admins; an agent lands in the queue. */
export const requireAdmin: CanActivateFn = () => {
  const user = inject(SessionStore).user();
  return user?.role === 'ADMIN' ? true : inject(Router).createUrlTree(['/queue']);
};
