/** The value of the Authorization header, whatever case the user typed it in. */
export function authorizationOf(headers: Record<string, unknown> | undefined): string | undefined {
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization' && value != null && value !== '') return String(value);
  }
  return undefined;
}

/** The headers editor's JSON with Authorization replaced, keeping any other header. */
export function withAuthorization(headersText: string, token: string): string {
  let headers: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(headersText || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) headers = parsed as Record<string, unknown>;
  } catch {
    // Headers that are not plain JSON (comments, a typo) are replaced: the token is what was asked for.
  }
  const rest = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return `${JSON.stringify({ Authorization: `Bearer ${token}`, ...rest }, null, 2)}\n`;
}
