/** One opening span as the API holds it: a weekday (1 Monday … 7 Sunday) and minutes after midnight. */
export interface Span {
  day: number;
  openMinute: number;
  closeMinute: number;
}

/** One span as the form edits it: times as an `<input type="time">` writes them ("09:00"). */
export interface SpanRow {
  /** Stable within the page, so the list keeps focus and values as rows come and go. */
  key: number;
  opens: string;
  closes: string;
}

export const ISO_DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

let nextKey = 1;
export const newRow = (opens = '09:00', closes = '17:00'): SpanRow => ({ key: nextKey++, opens, closes });

/** "09:30" from 570; 1440 (the end of the day) is written "00:00", as the form reads it back. */
export function timeText(minute: number): string {
  const m = minute % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Minutes after midnight of "HH:MM" (seconds ignored), or null when it is not a time. */
export function minuteOf(text: string): number | null {
  const match = /^(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(text);
  if (!match) return null;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : null;
}

/** The API's spans as the form's rows, by day. */
export function rowsByDay(weekly: readonly Span[]): Map<number, SpanRow[]> {
  const days = new Map<number, SpanRow[]>(ISO_DAYS.map((d) => [d, []]));
  for (const span of [...weekly].sort((a, b) => a.day - b.day || a.openMinute - b.openMinute)) {
    days.get(span.day)?.push(newRow(timeText(span.openMinute), timeText(span.closeMinute)));
  }
  return days;
}

export type SpanProblem = { day: number; key: number; problem: 'time' | 'order' | 'overlap' };

/**
 * The form's rows as the API's spans, or what is wrong with them. A closing
 * time of 00:00 is midnight at the end of the day (1440), so "22:00 to 00:00"
 * is the last two hours of it.
 */
export function spansOf(days: ReadonlyMap<number, readonly SpanRow[]>): { spans: Span[]; problems: SpanProblem[] } {
  const spans: Span[] = [];
  const problems: SpanProblem[] = [];
  for (const day of ISO_DAYS) {
    const ofDay: Array<Span & { key: number }> = [];
    for (const row of days.get(day) ?? []) {
      const open = minuteOf(row.opens);
      const closeRaw = minuteOf(row.closes);
      if (open === null || closeRaw === null) {
        problems.push({ day, key: row.key, problem: 'time' });
        continue;
      }
      const close = closeRaw === 0 ? 1440 : closeRaw;
      if (open >= close) problems.push({ day, key: row.key, problem: 'order' });
      else ofDay.push({ day, openMinute: open, closeMinute: close, key: row.key });
    }
    ofDay.sort((a, b) => a.openMinute - b.openMinute);
    for (let i = 1; i < ofDay.length; i++) {
      if (ofDay[i].openMinute < ofDay[i - 1].closeMinute) problems.push({ day, key: ofDay[i].key, problem: 'overlap' });
    }
    spans.push(...ofDay.map(({ day: d, openMinute, closeMinute }) => ({ day: d, openMinute, closeMinute })));
  }
  return { spans, problems };
}

/** The zones a browser knows (Intl.supportedValuesOf), with UTC and the zone in use kept even where it lacks them. */
export function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = new Set<string>(known);
  zones.add('UTC');
  if (current) zones.add(current);
  return [...zones].sort((a, b) => a.localeCompare(b));
}
