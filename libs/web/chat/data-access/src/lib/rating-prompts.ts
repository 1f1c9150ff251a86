import { Injectable, InjectionToken, inject, signal } from '@angular/core';

/**
 * Where the "rate this conversation" dismissals are kept: localStorage by
 * default; the widget provides its own storage (which may be the host's).
 */
export const RATING_STORAGE = new InjectionToken<Storage | null>('RatingStorage', {
  providedIn: 'root',
  factory: () => {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  },
});

const KEY = 'parley.rating.dismissed';
/** The newest dismissals kept: an old chat asked again is harmless, a growing list is not. */
const KEEP = 200;

/**
 * The customer is asked to rate a closed chat once: not again after rating
 * (the chat's `rating` says so) or after "No thanks" (remembered here, so a
 * reload does not ask again).
 */
@Injectable({ providedIn: 'root' })
export class RatingPrompts {
  private readonly storage = inject(RATING_STORAGE);
  private readonly dismissedIds = signal<readonly string[]>(this.read());

  /** Whether to ask about this chat: CLOSED, not rated, not dismissed. */
  shouldAsk(chat: { id: string; status: string; rating: number | null } | null): boolean {
    return !!chat && chat.status === 'CLOSED' && chat.rating === null && !this.dismissedIds().includes(chat.id);
  }

  dismiss(chatId: string): void {
    const ids = [...this.read().filter((id) => id !== chatId), chatId].slice(-KEEP);
    this.dismissedIds.set(ids);
    try {
      this.storage?.setItem(KEY, JSON.stringify(ids));
    } catch {
      // storage full or disabled: not asked again on this page
    }
  }

  private read(): string[] {
    try {
      const value: unknown = JSON.parse(this.storage?.getItem(KEY) ?? '[]');
      return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
    } catch {
      return [];
    }
  }
}
