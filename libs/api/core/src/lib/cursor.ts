/** Opaque page cursors: base64url of a small JSON value; anything that does not decode is rejected. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, check: (value: unknown) => value is T): T | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return check(value) ? value : null;
  } catch {
    return null;
  }
}

/** An integer a PostgreSQL `integer` column holds: a cursor carrying any other number is not one of ours. */
export const isPgInteger = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= -2147483648 && (value as number) <= 2147483647;

/** A timestamp exactly as `toISOString` writes it, so PostgreSQL reads the same instant (no 31 February, no year 275760). */
export const isIsoTimestamp = (value: unknown): value is string => {
  if (typeof value !== 'string' || value.length !== 24) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
};
