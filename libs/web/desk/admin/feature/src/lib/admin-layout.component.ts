import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

/** The admins' screens under one menu: the team (shell's AdminPage), reports, articles and their feedback, business hours, webhooks. */
@Component({
  selector: 'parley-desk-admin-layout',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  template: `
    <nav class="admin-nav" aria-label="Administration" i18n-aria-label="@@desk.adminNav.label">
      <a routerLink="/admin" routerLinkActive="active" [routerLinkActiveOptions]="{ exact: true }" ariaCurrentWhenActive="page" i18n="@@desk.adminNav.team">Team</a>
      <a routerLink="/admin/reports" routerLinkActive="active" ariaCurrentWhenActive="page" i18n="@@desk.adminNav.reports">Reports</a>
      <a routerLink="/admin/articles" routerLinkActive="active" ariaCurrentWhenActive="page" i18n="@@desk.adminNav.articles">Articles</a>
      <a routerLink="/admin/feedback" routerLinkActive="active" ariaCurrentWhenActive="page" i18n="@@desk.adminNav.feedback">Article feedback</a>
      <a routerLink="/admin/hours" routerLinkActive="active" ariaCurrentWhenActive="page" i18n="@@desk.adminNav.hours">Business hours</a>
      <a routerLink="/admin/webhooks" routerLinkActive="active" ariaCurrentWhenActive="page" i18n="@@desk.adminNav.webhooks">Webhooks</a>
    </nav>
    <router-outlet />
  `,
  styles: `
    :host { display: flex; flex-direction: column; flex: 1; min-height: 0; }
    .admin-nav { display: flex; flex-wrap: wrap; gap: 0.25rem; padding: 0.375rem 1rem; border-bottom: 1px solid var(--color-border); background: var(--color-surface); }
    .admin-nav a { padding: 0.25rem 0.75rem; border-radius: var(--radius); color: var(--color-text); text-decoration: none; font-weight: 600; font-size: 0.875rem; }
    .admin-nav a.active { background: var(--color-primary-soft); color: var(--color-primary-hover); }
  `,
})
export class AdminLayoutComponent {}
