const KEY = 'parley.help.browser';

/**
 * A random token this browser keeps, so a reader who is not signed in counts
 * once per article in "Did this help?". Not a credential: it only names a vote.
 */
export function helpBrowserToken(storage: Storage | null = globalThis.localStorage ?? null): string {
  const kept = storage?.getItem(KEY);
  if (kept && /^[A-Za-z0-9_-]{16,64}$/.test(kept)) return kept;
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  const token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
  try {
    storage?.setItem(KEY, token);
  } catch {
    // Storage refused (private mode): this answer still counts once.
  }
  return token;
}
