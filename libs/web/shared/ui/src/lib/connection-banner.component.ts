import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export type BannerConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

/**
 * Tells the customer when live updates are interrupted. Silent while all is
 * well (including the first connection), so it does not flash on every page.
 */
@Component({
  selector: 'parley-connection-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="banner" role="status" [class.banner--visible]="message()" [attr.data-status]="status()">
      @if (message(); as text) {
        <span class="dot" aria-hidden="true"></span>
        <span>{{ text }}</span>
      }
    </div>
  `,
  styles: `
    .banner { display: none; }
    .banner--visible {
      display: flex; align-items: center; justify-content: center; gap: 0.5rem;
      padding: 0.5rem 1rem; font-size: 0.875rem; font-weight: 500;
      background: var(--color-warning-bg, #fffaeb); color: var(--color-warning-text, #7a2e0e);
      border-bottom: 1px solid #fedf89;
    }
    .dot { width: 0.5rem; height: 0.5rem; border-radius: 50%; background: currentColor; animation: pulse 1.2s ease-in-out infinite; }
    @media (prefers-reduced-motion: reduce) { .dot { animation: none; } }
    @keyframes pulse { 50% { opacity: 0.3; } }
  `,
})
export class ConnectionBannerComponent {
  readonly status = input.required<BannerConnectionStatus>();

  protected readonly message = computed(() => {
    switch (this.status()) {
      case 'offline':
        return $localize`:@@connection.offline:You're offline. New messages will appear when the connection is back.`;
      case 'reconnecting':
        return $localize`:@@connection.reconnecting:Connection lost. Reconnecting…`;
      default:
        return null;
    }
  });
}
