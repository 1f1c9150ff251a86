import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { decodeJwsPayload, signHs256, verifyHs256 } from '@parley/api/auth';

const ISSUER = 'parley';
const AUDIENCE = 'parley-visitor-refresh';
const TYPE = 'visitor-refresh';
const EXPECTED = { issuer: ISSUER, audience: AUDIENCE, requiredClaims: ['sub', 'exp', 'sid'] } as const;
export const VISITOR_REFRESH_TTL_SECONDS = 30 * 24 * 3600;

/** A visitor who has not written yet: what their tokens carry instead of a row in the database. */
export interface PendingVisitor {
  id: string;
  sessionId: string;
  displayName: string;
  email: string | null;
}

/** The claim an access token of a pending visitor carries (name, email). */
export const PENDING_CLAIM = 'pv';

export const pendingClaim = (visitor: PendingVisitor) => ({ [PENDING_CLAIM]: { n: visitor.displayName, e: visitor.email } });

/** The pending visitor a verified token's payload describes, if it describes one. */
export function pendingFromPayload(payload: Record<string, unknown>, id: string, sessionId: string): PendingVisitor | null {
  const claim = payload[PENDING_CLAIM] as { n?: unknown; e?: unknown } | undefined;
  if (!claim || typeof claim.n !== 'string') return null;
  return { id, sessionId, displayName: claim.n, email: typeof claim.e === 'string' ? claim.e : null };
}

/**
 * Refresh tokens of visitors not stored yet: signed, not stored (storing
 * them would store the visitor). Once the visitor is stored, each such token
 * works once (VisitorRepository.spendSignedRefreshToken), then stored
 * refresh tokens take over.
 */
export class VisitorTokens {
  private readonly key: KeyObject;

  constructor(secret: Uint8Array) {
    // A key of its own, derived from the signing secret, so no access token can pass for a refresh token.
    this.key = createSecretKey(Buffer.concat([Buffer.from('visitor-refresh:'), Buffer.from(secret)]));
  }

  sign(visitor: PendingVisitor): { token: string; expiresAt: Date } {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + VISITOR_REFRESH_TTL_SECONDS;
    const token = signHs256(
      { typ: TYPE, sid: visitor.sessionId, ...pendingClaim(visitor), sub: visitor.id, iss: ISSUER, aud: AUDIENCE, iat: now, exp, jti: randomUUID() },
      this.key,
    );
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The visitor and expiry a refresh token names, or null for anything forged, expired or of another kind. */
  verify(token: string): { visitor: PendingVisitor; expiresAt: Date } | null {
    const payload = verifyHs256(token, this.key, EXPECTED);
    if (!payload || payload['typ'] !== TYPE || typeof payload.sub !== 'string' || !payload.sub || typeof payload['sid'] !== 'string') return null;
    const visitor = pendingFromPayload(payload, payload.sub, payload['sid']);
    return visitor ? { visitor, expiresAt: new Date((payload.exp as number) * 1000) } : null;
  }

  /** The claims of a token already verified elsewhere (the access token, by the auth domain). */
  claims(token: string): Record<string, unknown> {
    return decodeJwsPayload(token);
  }
}

/** Signed tokens have three dot-separated parts; the stored kind is one base64url string. */
export const isSignedToken = (token: string) => token.split('.').length === 3;
