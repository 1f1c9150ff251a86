import { randomUUID } from 'node:crypto';
import type { Role, Viewer } from '@parley/api/core';

const ISSUER = 'parley';
const AUDIENCE = 'parley-api';
const ACCESS_TYPE = 'access';
const ALGORITHM = 'HS256';

// jose is published as ES modules only; load it once, lazily.
type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
let josePromise: Promise<Jose> | undefined;
const jose = () => (josePromise ??= import('jose'));

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Signs and verifies access tokens: HS256 pinned, issuer, audience and token type checked. */
export class TokenService {
  constructor(
    private readonly secret: Uint8Array,
    private readonly ttlSeconds: number,
  ) {}

  async issueAccessToken(user: { id: string; role: Role }): Promise<IssuedToken> {
    const { SignJWT } = await jose();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.ttlSeconds;
    const token = await new SignJWT({ role: user.role, typ: ACCESS_TYPE })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.secret);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The viewer a token names, or null for anything missing, forged, expired or of the wrong kind. */
  async verifyAccessToken(token: string | undefined | null): Promise<Viewer | null> {
    if (!token) return null;
    const { jwtVerify } = await jose();
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (payload['typ'] !== ACCESS_TYPE || typeof payload['role'] !== 'string' || !payload.sub) return null;
      return { id: payload.sub, role: payload['role'] as Role, expiresAt: payload.exp as number };
    } catch {
      return null;
    }
  }
}

/** The token from an `Authorization: Bearer <token>` value. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
