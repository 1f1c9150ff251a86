import { DOCUMENT } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Observable, of, throwError } from 'rxjs';
import { SupportStatusGQL } from '../generated/graphql';
import { SUPPORT_STATUS_REFRESH_MS, SupportStatusStore, type SupportStatus } from './support-status.store';

/**
 * The store's timing with Jest's fake clock; supportStatus answers from a
 * stand-in that counts reads (the API side is covered by the team's
 * support-status integration spec, the page by the browser tests).
 */
describe('SupportStatusStore', () => {
  const online: SupportStatus = { anyoneOnline: true, withinBusinessHours: true, nextOpening: null };
  const nobody: SupportStatus = { anyoneOnline: false, withinBusinessHours: true, nextOpening: null };
  let answer: () => Observable<unknown>;
  let reads: number;
  let visibility: DocumentVisibilityState;

  const show = (state: DocumentVisibilityState) => {
    visibility = state;
    TestBed.inject(DOCUMENT).dispatchEvent(new Event('visibilitychange'));
  };

  beforeEach(() => {
    jest.useFakeTimers();
    reads = 0;
    visibility = 'visible';
    answer = () => of({ data: { supportStatus: nobody } });
    jest.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
    TestBed.configureTestingModule({
      providers: [
        { provide: SUPPORT_STATUS_REFRESH_MS, useValue: 60_000 },
        { provide: SupportStatusGQL, useValue: { fetch: () => (reads++, answer()) } },
      ],
    });
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('reads once on load() alone: nothing is kept fresh unless watched', () => {
    const store = TestBed.inject(SupportStatusStore);
    store.load();
    expect(store.away()).toBe(true);
    jest.advanceTimersByTime(5 * 60_000);
    expect(reads).toBe(1);
  });

  it('while watched, reads again every minute and notices the team coming online', () => {
    const store = TestBed.inject(SupportStatusStore);
    const stop = store.watch();
    expect(reads).toBe(1);
    expect(store.away()).toBe(true);
    answer = () => of({ data: { supportStatus: online } });
    jest.advanceTimersByTime(59_000);
    expect(store.away()).toBe(true);
    jest.advanceTimersByTime(1_000);
    expect(reads).toBe(2);
    expect(store.away()).toBe(false);
    stop();
    jest.advanceTimersByTime(10 * 60_000);
    expect(reads).toBe(2);
  });

  it('stops reading while the page is hidden, and reads at once when it is shown again', () => {
    const store = TestBed.inject(SupportStatusStore);
    const stop = store.watch();
    show('hidden');
    jest.advanceTimersByTime(10 * 60_000);
    expect(reads).toBe(1);
    answer = () => of({ data: { supportStatus: online } });
    show('visible');
    expect(reads).toBe(2);
    expect(store.away()).toBe(false);
    // Back and forth within seconds: no read each time, the minute's timer goes on.
    show('hidden');
    show('visible');
    expect(reads).toBe(2);
    jest.advanceTimersByTime(60_000);
    expect(reads).toBe(3);
    stop();
  });

  it('keeps one timer for several watchers, until the last stops; a failed read keeps what was known', () => {
    const store = TestBed.inject(SupportStatusStore);
    const first = store.watch();
    const second = store.watch();
    expect(reads).toBe(2);
    answer = () => throwError(() => new Error('offline'));
    jest.advanceTimersByTime(60_000);
    expect(reads).toBe(3);
    expect(store.away()).toBe(true);
    first();
    first();
    jest.advanceTimersByTime(60_000);
    expect(reads).toBe(4);
    second();
    jest.advanceTimersByTime(5 * 60_000);
    expect(reads).toBe(4);
  });
});
