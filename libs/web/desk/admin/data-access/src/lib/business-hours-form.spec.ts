import { minuteOf, newRow, rowsByDay, spansOf, timeText, timeZones } from './business-hours-form';

describe('the business hours form', () => {
  it('reads and writes times as the time input does, 00:00 closing meaning midnight', () => {
    expect(timeText(570)).toBe('09:30');
    expect(timeText(1440)).toBe('00:00');
    expect(minuteOf('09:30')).toBe(570);
    expect(minuteOf('17:05:30')).toBe(1025);
    expect(minuteOf('')).toBeNull();
    expect(minuteOf('24:00')).toBeNull();
  });

  it("turns the API's spans into rows by day, and back", () => {
    const weekly = [
      { day: 5, openMinute: 780, closeMinute: 1440 },
      { day: 1, openMinute: 540, closeMinute: 1020 },
      { day: 5, openMinute: 480, closeMinute: 720 },
    ];
    const days = rowsByDay(weekly);
    expect([...days.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(days.get(5)!.map((r) => [r.opens, r.closes])).toEqual([['08:00', '12:00'], ['13:00', '00:00']]);
    expect(days.get(2)).toEqual([]);
    expect(spansOf(days)).toEqual({ spans: [weekly[1], weekly[2], weekly[0]], problems: [] });
  });

  it('names each row that is incomplete, backwards or overlapping', () => {
    const empty = newRow('09:00', '');
    const backwards = newRow('18:00', '09:00');
    const first = newRow('09:00', '13:00');
    const overlapping = newRow('12:00', '15:00');
    const days = new Map([[1, [empty]], [2, [backwards]], [3, [first, overlapping]]]);
    expect(spansOf(days).problems).toEqual([
      { day: 1, key: empty.key, problem: 'time' },
      { day: 2, key: backwards.key, problem: 'order' },
      { day: 3, key: overlapping.key, problem: 'overlap' },
    ]);
  });

  it("offers the browser's time zones, sorted, with UTC and the zone in use", () => {
    const zones = timeZones('Etc/GMT+5');
    expect(zones).toContain('UTC');
    expect(zones).toContain('Etc/GMT+5');
    expect(zones).toContain('Europe/Paris');
    expect([...zones].sort((a, b) => a.localeCompare(b))).toEqual(zones);
  });
});
