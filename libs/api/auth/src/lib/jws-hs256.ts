import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Compact JWS with HS256 only, through node:crypto's synchronous HMAC
 * (docs/decisions/012-own-hs256-tokens.md). The checks are jose's jwtVerify
 * ones that Parley's tokens rely on: alg pinned, no `crit` understood,
 * signature compared in constant time, the payload a JSON object, issuer,
 * audience, required claims, exp, nbf and iat numbers, no clock tolerance.
 */

export type JwtPayload = Record<string, unknown> & { sub?: string; exp?: number; iat?: number };

export interface JwtExpectations {
  issuer: string;
  audience: string;
  requiredClaims: readonly string[];
}

const ALGORITHM = 'HS256';

const encodeJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const hmac = (key: KeyObject, signingInput: string) => createHmac('sha256', key).update(signingInput).digest();

/** Signs a payload as a compact JWS, header `{ alg: 'HS256', ...header }`. */
export function signHs256(payload: Record<string, unknown>, key: KeyObject, header: Record<string, unknown> = {}): string {
  const signingInput = `${encodeJson({ alg: ALGORITHM, ...header })}.${encodeJson(payload)}`;
  return `${signingInput}.${hmac(key, signingInput).toString('base64url')}`;
}

/** The verified payload of a token, or null for anything malformed, forged, of another algorithm, expired or not for us. */
export function verifyHs256(token: string, key: KeyObject, expected: JwtExpectations, nowSeconds = Math.floor(Date.now() / 1000)): JwtPayload | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [encodedHeader, encodedPayload, encodedSignature] = parts;
  const header = decodeJsonObject(encodedHeader);
  // No critical extension is understood here, so a token that names one is refused (RFC 7515, 4.1.11).
  if (!header || header['alg'] !== ALGORITHM || header['crit'] !== undefined) return null;
  const signature = Buffer.from(encodedSignature, 'base64url');
  // A strict round trip: Node's decoder skips characters base64url does not have.
  if (signature.toString('base64url') !== encodedSignature) return null;
  const wanted = hmac(key, `${encodedHeader}.${encodedPayload}`);
  if (signature.length !== wanted.length || !timingSafeEqual(signature, wanted)) return null;
  const payload = decodeJsonObject(encodedPayload);
  return payload && claimsHold(payload, expected, nowSeconds) ? (payload as JwtPayload) : null;
}

/** The payload of a token verified elsewhere, unchecked. */
export function decodeJwsPayload(token: string): JwtPayload {
  return (decodeJsonObject(token.split('.')[1] ?? '') ?? {}) as JwtPayload;
}

function claimsHold(payload: Record<string, unknown>, expected: JwtExpectations, now: number): boolean {
  if (expected.requiredClaims.some((claim) => payload[claim] === undefined)) return false;
  if (payload['iss'] !== expected.issuer) return false;
  const aud = payload['aud'];
  if (!(aud === expected.audience || (Array.isArray(aud) && aud.includes(expected.audience)))) return false;
  const { exp, nbf, iat } = payload;
  if (iat !== undefined && !isNumber(iat)) return false;
  if (nbf !== undefined && (!isNumber(nbf) || nbf > now)) return false;
  if (exp !== undefined && (!isNumber(exp) || exp <= now)) return false;
  return true;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function decodeJsonObject(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
