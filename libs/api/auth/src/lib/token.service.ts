import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import type { Role, Viewer } from '@parley/api/core';
import { signHs256, verifyHs256 } from './jws-hs256';

const ISSUER = 'parley';
const AUDIENCE = 'parley-api';
const ACCESS_TYPE = 'access';
const VERIFIED_CACHE_SIZE = 10_000;
const EXPECTED = { issuer: ISSUER, audience: AUDIENCE, requiredClaims: ['sub', 'exp', 'iat'] } as const;

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Marks the access token of a user the database does not hold yet (Viewer.unstored). */
export const UNSTORED_CLAIM = 'uns';

/** Signs and verifies access tokens: HS256 pinned, issuer, audience and token type checked. */
export class TokenService {
  private readonly key: KeyObject;
  /** Tokens already verified, until they expire: verification is on every request's path. */
  private readonly verified = new Map<string, Viewer>();

  constructor(
    secret: Uint8Array,
    private readonly ttlSeconds: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret));
  }

  /** `extraClaims` ride along unchecked (a website visitor's profile until it is stored); they never replace the standard ones. */
  issueAccessToken(
    user: { id: string; role: Role; accessVersion?: number; unstored?: boolean },
    sessionId?: string,
    extraClaims: Record<string, unknown> = {},
  ): IssuedToken {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.ttlSeconds;
    const token = signHs256(
      {
        ...extraClaims,
        role: user.role,
        typ: ACCESS_TYPE,
        ...(sessionId ? { sid: sessionId } : {}),
        ...(user.accessVersion ? { ver: user.accessVersion } : {}),
        ...(user.unstored ? { [UNSTORED_CLAIM]: true } : {}),
        sub: user.id,
        iss: ISSUER,
        aud: AUDIENCE,
        iat: now,
        exp,
        jti: randomUUID(),
      },
      this.key,
      { typ: 'JWT' },
    );
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The viewer a token names, or null for anything missing, forged, expired or of the wrong kind. */
  async verifyAccessToken(token: string | undefined | null): Promise<Viewer | null> {
    if (!token) return null;
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt * 1000 > Date.now()) return known;
      this.verified.delete(token);
      return null;
    }
    const payload = verifyHs256(token, this.key, EXPECTED);
    if (!payload || payload['typ'] !== ACCESS_TYPE || typeof payload['role'] !== 'string' || typeof payload.sub !== 'string' || !payload.sub) return null;
    const sessionId = typeof payload['sid'] === 'string' ? payload['sid'] : undefined;
    const accessVersion = typeof payload['ver'] === 'number' ? payload['ver'] : undefined;
    const unstored = payload[UNSTORED_CLAIM] === true ? true : undefined;
    const viewer: Viewer = { id: payload.sub, role: payload['role'] as Role, expiresAt: payload.exp as number, sessionId, accessVersion, unstored };
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, viewer);
    return viewer;
  }
}

/** The token from an `Authorization: Bearer <token>` value. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
