import { DEFAULT_DELIVERY_OPTIONS, retryDelaySeconds } from './webhook.delivery';

describe('the retry schedule', () => {
  it('retries first within 5 s, doubles up to an hour, and keeps on for at least 24 hours', () => {
    const delays = Array.from({ length: 60 }, (_, i) => retryDelaySeconds(i + 1));
    // Plus at most one polling interval of the job queue (2 s).
    expect(delays[0] + 2).toBeLessThanOrEqual(5);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBe(Math.min(delays[i - 1] * 2, 3600));
    expect(Math.max(...delays)).toBe(3600);
    // An event is given up only once it is 24 hours old: the retries before then cover the whole day.
    expect(DEFAULT_DELIVERY_OPTIONS.giveUpAfterSeconds).toBeGreaterThanOrEqual(24 * 3600);
    let elapsed = 0;
    let retries = 0;
    while (elapsed < DEFAULT_DELIVERY_OPTIONS.giveUpAfterSeconds) elapsed += retryDelaySeconds(++retries);
    expect(retries).toBeGreaterThan(20);
  });
});
