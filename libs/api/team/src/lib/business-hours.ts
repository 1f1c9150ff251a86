import type { FieldProblem } from '@parley/api/core';
import type { BusinessHours, OpeningSpan } from './team.type';

const MAX_SPANS = 28;
const ZONE_MAX = 64;
const DAY_MS = 86_400_000;

/** What is wrong with business hours (nothing: an empty list). */
export function checkBusinessHours(hours: BusinessHours): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (hours.timeZone.length > ZONE_MAX || !isTimeZone(hours.timeZone)) problems.push({ field: 'timeZone', message: 'must be an IANA time zone such as Europe/Paris', reason: 'timeZone' });
  if (hours.weekly.length > MAX_SPANS) problems.push({ field: 'weekly', message: `must hold at most ${MAX_SPANS} spans`, reason: 'arrayMaxSize' });
  hours.weekly.forEach((span, i) => {
    const ok =
      Number.isInteger(span.day) && span.day >= 1 && span.day <= 7 &&
      Number.isInteger(span.openMinute) && Number.isInteger(span.closeMinute) &&
      span.openMinute >= 0 && span.closeMinute <= 1440 && span.openMinute < span.closeMinute;
    if (!ok) problems.push({ field: `weekly.${i}`, message: 'must be a day from 1 (Monday) to 7 and minutes 0 to 1440 with open before close', reason: 'span' });
  });
  const byDay = [...hours.weekly].sort((a, b) => a.day - b.day || a.openMinute - b.openMinute);
  for (let i = 1; i < byDay.length; i++) {
    if (byDay[i].day === byDay[i - 1].day && byDay[i].openMinute < byDay[i - 1].closeMinute) {
      problems.push({ field: 'weekly', message: 'spans of one day must not overlap', reason: 'overlap' });
      break;
    }
  }
  return problems;
}

export interface OpenState {
  open: boolean;
  /** When the team opens next (null while open, or with no spans at all). */
  opensAt: Date | null;
}

/** Whether the team is within its business hours at `at`, and if not, when it opens next. No spans: always open. */
export function openState(hours: BusinessHours, at: Date): OpenState {
  if (!hours.weekly.length) return { open: true, opensAt: null };
  const local = wallClock(at, hours.timeZone);
  const minute = local.hour * 60 + local.minute;
  const today = hours.weekly.filter((s) => s.day === local.isoDay);
  if (today.some((s) => s.openMinute <= minute && minute < s.closeMinute)) return { open: true, opensAt: null };
  for (let offset = 0; offset <= 7; offset++) {
    const day = ((local.isoDay - 1 + offset) % 7) + 1;
    const spans: OpeningSpan[] = hours.weekly.filter((s) => s.day === day && (offset > 0 || s.openMinute > minute)).sort((a, b) => a.openMinute - b.openMinute);
    if (spans.length) {
      const date = new Date(Date.UTC(local.year, local.month - 1, local.day) + offset * DAY_MS);
      return { open: false, opensAt: zonedToUtc(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), spans[0].openMinute, hours.timeZone) };
    }
  }
  return { open: false, opensAt: null };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  isoDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function wallClock(at: Date, timeZone: string): WallClock {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    isoDay: WEEKDAYS[parts['weekday'] as string],
  };
}

/** The zone's offset from UTC at `at`, in ms. */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(new Date(at), timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(at / 60_000) * 60_000;
}

/** The instant a wall-clock time of the zone happens (a time skipped by a DST change lands just after it). */
function zonedToUtc(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  let instant = wall - offsetAt(wall, timeZone);
  const second = offsetAt(instant, timeZone);
  if (wall - second !== instant) instant = wall - second;
  return new Date(instant);
}
