import { InjectionToken } from '@angular/core';

/**
 * What the transport needs from the signed-in session, provided by the auth
 * data-access (it owns the token). Kept as an interface so the transport does
 * not depend on how a token is obtained (the auth data-access refreshes it).
 */
export interface SessionAccess {
  /** The bearer token to send now (refreshed when about to expire), or null when signed out. */
  accessToken(): Promise<string | null>;
  /** Whether a token is held (so an UNAUTHENTICATED answer means it was rejected). */
  hasToken(): boolean;
  /** The server rejected the token (expired, revoked): end the session, keep drafts. */
  sessionRejected(): void;
  /**
   * The server refused this token on the socket (close 4403: it expired, or
   * the session was signed out). Resolves true when a newer token is ready to
   * reconnect with, false when the session has ended.
   */
  tokenRefused(token: string | null): Promise<boolean>;
}

export const SESSION_ACCESS = new InjectionToken<SessionAccess>('SessionAccess');
