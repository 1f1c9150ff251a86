import { EMPTY, defer, first, merge, mergeMap, of, raceWith, retry, throwError, timer, type Observable } from 'rxjs';
import { toAppError } from '@parley/web/shared/data-access';
import { backoffDelay } from '@parley/web/shared/util';

/** Network failures of one send are retried this many times before it shows as failed. */
export const SEND_RETRIES = 6;

/** An attempt given up because the connection came back: sent again at once. */
class SendAgainNow extends Error {
  constructor() {
    super('The connection came back: sending again');
  }
}

/**
 * Sends with retries: network failures with backoff, rate limits after the
 * delay the server asked for, anything else not at all. When `wake` emits
 * (the live socket came back after a loss), a send waiting for its next try
 * goes at once, and one still out is given up and sent again: a request made
 * before the loss may hang on a dead connection while the reply to it already
 * shows. Safe because a send carries its clientMessageId: the server stores
 * it once however often it arrives, and answers the stored message.
 */
export function sendWithRetry<T>(send: () => Observable<T>, wake: Observable<unknown> = EMPTY, count = SEND_RETRIES): Observable<T> {
  const attempt = defer(send).pipe(raceWith(wake.pipe(first(), mergeMap(() => throwError(() => new SendAgainNow())))));
  return attempt.pipe(
    retry({
      count,
      delay: (e: unknown, attempt: number) => {
        if (e instanceof SendAgainNow) return of(null);
        const error = toAppError(e);
        if (error.code === 'NETWORK') return merge(timer(backoffDelay(attempt - 1)), wake).pipe(first());
        if (error.code === 'RATE_LIMITED') return timer((error.retryAfterSeconds ?? 2) * 1000);
        return throwError(() => e);
      },
    }),
  );
}
