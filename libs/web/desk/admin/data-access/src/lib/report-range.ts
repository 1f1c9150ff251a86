/** The longest range teamReport accepts, in days (the API's ACTIVITY_LIMITS.reportMaxDays). */
export const REPORT_MAX_DAYS = 366;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day as `<input type="date">` writes it (YYYY-MM-DD), or null. */
function parseDay(value: string): [number, number, number] | null {
  const match = DAY.exec(value);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? [y, m, d] : null;
}

/** A day as YYYY-MM-DD in the browser's own time zone. */
export function dayOf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export type RangeProblem = 'invalid' | 'order' | 'tooLong';

/**
 * The instants teamReport wants for the days `first` to `last`, both included,
 * in the browser's time zone: from the first's midnight to the midnight after
 * the last (which is not always 24 hours after the last's, around a change of
 * clocks). A problem instead when the days are not a range the API takes.
 */
export function reportRange(first: string, last: string): { from: string; to: string } | { problem: RangeProblem } {
  const a = parseDay(first);
  const b = parseDay(last);
  if (!a || !b) return { problem: 'invalid' };
  const from = new Date(a[0], a[1] - 1, a[2]);
  const to = new Date(b[0], b[1] - 1, b[2] + 1);
  const days = Math.round((Date.UTC(b[0], b[1] - 1, b[2] + 1) - Date.UTC(a[0], a[1] - 1, a[2])) / 86_400_000);
  if (days < 1) return { problem: 'order' };
  if (days > REPORT_MAX_DAYS) return { problem: 'tooLong' };
  return { from: from.toISOString(), to: to.toISOString() };
}

/** The last `days` days up to and including `today`, as the picker's two values. */
export function lastDays(today: Date, days: number): { first: string; last: string } {
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { first: dayOf(start), last: dayOf(today) };
}

/** The browser's IANA time zone, which divides the report's days as the admin sees them. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Seconds as minutes with one decimal, for charts; null stays null (a gap, not a zero). */
export function toMinutes(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds / 6) / 10;
}
