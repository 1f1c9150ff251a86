import { ChangeDetectionStrategy, Component, DestroyRef, inject } from '@angular/core';
import { NavigationEnd, Router, RouterOutlet } from '@angular/router';
import { filter } from 'rxjs';
import { SessionStore } from '@parley/web/auth/data-access';

@Component({
  selector: 'parley-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet],
  template: `
    <a class="skip-link" href="#main" (click)="skipToMain($event)" i18n="@@site.skipToMain">Skip to main content</a>
    <router-outlet />
  `,
})
export class App {
  private readonly router = inject(Router);

  constructor() {
    const session = inject(SessionStore);
    const destroyRef = inject(DestroyRef);

    // An expired or rejected session goes back to sign-in, then returns here (drafts are kept).
    const ended = session.ended.subscribe(() => {
      const here = this.router.url;
      void this.router.navigate(['/sign-in'], { queryParams: here.startsWith('/chats') ? { returnUrl: here } : {} });
    });
    // Every tab shares the session: signing out in one signs out all of them.
    const signedOut = session.signedOutElsewhere.subscribe(() => {
      if (this.router.url.startsWith('/chats')) void this.router.navigate(['/sign-in']);
    });

    // After each in-app navigation, move focus to the new page's heading, as a page load would.
    let first = true;
    const nav = this.router.events.pipe(filter((e) => e instanceof NavigationEnd)).subscribe(() => {
      if (first) {
        first = false;
        return;
      }
      setTimeout(() => {
        const heading = document.querySelector<HTMLElement>('main h1[tabindex="-1"], main h1');
        if (heading && !heading.contains(document.activeElement)) {
          if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
          heading.focus({ preventScroll: true });
        }
      });
    });
    destroyRef.onDestroy(() => {
      ended.unsubscribe();
      signedOut.unsubscribe();
      nav.unsubscribe();
    });
  }

  protected skipToMain(event: Event): void {
    const main = document.getElementById('main');
    if (main) {
      event.preventDefault();
      main.focus();
    }
  }
}
