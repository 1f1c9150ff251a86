import { type Observable, type SchedulerLike, asyncScheduler, debounceTime, filter, map, merge, share, switchMap, takeUntil } from 'rxjs';

/** How long typing after "/" must pause before the server is asked (asking on every keystroke flooded it). */
export const CANNED_LOOKUP_PAUSE_MS = 200;

/**
 * The suggestions for a stream of lookups: what follows the "/", or null
 * when there is none (the text changed, Escape, a reply picked). A query is
 * sent once typing pauses; any newer lookup drops the answer still on its way
 * (switchMap for newer queries, takeUntil for the keystroke that comes before
 * the pause ends); null clears the suggestions at once.
 */
export function cannedSuggestions<T>(
  lookups: Observable<string | null>,
  search: (query: string) => Observable<readonly T[]>,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<readonly T[]> {
  const each = lookups.pipe(share());
  const cleared = each.pipe(
    filter((query) => query === null),
    map((): readonly T[] => []),
  );
  const found = each.pipe(
    debounceTime(CANNED_LOOKUP_PAUSE_MS, scheduler),
    filter((query): query is string => query !== null),
    switchMap((query) => search(query).pipe(takeUntil(each))),
  );
  return merge(cleared, found);
}
