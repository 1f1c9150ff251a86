import { backoffDelay, calendarDaysBetween, formatDayHeading, formatShortTime, initialsOf, newClientId } from '../index';

describe('time formatting', () => {
  const now = new Date(2026, 10, 25, 15, 30);

  it('counts calendar days, not 24-hour periods', () => {
    expect(calendarDaysBetween(new Date(2026, 10, 24, 23, 59), now)).toBe(1);
    expect(calendarDaysBetween(new Date(2026, 10, 25, 0, 1), now)).toBe(0);
  });

  it('shows a clock time today, "Yesterday", a weekday, then a date', () => {
    expect(formatShortTime(new Date(2026, 10, 25, 9, 5).toISOString(), now, 'en-GB')).toBe('09:05');
    expect(formatShortTime(new Date(2026, 10, 24, 9, 5).toISOString(), now, 'en-GB')).toBe('Yesterday');
    expect(formatShortTime(new Date(2026, 10, 21, 9, 5).toISOString(), now, 'en-GB')).toBe('Sat');
    expect(formatShortTime(new Date(2026, 2, 3).toISOString(), now, 'en-GB')).toBe('3 Mar');
    expect(formatShortTime(new Date(2025, 2, 3).toISOString(), now, 'en-GB')).toBe('3 Mar 2025');
  });

  it('names the days of a conversation', () => {
    expect(formatDayHeading(new Date(2026, 10, 25, 1).toISOString(), now, 'en-GB')).toBe('Today');
    expect(formatDayHeading(new Date(2026, 10, 24, 1).toISOString(), now, 'en-GB')).toBe('Yesterday');
    expect(formatDayHeading(new Date(2026, 10, 2, 1).toISOString(), now, 'en-GB')).toBe('Monday 2 November');
  });
});

describe('backoffDelay', () => {
  it('grows exponentially and stays under the cap', () => {
    const opts = { baseMs: 500, maxMs: 8000 };
    expect(backoffDelay(0, opts, () => 1)).toBe(500);
    expect(backoffDelay(0, opts, () => 0)).toBe(125);
    expect(backoffDelay(3, opts, () => 1)).toBe(4000);
    expect(backoffDelay(10, opts, () => 1)).toBe(8000);
    for (let i = 0; i < 50; i++) expect(backoffDelay(i, opts)).toBeLessThanOrEqual(8000);
  });
});

describe('ids and initials', () => {
  it('makes unique UUIDs', () => {
    const a = newClientId();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newClientId()).not.toBe(a);
  });

  it('takes first and last initials', () => {
    expect(initialsOf('Ada King Lovelace')).toBe('AL');
    expect(initialsOf('  mo ')).toBe('M');
    expect(initialsOf('')).toBe('?');
  });
});

import { pickLocale, textDirection } from './locale';

describe('locale choice', () => {
  const supported = ['en', 'fr', 'ar'];
  it('takes the first wanted locale the app has, by primary language, else the source', () => {
    expect(pickLocale(['fr-CA', 'ar'], supported)).toBe('fr');
    expect(pickLocale([null, 'de-DE', 'AR_eg'], supported)).toBe('ar');
    expect(pickLocale([undefined, 'de'], supported)).toBe('en');
    expect(pickLocale([], supported)).toBe('en');
  });
  it('knows which locales are written right to left', () => {
    expect(textDirection('ar')).toBe('rtl');
    expect(textDirection('he-IL')).toBe('rtl');
    expect(textDirection('fr')).toBe('ltr');
  });
});
