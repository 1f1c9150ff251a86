import { DestroyRef, Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import { Subject } from 'rxjs';
import { toAppError, type SessionAccess } from '@parley/web/shared/data-access';
import type { AuthSessionFragment, SessionUserFragment } from '../generated/graphql';
import { SESSION_REFRESHER } from './session-refresher';

/**
 * Where the session is kept, under a key of each app's own (the site, the
 * desk and the widget share an origin: signing into one never touches the
 * others). 'session' (the desk): sessionStorage, one session per tab.
 * 'local' (the site, the widget): localStorage, one session for every tab of
 * the browser, kept in step through storage events, and renewed by one tab
 * at a time under a Web Lock (a refresh token works once).
 */
export interface SessionPersistence {
  area: 'session' | 'local';
  key: string;
  /** A storage of the area's kind to use instead of the browser's own (the widget's, where a framed page has none). */
  storage?: () => Storage | null;
}

export const SESSION_PERSISTENCE = new InjectionToken<SessionPersistence>('SessionPersistence', {
  providedIn: 'root',
  factory: () => SITE_SESSION,
});

/** The customer site: one session for every tab of the browser. */
export const SITE_SESSION: SessionPersistence = { area: 'local', key: 'parley.site.session' };
/** The agent desk: one session per tab (an agent may work as two people in two tabs). */
export const DESK_SESSION: SessionPersistence = { area: 'session', key: 'parley.desk.session' };

/** Everything the app keeps in the tab's sessionStorage (drafts) starts with this; signing out clears it. */
export const APP_STORAGE_PREFIX = 'parley.';

/** Refresh this long before the access token expires (halfway through for short-lived tokens, see refreshDueAt). */
const REFRESH_MARGIN_MS = 60_000;
/** After a refresh failed for a reason other than the session ending (network, server), try again this soon. */
const REFRESH_RETRY_MS = 10_000;

export interface StoredSession {
  token: string;
  expiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
  /** When the access token arrived (ms since epoch): its lifetime sizes the refresh margin. */
  receivedAt: number;
  user: SessionUserFragment;
}

export type SessionEndReason = 'expired' | 'rejected';

/**
 * The signed-in session of this app. Access and refresh tokens live where
 * SESSION_PERSISTENCE says: they survive a reload, and are forgotten on
 * sign-out. Implements SessionAccess for the transport.
 *
 * The short-lived access token is renewed with the single-use refresh token
 * shortly before it expires (timer, or on demand in accessToken()); all callers
 * share one refresh in flight, since a spent refresh token used twice ends the
 * whole session on the server.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore implements SessionAccess {
  private readonly refresher = inject(SESSION_REFRESHER);
  private readonly persistence = inject(SESSION_PERSISTENCE);
  private readonly state = signal<StoredSession | null>(null);
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<StoredSession | null> | null = null;
  private readonly endedSubject = new Subject<SessionEndReason>();
  private readonly signedOutSubject = new Subject<void>();

  /** Fires when the session ends on its own (not on sign-out): send the customer to sign in. */
  readonly ended = this.endedSubject.asObservable();
  /** Another tab of a shared session signed out: leave the signed-in pages. */
  readonly signedOutElsewhere = this.signedOutSubject.asObservable();
  readonly user = computed(() => this.state()?.user ?? null);
  readonly signedIn = computed(() => this.state() !== null);
  /** Why the last session ended, for the sign-in page's notice; cleared on the next sign-in. */
  readonly endReason = signal<SessionEndReason | null>(null);

  constructor() {
    this.state.set(this.read());
    this.scheduleRefresh();
    const onStorage = (event: StorageEvent) => this.otherTabChanged(event);
    if (this.shared && typeof window !== 'undefined') window.addEventListener('storage', onStorage);
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(this.refreshTimer);
      if (typeof window !== 'undefined') window.removeEventListener('storage', onStorage);
    });
  }

  /** Whether every tab shares this session (localStorage). */
  private get shared(): boolean {
    return this.persistence.area === 'local';
  }

  /** Another tab signed in, renewed the tokens or signed out: follow it (signed out there: `signedOutElsewhere` fires). */
  private otherTabChanged(event: StorageEvent): void {
    if (event.key !== null && event.key !== this.persistence.key) return;
    const next = this.read();
    const current = this.state();
    if (next?.token === current?.token) return;
    if (next) {
      this.state.set(next);
      this.scheduleRefresh();
    } else {
      clearTimeout(this.refreshTimer);
      this.state.set(null);
      this.signedOutSubject.next();
    }
  }

  start(payload: AuthSessionFragment): void {
    const { token, expiresAt, refreshToken, refreshExpiresAt, user } = payload;
    this.save({ token, expiresAt, refreshToken, refreshExpiresAt, receivedAt: Date.now(), user });
    this.endReason.set(null);
  }

  updateUser(user: SessionUserFragment): void {
    const current = this.state();
    if (current) this.save({ ...current, user });
  }

  /**
   * The access token to send now, refreshed first when it is about to expire;
   * null when signed out (or the session just ended). Rejects only when the
   * token has expired and a refresh failed for a passing reason (network):
   * the caller's request fails like any network failure and is retried.
   */
  async accessToken(): Promise<string | null> {
    const current = this.state();
    if (!current) return null;
    if (Date.now() < refreshDueAt(current)) return current.token;
    try {
      return (await this.refresh())?.token ?? null;
    } catch (error) {
      const now = this.state();
      if (now && !isExpired(now.expiresAt)) return now.token;
      throw error;
    }
  }

  hasToken(): boolean {
    return this.state() !== null;
  }

  sessionRejected(): void {
    this.end('rejected');
  }

  /**
   * The server refused `token` (a socket closed with 4403: it expired, or the
   * session was signed out elsewhere). Resolves true when there is a newer
   * token to try (refreshing if `token` is still the current one), false when
   * the session has ended.
   */
  async tokenRefused(token: string | null): Promise<boolean> {
    const current = this.state();
    if (!current) return false;
    if (current.token !== token) return true;
    try {
      return (await this.refresh()) !== null;
    } catch {
      return true; // a passing failure: the reconnect tries again (and refreshes again if needed)
    }
  }

  /** The token held now, without refreshing (for signing out). */
  currentToken(): string | null {
    return this.state()?.token ?? null;
  }

  /**
   * Signing out forgets the tokens and everything else this tab kept (drafts).
   * Only this app's own key goes from localStorage: the other apps of the
   * origin (and the help center's browser token) keep theirs.
   */
  clear(): void {
    clearTimeout(this.refreshTimer);
    this.storage()?.removeItem(this.persistence.key);
    const tab = this.shared ? sessionStorageOrNull() : this.storage();
    if (tab) {
      const keys = Array.from({ length: tab.length }, (_, i) => tab.key(i));
      for (const key of keys) if (key?.startsWith(APP_STORAGE_PREFIX)) tab.removeItem(key);
    }
    this.endReason.set(null);
    this.state.set(null);
  }

  /** One refresh at a time: concurrent callers share it. */
  private refresh(): Promise<StoredSession | null> {
    this.refreshing ??= (this.shared ? this.refreshOnce() : this.runRefresh()).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** Shared sessions: one tab at a time, and a tab that finds fresher tokens (renewed by another) takes those. */
  private async refreshOnce(): Promise<StoredSession | null> {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (!locks) return this.runRefresh();
    let entered = false;
    try {
      return await locks.request(`${this.persistence.key}.refresh`, async (): Promise<StoredSession | null> => {
        entered = true;
        const stored = this.read();
        const current = this.state();
        if (stored && current && stored.refreshToken !== current.refreshToken && Date.now() < refreshDueAt(stored)) {
          this.state.set(stored);
          this.scheduleRefresh();
          return stored;
        }
        if (!stored && current) {
          // signed out in another tab
          clearTimeout(this.refreshTimer);
          this.state.set(null);
          return null;
        }
        return this.runRefresh();
      });
    } catch (error) {
      // a framed page denied its storage is denied Web Locks too: it refreshes alone
      if (entered) throw error;
      return this.runRefresh();
    }
  }

  private async runRefresh(): Promise<StoredSession | null> {
    const current = this.state();
    if (!current) return null;
    if (isExpired(current.refreshExpiresAt)) {
      this.end('expired');
      return null;
    }
    try {
      const payload = await this.refresher(current.refreshToken);
      // signed out, or signed in again, while the answer was on its way
      if (this.state() !== current) return this.state();
      this.start(payload);
      return this.state();
    } catch (error) {
      const failure = toAppError(error);
      if (failure.code !== 'UNAUTHENTICATED') throw failure;
      if (this.state() === current) this.end('expired');
      return null;
    }
  }

  private save(session: StoredSession): void {
    this.storage()?.setItem(this.persistence.key, JSON.stringify(session));
    this.state.set(session);
    this.scheduleRefresh();
  }

  /** The session ended by itself: forget the tokens, but keep drafts for after signing in again. */
  private end(reason: SessionEndReason): void {
    if (!this.state()) return;
    clearTimeout(this.refreshTimer);
    this.storage()?.removeItem(this.persistence.key);
    this.state.set(null);
    this.endReason.set(reason);
    this.endedSubject.next(reason);
  }

  private scheduleRefresh(delayMs?: number): void {
    clearTimeout(this.refreshTimer);
    const current = this.state();
    if (!current) return;
    const ms = delayMs ?? refreshDueAt(current) - Date.now();
    // setTimeout overflows past ~24.8 days; a tab open that long refreshes on its next request anyway
    if (ms >= 2 ** 31 - 1) return;
    this.refreshTimer = setTimeout(() => {
      this.refresh().catch(() => {
        if (this.state() === current) this.scheduleRefresh(REFRESH_RETRY_MS);
      });
    }, Math.max(0, ms));
  }

  private read(): StoredSession | null {
    try {
      const raw = this.storage()?.getItem(this.persistence.key);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Partial<StoredSession>;
      const valid =
        typeof parsed.token === 'string' &&
        typeof parsed.expiresAt === 'string' &&
        typeof parsed.refreshToken === 'string' &&
        typeof parsed.refreshExpiresAt === 'string' &&
        typeof parsed.receivedAt === 'number' &&
        parsed.user;
      if (!valid || isExpired(parsed.refreshExpiresAt as string)) {
        this.storage()?.removeItem(this.persistence.key);
        return null;
      }
      return parsed as StoredSession;
    } catch {
      return null;
    }
  }

  private storage(): Storage | null {
    try {
      if (this.persistence.storage) return this.persistence.storage();
      if (this.shared) return typeof localStorage === 'undefined' ? null : localStorage;
      return typeof sessionStorage === 'undefined' ? null : sessionStorage;
    } catch {
      return null; // storage disabled by the browser
    }
  }
}

function sessionStorageOrNull(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** When to refresh: a minute before expiry, or halfway through the lifetime of a token shorter than two minutes. */
function refreshDueAt(session: StoredSession): number {
  const expiresAt = Date.parse(session.expiresAt);
  if (Number.isNaN(expiresAt)) return 0;
  const lifetime = Math.max(0, expiresAt - session.receivedAt);
  return expiresAt - Math.min(REFRESH_MARGIN_MS, lifetime / 2);
}

function isExpired(at: string): boolean {
  const ms = Date.parse(at);
  return Number.isNaN(ms) || ms <= Date.now();
}
