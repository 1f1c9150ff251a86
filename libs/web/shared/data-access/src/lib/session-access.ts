import { InjectionToken } from '@angular/core';

/**
 * What the transport needs from the signed-in session, provided by the auth
 * data-access (it owns the token). Kept as an interface so the transport does
 * not depend on how a token is obtained: a later refresh-token flow only
 * changes accessToken().
 */
export interface SessionAccess {
  /** The bearer token to send now, or null when signed out. */
  accessToken(): Promise<string | null>;
  /** Whether a token is held (so an UNAUTHENTICATED answer means it was rejected). */
  hasToken(): boolean;
  /** The server rejected the token (expired, revoked): end the session, keep drafts. */
  sessionRejected(): void;
}

export const SESSION_ACCESS = new InjectionToken<SessionAccess>('SessionAccess');
