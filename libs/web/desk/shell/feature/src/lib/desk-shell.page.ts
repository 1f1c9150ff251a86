import { ChangeDetectionStrategy, Component, DestroyRef, HostListener, computed, inject, signal } from '@angular/core';
import { Dialog } from '@angular/cdk/dialog';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthService, SessionStore } from '@parley/web/auth/data-access';
import { RealtimeConnection } from '@parley/web/shared/data-access';
import { ConnectionBannerComponent, LanguagePickerComponent, LogoComponent } from '@parley/web/shared/ui';
import { AttentionService } from '@parley/web/desk/attention/data-access';
import { OpenChatsStore } from '@parley/web/desk/conversation/data-access';
import { DESK_VIEWS, InboxStore, TeamStore, type DeskView, type InboxView } from '@parley/web/desk/inbox/data-access';
import type { Availability } from '@parley/web/desk/api/data-access';
import { describeError, toAppError } from '@parley/web/shared/data-access';
import { plainKey, typingInField } from './keys';
import { ShortcutsSheetComponent } from './shortcuts-sheet.component';

/** The desk's frame: header (views with counts, notifications, the agent, the language menu, sign-out), connection banner, and the inbox below. */
@Component({
  selector: 'parley-desk-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, ConnectionBannerComponent, LanguagePickerComponent, LogoComponent],
  template: `
    <header class="top">
      <parley-logo />
      <span class="product" i18n="@@desk.product">Desk</span>
      <nav class="views" aria-label="Views" i18n-aria-label="@@desk.views">
        @for (view of views; track view; let i = $index) {
          <a [routerLink]="['/', view]" routerLinkActive="active" ariaCurrentWhenActive="page" class="view" [attr.aria-keyshortcuts]="i + 1">
            @switch (view) {
              @case ('queue') { <ng-container i18n="@@desk.view.queue">Queue</ng-container> }
              @case ('mine') { <ng-container i18n="@@desk.view.mine">Mine</ng-container> }
              @case ('all') { <ng-container i18n="@@desk.view.all">All</ng-container> }
              @case ('search') { <ng-container i18n="@@desk.view.search">Search</ng-container> }
            }
            @if (count(view); as n) {
              <span class="count" [attr.data-testid]="'count-' + view">{{ n }}</span>
            }
          </a>
        }
      </nav>
      <span class="spacer"></span>
      @if (attention.permission() === 'default') {
        <button type="button" class="button button--secondary button--sm" (click)="attention.enable()" aria-keyshortcuts="n" i18n="@@desk.notify.enable">Turn on notifications</button>
      }
      <button type="button" class="button button--secondary button--sm" (click)="attention.toggleSound()" [attr.aria-pressed]="attention.sound()" aria-keyshortcuts="m" i18n="@@desk.sound.toggle">Sound (m)</button>
      <button type="button" class="button button--secondary button--sm" (click)="openShortcuts()" aria-keyshortcuts="?" i18n="@@desk.keys.button">Shortcuts (?)</button>
      @if (user()?.role === 'ADMIN') {
        <a class="button button--secondary button--sm" routerLink="/admin" routerLinkActive="active" i18n="@@desk.admin.link">Admin</a>
      }
      <label class="availability" [attr.data-state]="team.availability()">
        <span class="me">{{ user()?.displayName }}</span>
        <select id="desk-availability" [value]="team.availability()" (change)="setAvailability($event)" aria-keyshortcuts="o" aria-label="Availability" i18n-aria-label="@@desk.availability.label">
          <option value="ONLINE" i18n="@@desk.availability.online">Online</option>
          <option value="AWAY" i18n="@@desk.availability.away">Away</option>
          <option value="OFFLINE" i18n="@@desk.availability.offline">Offline</option>
        </select>
      </label>
      <parley-language-picker />
      <button type="button" class="button button--secondary button--sm" (click)="signOut()" i18n="@@desk.signOut">Sign out</button>
    </header>
    <parley-connection-banner [status]="realtime.status()" />
    @if (notice(); as text) {
      <p class="shell-notice" role="alert">{{ text }}</p>
    }
    <router-outlet />
  `,
  styles: `
    :host { display: flex; flex-direction: column; height: 100dvh; }
    .top { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; padding: 0.5rem 1rem; background: var(--color-surface); border-bottom: 1px solid var(--color-border); }
    .product { font-weight: 700; }
    .views { display: flex; gap: 0.125rem; margin-inline-start: 0.5rem; }
    .view { display: inline-flex; align-items: center; gap: 0.375rem; padding: 0.375rem 0.75rem; border-radius: var(--radius); color: var(--color-text); text-decoration: none; font-weight: 600; }
    .view.active { background: var(--color-primary-soft); color: var(--color-primary-hover); }
    .count { min-width: 1.5rem; text-align: center; padding: 0 0.375rem; border-radius: 999px; background: var(--color-primary); color: #fff; font-size: 0.75rem; }
    .spacer { flex: 1; }
    .me { color: var(--color-muted); font-size: 0.875rem; }
    /* one row of header down to a 1280-pixel window, the language menu included: tighter buttons, and below
       1440 pixels the agent's name is read only by screen readers (it labels the availability menu) */
    .top .button--sm { padding-inline: 0.5rem; }
    @media (max-width: 1440px) {
      .me { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    }
    .availability { display: inline-flex; align-items: center; gap: 0.5rem; }
    .availability select { font: inherit; font-size: 0.875rem; padding: 0.25rem 0.375rem; border-radius: var(--radius); border: 1px solid var(--color-border-strong); border-inline-start-width: 0.375rem; }
    .availability[data-state='ONLINE'] select { border-inline-start-color: #15803d; }
    .availability[data-state='AWAY'] select { border-inline-start-color: #b45309; }
    .availability[data-state='OFFLINE'] select { border-inline-start-color: #6b7280; }
    .shell-notice { margin: 0; padding: 0.5rem 1rem; background: var(--color-danger-soft, #fde8e8); }
  `,
})
export class DeskShellPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly dialog = inject(Dialog);
  private readonly inbox = inject(InboxStore);
  private readonly openChats = inject(OpenChatsStore);
  protected readonly realtime = inject(RealtimeConnection);
  protected readonly attention = inject(AttentionService);
  protected readonly team = inject(TeamStore);
  protected readonly notice = signal<string | null>(null);
  protected readonly user = inject(SessionStore).user;
  protected readonly views = DESK_VIEWS;
  protected readonly counts = computed(() => this.inbox.viewCounts());

  constructor() {
    this.inbox.start();
    this.team.start();
    // leaving the desk (signed out, or the session ended): stop following everything
    inject(DestroyRef).onDestroy(() => {
      this.openChats.closeAll();
      this.inbox.stop();
      this.team.stop();
    });
  }

  @HostListener('document:keydown', ['$event'])
  protected onKey(event: KeyboardEvent): void {
    if (typingInField(event) || !plainKey(event) || this.dialog.openDialogs.length) return;
    const view = ({ '1': 'queue', '2': 'mine', '3': 'all', '4': 'search' } as Record<string, DeskView>)[event.key];
    if (view) {
      event.preventDefault();
      void this.router.navigate(['/', view]);
    } else if (event.key === 's') {
      // the search field, from anywhere (the results stay as they were)
      event.preventDefault();
      const focus = () => document.getElementById('desk-search')?.focus();
      if (this.router.url.startsWith('/search')) focus();
      else void this.router.navigate(['/search']).then(() => requestAnimationFrame(focus));
    } else if (event.key === '?') {
      event.preventDefault();
      this.openShortcuts();
    } else if (event.key === 'n' && this.attention.permission() === 'default') {
      event.preventDefault();
      void this.attention.enable();
    } else if (event.key === 'm') {
      event.preventDefault();
      this.attention.toggleSound();
    } else if (event.key === 'o') {
      event.preventDefault();
      document.getElementById('desk-availability')?.focus();
    }
  }

  protected count(view: DeskView): number {
    return view === 'search' ? 0 : this.counts()[view as InboxView];
  }

  protected openShortcuts(): void {
    if (!this.dialog.openDialogs.length) this.dialog.open(ShortcutsSheetComponent, { ariaLabelledBy: 'shortcuts-title', restoreFocus: true });
  }

  protected async setAvailability(event: Event): Promise<void> {
    this.notice.set(null);
    try {
      await this.team.setAvailability((event.target as HTMLSelectElement).value as Availability);
    } catch (e) {
      this.notice.set(describeError(toAppError(e)));
    }
  }

  protected async signOut(): Promise<void> {
    // signing out ends the shift: OFFLINE first, while the session can still say so
    await this.team.setAvailability('OFFLINE').catch(() => undefined);
    this.team.stop();
    this.openChats.closeAll();
    this.inbox.stop();
    await this.auth.signOut();
    void this.router.navigate(['/sign-in']);
  }
}
