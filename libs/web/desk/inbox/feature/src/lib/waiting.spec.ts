import '@angular/localize/init';
import { formatWaiting } from './waiting';

describe('formatWaiting', () => {
  const t0 = Date.parse('2026-01-01T10:00:00Z');
  it('counts seconds, then minutes, then hours and minutes', () => {
    expect(formatWaiting('2026-01-01T10:00:00Z', t0 + 45_000)).toBe('45 s');
    expect(formatWaiting('2026-01-01T10:00:00Z', t0 + 3 * 60_000 + 10_000)).toBe('3 min');
    expect(formatWaiting('2026-01-01T10:00:00Z', t0 + 125 * 60_000)).toBe('2 h 5 min');
    expect(formatWaiting('2026-01-01T10:00:00Z', t0 - 5_000)).toBe('0 s');
  });
});
