import { randomBytes } from 'node:crypto';
import { SealedWithAnotherKey, SecretBox } from './secret-box';

describe('SecretBox (webhook secrets at rest)', () => {
  const box = new SecretBox(randomBytes(32));
  const secret = `whsec_${randomBytes(32).toString('base64')}`;

  it('seals so that the text holds nothing of the secret, and opens it again for the same row', () => {
    const sealed = box.seal(secret, 'row-1');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(box.seal(secret, 'row-1')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, 'row-1')).toBe(secret);
  });

  it('refuses a value moved to another row, altered, or sealed with another key', () => {
    const sealed = box.seal(secret, 'row-1');
    expect(() => box.open(sealed, 'row-2')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from(Buffer.from(parts[3], 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64url');
    expect(() => box.open(parts.join('.'), 'row-1')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'row-1')).toThrow(SealedWithAnotherKey);
  });

  it('derives the same key from the same material (every instance of a deployment), and wants 32 bytes of it', () => {
    const material = randomBytes(48);
    expect(new SecretBox(material).open(new SecretBox(material).seal(secret, 'r'), 'r')).toBe(secret);
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('opens what earlier keys sealed (a rotation), seals only with the current one, and knows which values want sealing again', () => {
    const [older, old, fresh] = [randomBytes(32), randomBytes(48), randomBytes(32)];
    const sealedOlder = new SecretBox(older).seal(secret, 'r');
    const sealedOld = new SecretBox(old).seal(secret, 'r');
    const rotated = new SecretBox(fresh, [old, older]);
    expect(rotated.open(sealedOld, 'r')).toBe(secret);
    expect(rotated.open(sealedOlder, 'r')).toBe(secret);
    expect(rotated.sealedWithPrevious(sealedOld)).toBe(true);
    const resealed = rotated.seal(rotated.open(sealedOld, 'r'), 'r');
    expect(resealed.split('.')[1]).toBe(new SecretBox(fresh).keyId);
    expect(rotated.sealedWithPrevious(resealed)).toBe(false);
    // Still bound to its row, whichever key opens it.
    expect(() => rotated.open(sealedOld, 'other-row')).toThrow();
    // A key not listed opens nothing.
    expect(() => new SecretBox(fresh, [older]).open(sealedOld, 'r')).toThrow(SealedWithAnotherKey);
  });

  it('from the configuration: WEBHOOK_SECRET_KEY seals; the JWT-derived key and WEBHOOK_SECRET_KEY_PREVIOUS still open', () => {
    const jwtSecret = randomBytes(48);
    const derived = SecretBox.fromConfig({ jwtSecret }).seal(secret, 'r');
    const webhookSecretKey = randomBytes(48);
    const own = SecretBox.fromConfig({ jwtSecret, webhookSecretKey });
    expect(own.keyId).toBe(new SecretBox(webhookSecretKey).keyId);
    expect(own.open(derived, 'r')).toBe(secret);
    const next = SecretBox.fromConfig({ jwtSecret: randomBytes(48), webhookSecretKey: randomBytes(48), webhookSecretKeysPrevious: [webhookSecretKey] });
    expect(next.open(own.seal(secret, 'r'), 'r')).toBe(secret);
    expect(() => next.open(derived, 'r')).toThrow(SealedWithAnotherKey);
  });
});
