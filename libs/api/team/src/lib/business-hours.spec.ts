import { checkBusinessHours, openState } from './business-hours';

// Monday to Friday 09:00-17:00 in Paris.
const weekdays = { timeZone: 'Europe/Paris', weekly: [1, 2, 3, 4, 5].map((day) => ({ day, openMinute: 540, closeMinute: 1020 })) };

describe('business hours', () => {
  it('is open within a span in the team time zone, and closed outside', () => {
    // 2026-12-02 is a Wednesday; Paris is UTC+1 in winter.
    expect(openState(weekdays, new Date('2026-12-02T08:30:00Z'))).toEqual({ open: true, opensAt: null });
    expect(openState(weekdays, new Date('2026-12-02T07:59:00Z')).open).toBe(false);
    expect(openState(weekdays, new Date('2026-12-02T16:00:00Z')).open).toBe(false);
  });

  it('says when the team is back: later today, tomorrow, or after the weekend', () => {
    expect(openState(weekdays, new Date('2026-12-02T06:00:00Z')).opensAt?.toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(openState(weekdays, new Date('2026-12-02T17:00:00Z')).opensAt?.toISOString()).toBe('2026-12-03T08:00:00.000Z');
    // Friday evening to Monday morning.
    expect(openState(weekdays, new Date('2026-12-04T18:00:00Z')).opensAt?.toISOString()).toBe('2026-12-07T08:00:00.000Z');
  });

  it('follows the zone across a daylight saving change', () => {
    // Paris moves to UTC+2 on 2026-03-29 (a Sunday): Monday opens at 07:00 UTC.
    expect(openState(weekdays, new Date('2026-03-28T12:00:00Z')).opensAt?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('is always open without spans', () => {
    expect(openState({ timeZone: 'UTC', weekly: [] }, new Date())).toEqual({ open: true, opensAt: null });
  });

  it('refuses unknown zones, bad spans and overlaps', () => {
    expect(checkBusinessHours(weekdays)).toEqual([]);
    expect(checkBusinessHours({ timeZone: 'Mars/Olympus', weekly: [] }).map((p) => p.field)).toEqual(['timeZone']);
    expect(checkBusinessHours({ timeZone: 'UTC', weekly: [{ day: 8, openMinute: 0, closeMinute: 10 }] }).map((p) => p.field)).toEqual(['weekly.0']);
    expect(checkBusinessHours({ timeZone: 'UTC', weekly: [{ day: 1, openMinute: 600, closeMinute: 500 }] }).map((p) => p.field)).toEqual(['weekly.0']);
    expect(
      checkBusinessHours({ timeZone: 'UTC', weekly: [{ day: 1, openMinute: 0, closeMinute: 600 }, { day: 1, openMinute: 500, closeMinute: 700 }] }).map((p) => p.field),
    ).toEqual(['weekly']);
  });
});
