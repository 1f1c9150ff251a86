import { retry, throwError, timer, type MonoTypeOperatorFunction } from 'rxjs';
import { toAppError } from '@parley/web/shared/data-access';
import { backoffDelay } from '@parley/web/shared/util';

/** Network failures of one send are retried this many times before it shows as failed. */
export const SEND_RETRIES = 6;

/**
 * How a send is retried: network failures with backoff, rate limits after the
 * delay the server asked for, anything else not at all. Safe because a send
 * carries its clientMessageId: the server stores it once however often it arrives.
 */
export function retrySend<T>(count = SEND_RETRIES): MonoTypeOperatorFunction<T> {
  return retry({
    count,
    delay: (e: unknown, attempt: number) => {
      const error = toAppError(e);
      if (error.code === 'NETWORK') return timer(backoffDelay(attempt - 1));
      if (error.code === 'RATE_LIMITED') return timer((error.retryAfterSeconds ?? 2) * 1000);
      return throwError(() => e);
    },
  });
}
