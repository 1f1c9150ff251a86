import { ChangeDetectionStrategy, Component, DestroyRef, inject } from '@angular/core';
import { Router, RouterOutlet } from '@angular/router';
import { SessionStore } from '@parley/web/auth/data-access';

@Component({
  selector: 'parley-desk-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet],
  template: `<router-outlet />`,
})
export class App {
  constructor() {
    const router = inject(Router);
    // a session that could not be renewed goes back to sign-in, then returns here (drafts are kept)
    const ended = inject(SessionStore).ended.subscribe(() => {
      const here = router.url;
      void router.navigate(['/sign-in'], { queryParams: here.startsWith('/sign-in') ? {} : { returnUrl: here } });
    });
    inject(DestroyRef).onDestroy(() => ended.unsubscribe());
  }
}
