const DAY_MS = 24 * 60 * 60 * 1000;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Whole calendar days between two instants in the viewer's time zone (0 = same day). */
export function calendarDaysBetween(earlier: Date, later: Date): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / DAY_MS);
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** "14:05" — the clock time of a message. */
export function formatClock(iso: string, locale?: string): string {
  // One formatter per locale: toLocaleTimeString builds a new one on every call (about 0.1 ms each,
  // for every message on screen at every change detection of a conversation).
  let clock = clocks.get(locale ?? '');
  if (!clock) clocks.set(locale ?? '', (clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })));
  return clock.format(new Date(iso));
}

/**
 * A compact time for lists: the clock time today, "Yesterday", the weekday
 * within a week, then the date.
 */
export function formatShortTime(iso: string, now: Date = new Date(), locale?: string): string {
  const date = new Date(iso);
  const days = calendarDaysBetween(date, now);
  if (days <= 0) return formatClock(iso, locale);
  if (days === 1) return $localize`:@@time.yesterday:Yesterday`;
  if (days < 7) return date.toLocaleDateString(locale, { weekday: 'short' });
  if (date.getFullYear() === now.getFullYear()) {
    return date.toLocaleDateString(locale, { day: 'numeric', month: 'short' });
  }
  return date.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** "Today", "Yesterday" or a full date: the heading of a day in a conversation. */
export function formatDayHeading(iso: string, now: Date = new Date(), locale?: string): string {
  const date = new Date(iso);
  const days = calendarDaysBetween(date, now);
  if (days <= 0) return $localize`:@@time.today:Today`;
  if (days === 1) return $localize`:@@time.yesterday:Yesterday`;
  return date.toLocaleDateString(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
}

/** A stable key for the calendar day of an instant, in the viewer's time zone. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}
