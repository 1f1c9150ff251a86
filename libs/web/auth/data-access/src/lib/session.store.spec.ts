import { TestBed } from '@angular/core/testing';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import type { AuthSessionFragment } from '../generated/graphql';
import { SESSION_REFRESHER, type SessionRefresher } from './session-refresher';
import { DESK_SESSION, SESSION_PERSISTENCE, SessionStore } from './session.store';

const user = { id: 'u1', displayName: 'Jamie', email: 'jamie@example.com', role: 'CUSTOMER' as const, createdAt: '2026-01-01T00:00:00.000Z' };
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const MINUTE = 60_000;

/** A session as the API answers register/login/refreshToken: 15-minute access token, 30-day refresh token. */
function payload(token: string, refreshToken: string, accessMinutes = 15): AuthSessionFragment {
  return { token, expiresAt: inMinutes(accessMinutes), refreshToken, refreshExpiresAt: inMinutes(30 * 24 * 60), user };
}

const refused = () => new CombinedGraphQLErrors({ errors: [{ message: 'Session expired', extensions: { code: 'UNAUTHENTICATED' } }] });

/** A refresher the test answers by hand, recording the refresh tokens it was given. */
function manualRefresher() {
  const calls: string[] = [];
  const pending: Array<{ resolve: (p: AuthSessionFragment) => void; reject: (e: unknown) => void }> = [];
  const refresher: SessionRefresher = (refreshToken) => {
    calls.push(refreshToken);
    return new Promise((resolve, reject) => pending.push({ resolve, reject }));
  };
  return { calls, refresher, answer: (p: AuthSessionFragment) => pending.shift()?.resolve(p), fail: (e: unknown) => pending.shift()?.reject(e) };
}

function storeWith(refresher: SessionRefresher): SessionStore {
  TestBed.configureTestingModule({ providers: [{ provide: SESSION_REFRESHER, useValue: refresher }, { provide: SESSION_PERSISTENCE, useValue: DESK_SESSION }] });
  return TestBed.inject(SessionStore);
}

describe('SessionStore', () => {
  beforeEach(() => {
    sessionStorage.clear();
    TestBed.resetTestingModule();
  });
  afterEach(() => jest.useRealTimers());

  it('keeps the tokens for the tab (sessionStorage) and sends the access token while valid', async () => {
    const server = manualRefresher();
    const store = storeWith(server.refresher);
    store.start(payload('tok', 'ref'));
    expect(store.signedIn()).toBe(true);
    expect(await store.accessToken()).toBe('tok');
    expect(server.calls).toEqual([]);
    expect(JSON.parse(sessionStorage.getItem('parley.desk.session') ?? '{}')).toMatchObject({ token: 'tok', refreshToken: 'ref' });

    // a reload of the same tab picks it up again
    TestBed.resetTestingModule();
    const again = storeWith(server.refresher);
    expect(again.user()?.displayName).toBe('Jamie');
  });

  it('signing out forgets the tokens and the drafts', () => {
    const store = storeWith(manualRefresher().refresher);
    store.start(payload('tok', 'ref'));
    sessionStorage.setItem('parley.draft.chat-1', 'half-written');
    sessionStorage.setItem('other.app', 'kept');
    store.clear();
    expect(store.signedIn()).toBe(false);
    expect(store.currentToken()).toBeNull();
    expect(sessionStorage.getItem('parley.desk.session')).toBeNull();
    expect(sessionStorage.getItem('parley.draft.chat-1')).toBeNull();
    expect(sessionStorage.getItem('other.app')).toBe('kept');
  });

  it('refreshes within a minute of expiry, with one refresh shared by every caller', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    const server = manualRefresher();
    const store = storeWith(server.refresher);
    store.start(payload('tok1', 'ref1'));

    jest.setSystemTime(Date.now() + 14.5 * MINUTE);
    const waiting = [store.accessToken(), store.accessToken(), store.accessToken(), store.tokenRefused('tok1')];
    expect(server.calls).toEqual(['ref1']);
    server.answer(payload('tok2', 'ref2'));
    expect(await Promise.all(waiting)).toEqual(['tok2', 'tok2', 'tok2', true]);
    expect(JSON.parse(sessionStorage.getItem('parley.desk.session') ?? '{}')).toMatchObject({ token: 'tok2', refreshToken: 'ref2' });

    // a socket refused with the old token just reconnects with the new one
    expect(await store.tokenRefused('tok1')).toBe(true);
    expect(server.calls).toEqual(['ref1']);
  });

  it('refreshes on its own before expiry instead of ending the session', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    const server = manualRefresher();
    const store = storeWith(server.refresher);
    const ended: string[] = [];
    store.ended.subscribe((r) => ended.push(r));
    store.start(payload('tok1', 'ref1'));

    jest.advanceTimersByTime(14 * MINUTE + 1_000);
    expect(server.calls).toEqual(['ref1']);
    server.answer(payload('tok2', 'ref2'));
    await Promise.resolve();
    expect(await store.accessToken()).toBe('tok2');

    jest.advanceTimersByTime(14 * MINUTE + 1_000);
    expect(server.calls).toEqual(['ref1', 'ref2']);
    server.answer(payload('tok3', 'ref3'));
    expect(await store.accessToken()).toBe('tok3');
    expect(ended).toEqual([]);
    expect(store.signedIn()).toBe(true);
  });

  it('ends the session, keeping the drafts, when the server refuses the refresh', async () => {
    const server = manualRefresher();
    const store = storeWith(server.refresher);
    const ended: string[] = [];
    store.ended.subscribe((r) => ended.push(r));
    sessionStorage.setItem('parley.draft.chat-1', 'half-written');
    store.start(payload('tok1', 'ref1', -1)); // already expired, as after the tab slept

    const token = store.accessToken();
    server.fail(refused());
    expect(await token).toBeNull();
    expect(ended).toEqual(['expired']);
    expect(store.signedIn()).toBe(false);
    expect(store.endReason()).toBe('expired');
    expect(sessionStorage.getItem('parley.desk.session')).toBeNull();
    expect(sessionStorage.getItem('parley.draft.chat-1')).toBe('half-written');

    // a socket refused after that has nothing to reconnect with
    expect(await store.tokenRefused('tok1')).toBe(false);
  });

  it('keeps the session through a failed refresh that was not a refusal (network)', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    const server = manualRefresher();
    const store = storeWith(server.refresher);
    store.start(payload('tok1', 'ref1'));

    // still valid: the request goes out with the current token
    jest.setSystemTime(Date.now() + 14.5 * MINUTE);
    const early = store.accessToken();
    server.fail(new TypeError('Failed to fetch'));
    expect(await early).toBe('tok1');

    // expired: the request fails like a network failure, and the session stays
    jest.setSystemTime(Date.now() + MINUTE);
    const late = store.accessToken();
    server.fail(new TypeError('Failed to fetch'));
    await expect(late).rejects.toMatchObject({ code: 'NETWORK' });
    expect(store.signedIn()).toBe(true);

    const retried = store.accessToken();
    server.answer(payload('tok2', 'ref2'));
    expect(await retried).toBe('tok2');
    expect(server.calls).toEqual(['ref1', 'ref1', 'ref1']);
  });

  it('ends a rejected session at once', async () => {
    const store = storeWith(manualRefresher().refresher);
    const ended: string[] = [];
    store.ended.subscribe((r) => ended.push(r));
    store.start(payload('tok', 'ref'));
    store.sessionRejected();
    expect(ended).toEqual(['rejected']);
    expect(await store.accessToken()).toBeNull();
  });

  it('restores a stored session whose refresh token is valid, and ignores others', async () => {
    const server = manualRefresher();
    const stored = (p: AuthSessionFragment, extra: object = {}) =>
      sessionStorage.setItem('parley.desk.session', JSON.stringify({ ...p, receivedAt: Date.now() - 20 * MINUTE, ...extra }));

    stored(payload('old', 'ref-old', -5));
    const store = storeWith(server.refresher);
    expect(store.signedIn()).toBe(true);
    const token = store.accessToken();
    server.answer(payload('new', 'ref-new'));
    expect(await token).toBe('new');

    TestBed.resetTestingModule();
    stored(payload('old', 'ref-old', -5), { refreshExpiresAt: inMinutes(-1) });
    expect(storeWith(server.refresher).signedIn()).toBe(false);

    TestBed.resetTestingModule();
    sessionStorage.setItem('parley.desk.session', JSON.stringify({ token: 'old', expiresAt: inMinutes(10), user }));
    expect(storeWith(server.refresher).signedIn()).toBe(false);
  });
});

describe('SessionStore shared by every tab (localStorage, the widget)', () => {
  const persistence = { area: 'local' as const, key: 'parley.widget.session' };
  function sharedStore(refresher: SessionRefresher): SessionStore {
    TestBed.configureTestingModule({ providers: [{ provide: SESSION_REFRESHER, useValue: refresher }, { provide: SESSION_PERSISTENCE, useValue: persistence }] });
    return TestBed.inject(SessionStore);
  }
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
    TestBed.resetTestingModule();
  });

  it('keeps the tokens in localStorage, not the tab', () => {
    const store = sharedStore(manualRefresher().refresher);
    store.start(payload('tok', 'ref'));
    expect(JSON.parse(localStorage.getItem('parley.widget.session') ?? '{}')).toMatchObject({ token: 'tok' });
    expect(sessionStorage.length).toBe(0);
  });

  it('follows another tab: its renewed tokens, and its signing out', () => {
    const store = sharedStore(manualRefresher().refresher);
    store.start(payload('tok1', 'ref1'));
    const other = { ...JSON.parse(localStorage.getItem('parley.widget.session') ?? '{}'), token: 'tok2', refreshToken: 'ref2' };
    localStorage.setItem('parley.widget.session', JSON.stringify(other));
    window.dispatchEvent(new StorageEvent('storage', { key: 'parley.widget.session' }));
    expect(store.currentToken()).toBe('tok2');
    localStorage.removeItem('parley.widget.session');
    window.dispatchEvent(new StorageEvent('storage', { key: 'parley.widget.session' }));
    expect(store.signedIn()).toBe(false);
  });

  it('takes the tokens another tab already renewed instead of spending the refresh token again', async () => {
    const server = manualRefresher();
    const store = sharedStore(server.refresher);
    store.start(payload('tok1', 'ref1', 0));
    // another tab renewed first (no storage event reached this one yet)
    localStorage.setItem('parley.widget.session', JSON.stringify({ ...JSON.parse(localStorage.getItem('parley.widget.session') ?? '{}'), token: 'tok2', refreshToken: 'ref2', expiresAt: inMinutes(15), receivedAt: Date.now() }));
    const locks = { request: (_name: string, callback: () => Promise<unknown>) => callback() };
    Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await store.accessToken()).toBe('tok2');
      expect(server.calls).toEqual([]);
    } finally {
      Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
    }
  });
});

describe('the site and the desk, side by side on one origin', () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
    TestBed.resetTestingModule();
  });

  it('keeps the site in its own localStorage key, and signing out of it leaves the desk, the widget and the help center signed in', () => {
    sessionStorage.setItem('parley.desk.session', 'desk tokens');
    localStorage.setItem('parley.widget.session', 'widget tokens');
    localStorage.setItem('parley.help.browser', 'help token');
    TestBed.configureTestingModule({ providers: [{ provide: SESSION_REFRESHER, useValue: manualRefresher().refresher }] });
    const site = TestBed.inject(SessionStore);
    site.start(payload('tok', 'ref'));
    expect(JSON.parse(localStorage.getItem('parley.site.session') ?? '{}')).toMatchObject({ token: 'tok' });
    sessionStorage.setItem('parley.draft.new', 'half a sentence');

    site.clear();
    expect(localStorage.getItem('parley.site.session')).toBeNull();
    expect(sessionStorage.getItem('parley.draft.new')).toBeNull();
    expect([localStorage.getItem('parley.widget.session'), localStorage.getItem('parley.help.browser')]).toEqual(['widget tokens', 'help token']);
  });

  it("tells the page when another tab signed the site out, and ignores the desk's key", () => {
    TestBed.configureTestingModule({ providers: [{ provide: SESSION_REFRESHER, useValue: manualRefresher().refresher }] });
    const site = TestBed.inject(SessionStore);
    site.start(payload('tok', 'ref'));
    const seen: string[] = [];
    site.signedOutElsewhere.subscribe(() => seen.push('signed out'));
    window.dispatchEvent(new StorageEvent('storage', { key: 'parley.desk.session' }));
    expect(site.signedIn()).toBe(true);
    localStorage.removeItem('parley.site.session');
    window.dispatchEvent(new StorageEvent('storage', { key: 'parley.site.session' }));
    expect([site.signedIn(), seen]).toEqual([false, ['signed out']]);
  });
});
