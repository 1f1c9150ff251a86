import { TestBed } from '@angular/core/testing';
import { RATING_STORAGE, RatingPrompts } from './rating-prompts';

describe('RatingPrompts', () => {
  const closed = { id: 'c1', status: 'CLOSED', rating: null };
  let storage: Storage;

  beforeEach(() => {
    const values = new Map<string, string>();
    storage = {
      get length() {
        return values.size;
      },
      key: (i: number) => [...values.keys()][i] ?? null,
      getItem: (k: string) => values.get(k) ?? null,
      setItem: (k: string, v: string) => void values.set(k, v),
      removeItem: (k: string) => void values.delete(k),
      clear: () => values.clear(),
    };
    TestBed.configureTestingModule({ providers: [{ provide: RATING_STORAGE, useValue: storage }] });
  });

  it('asks about a closed, unrated chat only', () => {
    const prompts = TestBed.inject(RatingPrompts);
    expect(prompts.shouldAsk(closed)).toBe(true);
    expect(prompts.shouldAsk({ ...closed, status: 'ACTIVE' })).toBe(false);
    expect(prompts.shouldAsk({ ...closed, rating: 3 })).toBe(false);
    expect(prompts.shouldAsk(null)).toBe(false);
  });

  it('does not ask again after "No thanks", even on the next page load', () => {
    TestBed.inject(RatingPrompts).dismiss('c1');
    expect(TestBed.inject(RatingPrompts).shouldAsk(closed)).toBe(false);
    // a new page: a new service reading the same storage
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [{ provide: RATING_STORAGE, useValue: storage }] });
    const next = TestBed.inject(RatingPrompts);
    expect(next.shouldAsk(closed)).toBe(false);
    expect(next.shouldAsk({ ...closed, id: 'c2' })).toBe(true);
  });

  it('survives storage it cannot read or write', () => {
    storage.setItem('parley.rating.dismissed', '{not json');
    const prompts = TestBed.inject(RatingPrompts);
    expect(prompts.shouldAsk(closed)).toBe(true);
    storage.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    prompts.dismiss('c1');
    expect(prompts.shouldAsk(closed)).toBe(false);
  });
});
