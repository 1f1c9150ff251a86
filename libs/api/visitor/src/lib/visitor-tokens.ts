import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';

// jose is published as ES modules only; load it once, lazily.
type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
let josePromise: Promise<Jose> | undefined;
const jose = () => (josePromise ??= import('jose'));

const ISSUER = 'parley';
const AUDIENCE = 'parley-visitor-refresh';
const TYPE = 'visitor-refresh';
const ALGORITHM = 'HS256';
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

  async sign(visitor: PendingVisitor): Promise<{ token: string; expiresAt: Date }> {
    const { SignJWT } = await jose();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + VISITOR_REFRESH_TTL_SECONDS;
    const token = await new SignJWT({ typ: TYPE, sid: visitor.sessionId, ...pendingClaim(visitor) })
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(visitor.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The visitor and expiry a refresh token names, or null for anything forged, expired or of another kind. */
  async verify(token: string): Promise<{ visitor: PendingVisitor; expiresAt: Date } | null> {
    const { jwtVerify } = await jose();
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ['sub', 'exp', 'sid'] });
      if (payload['typ'] !== TYPE || !payload.sub || typeof payload['sid'] !== 'string') return null;
      const visitor = pendingFromPayload(payload, payload.sub, payload['sid']);
      return visitor ? { visitor, expiresAt: new Date((payload.exp as number) * 1000) } : null;
    } catch {
      return null;
    }
  }

  /** The claims of a token already verified elsewhere (the access token, by the auth domain). */
  async claims(token: string): Promise<Record<string, unknown>> {
    const { decodeJwt } = await jose();
    return decodeJwt(token);
  }
}

/** Signed tokens have three dot-separated parts; the stored kind is one base64url string. */
export const isSignedToken = (token: string) => token.split('.').length === 3;
