export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  baseMs: number;
  /** Upper bound of any delay, in ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000 };

/**
 * Exponential backoff with "full jitter": attempt 0 waits up to baseMs,
 * each further attempt doubles the ceiling, capped at maxMs. The jitter keeps
 * many clients that lost the same server from reconnecting in lockstep.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  // Never less than a quarter of the ceiling, so retries are not instant.
  return Math.round(ceiling / 4 + random() * (ceiling * 3) / 4);
}
