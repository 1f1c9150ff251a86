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
