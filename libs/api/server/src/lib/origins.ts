/**
 * Browsers send Origin on WebSocket upgrades; a page on another site must not
 * open a socket with a visitor's credentials. Clients that are not browsers
 * send no Origin and are let through to authenticate like any other.
 */
export function allowedOrigin(origin: string | undefined, host: string | undefined, allowList: string[]): boolean {
  if (!origin) return true;
  if (allowList.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
