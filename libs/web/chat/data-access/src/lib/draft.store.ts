import { Injectable } from '@angular/core';

const PREFIX = 'parley.draft.';

/**
 * Unsent text per conversation (and for the new-chat form), kept in
 * sessionStorage so that a reload or an expired session loses nothing.
 * Signing out clears it with the rest of the tab's data.
 */
@Injectable({ providedIn: 'root' })
export class DraftStore {
  get(key: string): string {
    try {
      return sessionStorage.getItem(PREFIX + key) ?? '';
    } catch {
      return '';
    }
  }

  set(key: string, text: string): void {
    try {
      if (text === '') sessionStorage.removeItem(PREFIX + key);
      else sessionStorage.setItem(PREFIX + key, text);
    } catch {
      // storage full or disabled: the draft only lives on screen
    }
  }

  clear(key: string): void {
    this.set(key, '');
  }
}
