import { createHmac, timingSafeEqual } from 'node:crypto';

/** What the host website computes on its server: lowercase hex HMAC-SHA256 of externalId, keyed with IDENTITY_SECRET. */
export function identityHash(secret: Uint8Array, externalId: string): string {
  return createHmac('sha256', secret).update(externalId, 'utf8').digest('hex');
}

/**
 * Whether `userHash` proves `externalId`. Constant time: the comparison takes
 * as long whatever the hash given, so its bytes cannot be guessed one by one.
 * Without a secret every hash is refused.
 */
export function verifyIdentity(secret: Uint8Array | undefined, externalId: string, userHash: string): boolean {
  if (!secret) return false;
  const expected = Buffer.from(identityHash(secret, externalId), 'utf8');
  const given = Buffer.alloc(expected.length);
  // A hash of the wrong length is copied into a buffer of the right length, compared anyway, then refused.
  given.write(userHash, 'utf8');
  return timingSafeEqual(expected, given) && Buffer.byteLength(userHash, 'utf8') === expected.length;
}
