import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { LanguagePickerComponent, LogoComponent } from '@parley/web/shared/ui';

/** The frame of the sign-in and sign-up pages: the form beside a short word about Parley. */
@Component({
  selector: 'parley-auth-layout',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [LogoComponent, LanguagePickerComponent],
  template: `
    <div class="auth">
      <aside class="intro" aria-label="About Parley" i18n-aria-label="@@auth.intro.label">
        <parley-logo />
        <div class="intro-body">
          <p class="headline" i18n="@@auth.intro.headline">Real people, real answers.</p>
          <p class="lede" i18n="@@auth.intro.lede">Ask us anything. Our support team picks up your conversation and replies right here — no waiting on hold, no lost emails.</p>
          <ul class="points">
            <li i18n="@@auth.intro.point1">Replies appear the moment they're written</li>
            <li i18n="@@auth.intro.point2">Your conversation history in one place</li>
            <li i18n="@@auth.intro.point3">Pick up where you left off, on any device</li>
          </ul>
        </div>
      </aside>
      <main class="panel" id="main" tabindex="-1">
        <div class="panel-inner">
          <div class="mobile-logo"><parley-logo /><parley-language-picker /></div>
          <h1>{{ heading() }}</h1>
          @if (subheading()) {
            <p class="sub">{{ subheading() }}</p>
          }
          <ng-content />
        </div>
      </main>
    </div>
  `,
  styles: `
    .auth { min-height: 100dvh; display: grid; grid-template-columns: minmax(0, 1fr); }
    .intro { display: none; }
    .panel { display: grid; place-items: center; padding: 2rem 1.25rem; outline: none; }
    .panel-inner { width: 100%; max-width: 24rem; }
    .mobile-logo { margin-block-end: 2rem; color: var(--color-text); display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
    h1 { font-size: 1.75rem; line-height: 1.2; letter-spacing: -0.02em; margin: 0 0 0.5rem; }
    .sub { margin: 0 0 1.75rem; color: var(--color-muted); }
    @media (min-width: 60rem) {
      .auth { grid-template-columns: minmax(0, 5fr) minmax(0, 6fr); }
      .intro { display: flex; flex-direction: column; justify-content: space-between; padding: 2.5rem 3rem; color: #fff; background: radial-gradient(circle at 20% 110%, #6366f1 0%, transparent 55%), linear-gradient(160deg, #312e81 0%, #3730a3 55%, #4338ca 100%); }
      .intro parley-logo ::ng-deep .mark rect { fill: #fff; }
      .intro parley-logo ::ng-deep .mark circle { fill: #fff; }
      .intro parley-logo ::ng-deep .mark path { fill: #4338ca; }
      .intro-body { max-width: 28rem; margin-block-end: 4rem; }
      .headline { font-size: 2.25rem; line-height: 1.15; font-weight: 700; letter-spacing: -0.02em; margin: 0 0 1rem; }
      .lede { font-size: 1.0625rem; line-height: 1.6; color: #e0e7ff; margin: 0 0 2rem; }
      .points { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.75rem; color: #eef2ff; }
      .points li { display: flex; gap: 0.75rem; align-items: center; }
      .points li::before { content: ''; width: 1.25rem; height: 1.25rem; flex: none; border-radius: 50%; background: rgb(255 255 255 / 0.16) url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 20 20'%3E%3Cpath fill='%23fff' d='M8.3 13.3 5 10l1.2-1.2 2.1 2.1 5.5-5.5L15 6.6z'/%3E%3C/svg%3E") center / 100% no-repeat; }
      .mobile-logo { justify-content: flex-end; }
      .mobile-logo parley-logo { display: none; }
    }
  `,
})
export class AuthLayoutComponent {
  readonly heading = input.required<string>();
  readonly subheading = input<string>('');
}
