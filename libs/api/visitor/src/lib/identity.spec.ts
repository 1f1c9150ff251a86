import { createHmac } from 'node:crypto';
import { identityHash, verifyIdentity } from './identity';

const secret = new Uint8Array(Buffer.from('s'.repeat(32)));

describe('verifyIdentity', () => {
  it('accepts the lowercase hex HMAC-SHA256 a host server computes', () => {
    const hash = createHmac('sha256', 's'.repeat(32)).update('user-42').digest('hex');
    expect(identityHash(secret, 'user-42')).toBe(hash);
    expect(verifyIdentity(secret, 'user-42', hash)).toBe(true);
  });

  it('refuses another id, a changed, truncated, padded or upper-case hash, and everything without a secret', () => {
    const hash = identityHash(secret, 'user-42');
    expect(verifyIdentity(secret, 'user-43', hash)).toBe(false);
    expect(verifyIdentity(secret, 'user-42', hash.slice(0, -1) + (hash.endsWith('0') ? '1' : '0'))).toBe(false);
    expect(verifyIdentity(secret, 'user-42', hash.slice(0, 32))).toBe(false);
    expect(verifyIdentity(secret, 'user-42', hash + '0')).toBe(false);
    expect(verifyIdentity(secret, 'user-42', hash.toUpperCase())).toBe(false);
    expect(verifyIdentity(secret, 'user-42', '')).toBe(false);
    expect(verifyIdentity(undefined, 'user-42', hash)).toBe(false);
  });
});
