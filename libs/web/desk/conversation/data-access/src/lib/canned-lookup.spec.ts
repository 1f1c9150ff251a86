import { type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CANNED_LOOKUP_PAUSE_MS, cannedSuggestions } from './canned-lookup';

// Virtual time (RxJS's TestScheduler): one frame is 1 ms, the pause is CANNED_LOOKUP_PAUSE_MS frames; the server answers 50 frames after a query.
describe('cannedSuggestions', () => {
  const pause = CANNED_LOOKUP_PAUSE_MS;
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** Runs lookups (marbles, values by letter) against a server that answers `[query]` after 50 ms; the queries it was sent, with their times. */
  function run(marbles: string, values: Record<string, string | null>, expected: string, expectedValues: Record<string, readonly string[]>) {
    const asked: Array<[number, string]> = [];
    scheduler.run(({ hot, cold, expectObservable }) => {
      const search = (query: string): Observable<readonly string[]> => {
        asked.push([scheduler.now(), query]);
        return cold<readonly string[]>('50ms (a|)', { a: [query] });
      };
      expectObservable(cannedSuggestions(hot(marbles, values), search, scheduler)).toBe(expected, expectedValues);
    });
    return asked;
  }

  it('asks once typing pauses, for the last text only', () => {
    // "/r", "/re", "/ref" 10 ms apart (the last at frame 20): one query, for "ref"
    const asked = run('r 9ms e 9ms f', { r: 'r', e: 're', f: 'ref' }, `${20 + pause + 50}ms a`, { a: ['ref'] });
    expect(asked).toEqual([[20 + pause, 'ref']]);
  });

  it('drops an answer still on its way when the text changes, and asks for the new text after the pause', () => {
    // "ref" is asked at pause; 20 ms later (its answer due 30 ms after) "refu" is typed: "ref"'s answer never shows
    const asked = run(`r ${pause + 20}ms u`, { r: 'ref', u: 'refu' }, `${pause + 21 + pause + 50}ms a`, { a: ['refu'] });
    expect(asked).toEqual([
      [pause, 'ref'],
      [pause + 21 + pause, 'refu'],
    ]);
  });

  it('clears at once when the "/" is gone or Escape is pressed, and sends no query typed before it', () => {
    const asked = run('r 9ms x', { r: 'ref', x: null }, '10ms c', { c: [] });
    expect(asked).toEqual([]);
  });

  it('keeps what it found until the next answer, and clears with an answer on its way dropped', () => {
    const found = pause + 50;
    const asked = run(`r ${found + 9}ms u ${pause}ms x`, { r: 'ref', u: 'refu', x: null }, `${found}ms a ${pause + 10}ms c`, { a: ['ref'], c: [] });
    expect(asked.map(([, q]) => q)).toEqual(['ref', 'refu']);
  });
});
