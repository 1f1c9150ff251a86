import { ChangeDetectionStrategy, Component, DestroyRef, HostListener, computed, inject } from '@angular/core';
import { Dialog } from '@angular/cdk/dialog';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthService, SessionStore } from '@parley/web/auth/data-access';
import { RealtimeConnection } from '@parley/web/shared/data-access';
import { ConnectionBannerComponent, LogoComponent } from '@parley/web/shared/ui';
import { AttentionService } from '@parley/web/desk/attention/data-access';
import { OpenChatsStore } from '@parley/web/desk/conversation/data-access';
import { INBOX_VIEWS, InboxStore, type InboxView } from '@parley/web/desk/inbox/data-access';
import { plainKey, typingInField } from './keys';
import { ShortcutsSheetComponent } from './shortcuts-sheet.component';

/** The desk's frame: header (views with counts, notifications, the agent, sign-out), connection banner, and the inbox below. */
@Component({
  selector: 'parley-desk-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, ConnectionBannerComponent, LogoComponent],
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
            }
            @if (counts()[view]; as n) {
              <span class="count" [attr.data-testid]="'count-' + view">{{ n }}</span>
            }
          </a>
        }
      </nav>
      <span class="spacer"></span>
      @if (attention.permission() === 'default') {
        <button type="button" class="button button--secondary button--sm" (click)="attention.enable()" aria-keyshortcuts="n" i18n="@@desk.notify.enable">Turn on notifications</button>
      }
      <button type="button" class="button button--secondary button--sm" (click)="openShortcuts()" aria-keyshortcuts="?" i18n="@@desk.keys.button">Shortcuts (?)</button>
      <span class="me">{{ user()?.displayName }}</span>
      <button type="button" class="button button--secondary button--sm" (click)="signOut()" i18n="@@desk.signOut">Sign out</button>
    </header>
    <parley-connection-banner [status]="realtime.status()" />
    <router-outlet />
  `,
  styles: `
    :host { display: flex; flex-direction: column; height: 100dvh; }
    .top { display: flex; align-items: center; gap: 0.75rem; padding: 0.5rem 1rem; background: var(--color-surface); border-bottom: 1px solid var(--color-border); }
    .product { font-weight: 700; }
    .views { display: flex; gap: 0.25rem; margin-left: 1rem; }
    .view { display: inline-flex; align-items: center; gap: 0.375rem; padding: 0.375rem 0.75rem; border-radius: var(--radius); color: var(--color-text); text-decoration: none; font-weight: 600; }
    .view.active { background: var(--color-primary-soft); color: var(--color-primary-hover); }
    .count { min-width: 1.5rem; text-align: center; padding: 0 0.375rem; border-radius: 999px; background: var(--color-primary); color: #fff; font-size: 0.75rem; }
    .spacer { flex: 1; }
    .me { color: var(--color-muted); font-size: 0.875rem; }
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
  protected readonly user = inject(SessionStore).user;
  protected readonly views = INBOX_VIEWS;
  protected readonly counts = computed(() => this.inbox.viewCounts());

  constructor() {
    this.inbox.start();
    // leaving the desk (signed out, or the session ended): stop following everything
    inject(DestroyRef).onDestroy(() => {
      this.openChats.closeAll();
      this.inbox.stop();
    });
  }

  @HostListener('document:keydown', ['$event'])
  protected onKey(event: KeyboardEvent): void {
    if (typingInField(event) || !plainKey(event) || this.dialog.openDialogs.length) return;
    const view = ({ '1': 'queue', '2': 'mine', '3': 'all' } as Record<string, InboxView>)[event.key];
    if (view) {
      event.preventDefault();
      void this.router.navigate(['/', view]);
    } else if (event.key === '?') {
      event.preventDefault();
      this.openShortcuts();
    } else if (event.key === 'n' && this.attention.permission() === 'default') {
      event.preventDefault();
      void this.attention.enable();
    }
  }

  protected openShortcuts(): void {
    if (!this.dialog.openDialogs.length) this.dialog.open(ShortcutsSheetComponent, { ariaLabelledBy: 'shortcuts-title', restoreFocus: true });
  }

  protected async signOut(): Promise<void> {
    this.openChats.closeAll();
    this.inbox.stop();
    await this.auth.signOut();
    void this.router.navigate(['/sign-in']);
  }
}
