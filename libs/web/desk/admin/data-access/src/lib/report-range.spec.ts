import { lastDays, reportRange, toMinutes } from './report-range';


describe('reportRange', () => {
  it('runs from the first day\'s local midnight to the midnight after the last', () => {
    const range = reportRange('2026-01-01', '2026-01-31');
    expect(range).toEqual({ from: new Date(2026, 0, 1).toISOString(), to: new Date(2026, 1, 1).toISOString() });
  });

  it('takes one day, and refuses a reversed, impossible or overlong range', () => {
    expect(reportRange('2026-03-05', '2026-03-05')).toEqual({ from: new Date(2026, 2, 5).toISOString(), to: new Date(2026, 2, 6).toISOString() });
    expect(reportRange('2026-03-05', '2026-03-04')).toEqual({ problem: 'order' });
    expect(reportRange('2026-02-30', '2026-03-04')).toEqual({ problem: 'invalid' });
    expect(reportRange('', '2026-03-04')).toEqual({ problem: 'invalid' });
    // 2024 is a leap year: 1 January to 31 December is 366 days, one more is too many.
    expect(reportRange('2024-01-01', '2024-12-31')).not.toHaveProperty('problem');
    expect(reportRange('2024-01-01', '2025-01-01')).toEqual({ problem: 'tooLong' });
  });
});

describe('lastDays', () => {
  it('ends on today and counts today', () => {
    expect(lastDays(new Date(2026, 2, 3, 15, 0), 7)).toEqual({ first: '2026-02-25', last: '2026-03-03' });
    expect(lastDays(new Date(2026, 2, 3), 1)).toEqual({ first: '2026-03-03', last: '2026-03-03' });
  });
});

describe('toMinutes', () => {
  it('rounds to a tenth of a minute and keeps a missing figure missing', () => {
    expect(toMinutes(90)).toBe(1.5);
    expect(toMinutes(100)).toBe(1.7);
    expect(toMinutes(0)).toBe(0);
    expect(toMinutes(null)).toBeNull();
  });
});

