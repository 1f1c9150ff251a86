import { TestBed } from '@angular/core/testing';
import { SessionStore } from './session.store';

const user = { id: 'u1', displayName: 'Jamie', email: 'jamie@example.com', role: 'CUSTOMER' as const, createdAt: '2026-01-01T00:00:00.000Z' };
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe('SessionStore', () => {
  beforeEach(() => {
    sessionStorage.clear();
    TestBed.resetTestingModule();
  });

  it('keeps the token for the tab (sessionStorage) and sends it while valid', async () => {
    const store = TestBed.inject(SessionStore);
    store.start({ token: 'tok', expiresAt: inMinutes(15), user });
    expect(store.signedIn()).toBe(true);
    expect(await store.accessToken()).toBe('tok');
    expect(JSON.parse(sessionStorage.getItem('parley.session') ?? '{}')).toMatchObject({ token: 'tok' });

    // a reload of the same tab picks it up again
    TestBed.resetTestingModule();
    const again = TestBed.inject(SessionStore);
    expect(again.user()?.displayName).toBe('Jamie');
  });

  it('signing out forgets the token and the drafts', () => {
    const store = TestBed.inject(SessionStore);
    store.start({ token: 'tok', expiresAt: inMinutes(15), user });
    sessionStorage.setItem('parley.draft.chat-1', 'half-written');
    sessionStorage.setItem('other.app', 'kept');
    store.clear();
    expect(store.signedIn()).toBe(false);
    expect(sessionStorage.getItem('parley.session')).toBeNull();
    expect(sessionStorage.getItem('parley.draft.chat-1')).toBeNull();
    expect(sessionStorage.getItem('other.app')).toBe('kept');
  });

  it('ends an expired or rejected session but keeps the drafts', async () => {
    jest.useFakeTimers();
    try {
      const store = TestBed.inject(SessionStore);
      const ended: string[] = [];
      store.ended.subscribe((r) => ended.push(r));
      sessionStorage.setItem('parley.draft.chat-1', 'half-written');
      store.start({ token: 'tok', expiresAt: inMinutes(1), user });
      jest.advanceTimersByTime(61_000);
      expect(ended).toEqual(['expired']);
      expect(store.signedIn()).toBe(false);
      expect(store.endReason()).toBe('expired');
      expect(sessionStorage.getItem('parley.draft.chat-1')).toBe('half-written');

      store.start({ token: 'tok2', expiresAt: inMinutes(10), user });
      expect(store.endReason()).toBeNull();
      store.sessionRejected();
      expect(ended).toEqual(['expired', 'rejected']);
      expect(await store.accessToken()).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('ignores a stored token that has expired', () => {
    sessionStorage.setItem('parley.session', JSON.stringify({ token: 'old', expiresAt: inMinutes(-1), user }));
    expect(TestBed.inject(SessionStore).signedIn()).toBe(false);
  });
});
