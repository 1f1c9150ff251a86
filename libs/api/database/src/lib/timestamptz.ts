import { types as pgTypes } from 'pg';

const TIMESTAMPTZ = 1184;
type TextParser = (text: string) => unknown;
const parseWithPostgresDate = pgTypes.getTypeParser(TIMESTAMPTZ, 'text') as TextParser;

/**
 * pg's own type parsers, with `timestamptz` read by `parseTimestamptz`. Given
 * to the pool (`types`), so every query of the process uses it.
 */
export const pgTypeParsers = {
  getTypeParser(oid: number, format: 'text' | 'binary' = 'text'): TextParser {
    if (oid === TIMESTAMPTZ && format === 'text') return parseTimestamptz;
    return pgTypes.getTypeParser(oid, format) as TextParser;
  },
};

/**
 * A `timestamptz` as PostgreSQL writes it (DateStyle ISO, which pg sets):
 * `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM]`, read digit by digit. pg's parser
 * (postgres-date) runs a regular expression per value whose match array and
 * substrings were the largest single allocation of a page of messages after
 * the result itself. Anything else (years outside 1000-9999, BC, offsets with
 * seconds, infinity) goes to pg's parser, so every value reads as before.
 */
export function parseTimestamptz(text: string): unknown {
  const n = text.length;
  if (n < 22 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== SPACE) return parseWithPostgresDate(text);
  if (text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return parseWithPostgresDate(text);
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 1000 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return parseWithPostgresDate(text);
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === DOT) {
    const start = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === start || i - start > 6) return parseWithPostgresDate(text);
    // Milliseconds; further digits are dropped, as a Date holds milliseconds (and pg's parser drops them too).
    for (let k = 0; k < 3; k++) ms = ms * 10 + (start + k < i ? text.charCodeAt(start + k) - ZERO : 0);
  }
  const sign = text.charCodeAt(i);
  const offsetHours = digits(text, i + 1, 2);
  if ((sign !== PLUS && sign !== DASH) || offsetHours < 0) return parseWithPostgresDate(text);
  i += 3;
  let offsetMinutes = 0;
  if (i < n) {
    offsetMinutes = digits(text, i + 1, 2);
    if (text.charCodeAt(i) !== COLON || offsetMinutes < 0 || i + 3 !== n) return parseWithPostgresDate(text);
  }
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000 * (sign === PLUS ? 1 : -1);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs);
}

const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const DOT = 46;
const COLON = 58;
const SPACE = 32;

const isDigit = (code: number) => code >= ZERO && code <= ZERO + 9;

/** The number written by `length` digits at `start`, or -1 if any is not a digit. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + code - ZERO;
  }
  return value;
}
