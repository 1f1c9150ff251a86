import { DOCUMENT, Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import { SupportStatusGQL, type SupportStatusQuery } from '../generated/graphql';

export type SupportStatus = SupportStatusQuery['supportStatus'];

/**
 * How often a watched status is read again while the page is visible. A poll,
 * not a subscription: a visitor who has not written yet has no token, and the
 * API closes a socket without one; one small read a minute costs less than a
 * socket per open page, and supportStatus allows 30 a minute per caller.
 */
export const SUPPORT_STATUS_REFRESH_MS = new InjectionToken<number>('SUPPORT_STATUS_REFRESH_MS', { factory: () => 60_000 });

/** A page shown again reads at once, unless the last read is this recent (switching tabs back and forth). */
const FRESH_ENOUGH_MS = 10_000;

/**
 * Whether someone from the team can answer now (supportStatus, public): read
 * when a screen that starts a conversation shows, and again while it is
 * watched (every minute while visible, at once when the page is shown again),
 * so the screen notices the team coming online or going away. Unknown until
 * read; a failed read keeps what was known (nobody is told the team is away
 * on a guess).
 */
@Injectable({ providedIn: 'root' })
export class SupportStatusStore {
  private readonly gql = inject(SupportStatusGQL);
  private readonly document = inject(DOCUMENT);
  private readonly refreshMs = inject(SUPPORT_STATUS_REFRESH_MS);
  readonly status = signal<SupportStatus | null>(null);
  /** Known to be away: nobody ONLINE, or outside business hours. */
  readonly away = computed(() => {
    const status = this.status();
    return !!status && (!status.anyoneOnline || !status.withinBusinessHours);
  });

  private watchers = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRead = 0;
  private readonly onVisibility = () => {
    if (this.document.visibilityState !== 'visible') return this.clearTimer();
    if (Date.now() - this.lastRead >= FRESH_ENOUGH_MS) this.load();
    else this.schedule();
  };

  load(): void {
    this.lastRead = Date.now();
    this.gql.fetch({ fetchPolicy: 'network-only' }).subscribe({
      next: (result) => {
        if (result.data?.supportStatus) this.status.set(result.data.supportStatus);
      },
      error: () => undefined,
    });
    this.schedule();
  }

  /**
   * Reads now and keeps the status fresh until the returned function is
   * called (each screen that shows it watches while it shows; one timer for all).
   */
  watch(): () => void {
    if (this.watchers++ === 0) this.document.addEventListener('visibilitychange', this.onVisibility);
    this.load();
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      if (--this.watchers === 0) {
        this.document.removeEventListener('visibilitychange', this.onVisibility);
        this.clearTimer();
      }
    };
  }

  /** The next read, while watched and visible: a hidden page reads when shown again. */
  private schedule(): void {
    this.clearTimer();
    if (!this.watchers || this.document.visibilityState !== 'visible') return;
    this.timer = setTimeout(() => this.load(), this.refreshMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
