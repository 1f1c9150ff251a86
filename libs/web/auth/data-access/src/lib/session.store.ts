import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Subject } from 'rxjs';
import type { SessionAccess } from '@parley/web/shared/data-access';
import type { AuthSessionFragment, SessionUserFragment } from '../generated/graphql';

const STORAGE_KEY = 'parley.session';
/** Everything the app keeps in sessionStorage starts with this; signing out clears it. */
export const APP_STORAGE_PREFIX = 'parley.';

export interface StoredSession {
  token: string;
  expiresAt: string;
  user: SessionUserFragment;
}

export type SessionEndReason = 'expired' | 'rejected';

/**
 * The signed-in session of this browser tab. The token lives in
 * sessionStorage: it survives a reload, dies with the tab, and is forgotten on
 * sign-out. Implements SessionAccess for the transport.
 *
 * A refresh-token flow would slot in here: accessToken() would await a refresh
 * when the token is about to expire, and start() would also keep the refresh token.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore implements SessionAccess {
  private readonly state = signal<StoredSession | null>(null);
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly endedSubject = new Subject<SessionEndReason>();

  /** Fires when the session ends on its own (not on sign-out): send the customer to sign in. */
  readonly ended = this.endedSubject.asObservable();
  readonly user = computed(() => this.state()?.user ?? null);
  readonly signedIn = computed(() => this.state() !== null);
  /** Why the last session ended, for the sign-in page's notice; cleared on the next sign-in. */
  readonly endReason = signal<SessionEndReason | null>(null);

  constructor() {
    this.state.set(this.read());
    this.scheduleExpiry();
    inject(DestroyRef).onDestroy(() => clearTimeout(this.expiryTimer));
  }

  start(payload: AuthSessionFragment): void {
    const session: StoredSession = { token: payload.token, expiresAt: payload.expiresAt, user: payload.user };
    this.storage()?.setItem(STORAGE_KEY, JSON.stringify(session));
    this.endReason.set(null);
    this.state.set(session);
    this.scheduleExpiry();
  }

  updateUser(user: SessionUserFragment): void {
    const current = this.state();
    if (current) this.start({ ...current, user });
  }

  async accessToken(): Promise<string | null> {
    const current = this.state();
    if (!current) return null;
    if (isExpired(current.expiresAt)) {
      this.end('expired');
      return null;
    }
    return current.token;
  }

  hasToken(): boolean {
    return this.state() !== null;
  }

  sessionRejected(): void {
    this.end('rejected');
  }

  /** Signing out forgets the token and everything else this tab kept (drafts). */
  clear(): void {
    clearTimeout(this.expiryTimer);
    const storage = this.storage();
    if (storage) {
      for (const key of Object.keys(storage)) if (key.startsWith(APP_STORAGE_PREFIX)) storage.removeItem(key);
    }
    this.endReason.set(null);
    this.state.set(null);
  }

  /** The session ended by itself: forget the token, but keep drafts for after signing in again. */
  private end(reason: SessionEndReason): void {
    if (!this.state()) return;
    clearTimeout(this.expiryTimer);
    this.storage()?.removeItem(STORAGE_KEY);
    this.state.set(null);
    this.endReason.set(reason);
    this.endedSubject.next(reason);
  }

  private scheduleExpiry(): void {
    clearTimeout(this.expiryTimer);
    const current = this.state();
    if (!current) return;
    const ms = Date.parse(current.expiresAt) - Date.now();
    // setTimeout overflows past ~24.8 days; a tab open that long re-checks on each request anyway
    if (ms < 2 ** 31 - 1) this.expiryTimer = setTimeout(() => this.end('expired'), Math.max(0, ms));
  }

  private read(): StoredSession | null {
    try {
      const raw = this.storage()?.getItem(STORAGE_KEY);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Partial<StoredSession>;
      if (typeof parsed.token !== 'string' || typeof parsed.expiresAt !== 'string' || !parsed.user) return null;
      if (isExpired(parsed.expiresAt)) {
        this.storage()?.removeItem(STORAGE_KEY);
        return null;
      }
      return parsed as StoredSession;
    } catch {
      return null;
    }
  }

  private storage(): Storage | null {
    try {
      return typeof sessionStorage === 'undefined' ? null : sessionStorage;
    } catch {
      return null; // storage disabled by the browser
    }
  }
}

function isExpired(expiresAt: string): boolean {
  const at = Date.parse(expiresAt);
  return Number.isNaN(at) || at <= Date.now();
}
