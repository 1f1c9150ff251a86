import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that this key cannot open: another deployment's key, or a changed WEBHOOK_SECRET_KEY. */
export class SealedWithAnotherKey extends Error {
  constructor(readonly keyId: string) {
    super(`sealed with key ${keyId}, not this deployment's WEBHOOK_SECRET_KEY`);
    this.name = 'SealedWithAnotherKey';
  }
}

/** One AES-256-GCM key, derived (HKDF-SHA256) from key material, and its id. */
class SealKey {
  readonly key: Buffer;
  readonly id: string;

  constructor(material: Uint8Array) {
    if (material.length < 32) throw new Error('the webhook secret key needs at least 32 bytes of material');
    this.key = Buffer.from(hkdfSync('sha256', material, 'parley', 'webhook signing secrets v1', 32));
    this.id = createHash('sha256').update(this.key).digest('hex').slice(0, 8);
  }
}

/**
 * Webhook signing secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256)
 * from the deployment's key material, each value bound to its row (the
 * associated data: the webhook's id, so a sealed secret copied to another row
 * does not open). Sealed text: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url);
 * the key id (8 hex digits of the key's SHA-256) says which key sealed it.
 * Earlier keys (a rotation) still open what they sealed; only the current one seals.
 */
export class SecretBox {
  private readonly current: SealKey;
  private readonly previous: Map<string, SealKey>;

  constructor(material: Uint8Array, previous: readonly Uint8Array[] = []) {
    this.current = new SealKey(material);
    this.previous = new Map(previous.map((m) => new SealKey(m)).filter((k) => k.id !== this.current.id).map((k) => [k.id, k]));
  }

  get keyId(): string {
    return this.current.id;
  }

  /** Ids of the earlier keys this box still opens with. */
  get previousKeyIds(): string[] {
    return [...this.previous.keys()];
  }

  /**
   * The deployment's box: WEBHOOK_SECRET_KEY's bytes; without one (in
   * production only when WEBHOOK_SECRET_KEY_FROM_JWT allows it) derived from
   * the JWT secret, itself generated into DATA_DIR in development. Opens with
   * WEBHOOK_SECRET_KEY_PREVIOUS too, and, once WEBHOOK_SECRET_KEY is set, with
   * the JWT-derived key that sealed before it (moving to a key of its own
   * loses nothing).
   */
  static fromConfig(config: { webhookSecretKey?: Uint8Array; webhookSecretKeysPrevious?: Uint8Array[]; jwtSecret: Uint8Array }): SecretBox {
    const previous = [...(config.webhookSecretKeysPrevious ?? []), ...(config.webhookSecretKey ? [config.jwtSecret] : [])];
    return new SecretBox(config.webhookSecretKey ?? config.jwtSecret, previous);
  }

  seal(plain: string, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** Whether the value was sealed with an earlier key (open it and seal it again). */
  sealedWithPrevious(sealed: string): boolean {
    return this.previous.has(sealed.split('.')[1] ?? '');
  }

  /** The plaintext; throws SealedWithAnotherKey, or an error when the value was altered or belongs to another row. */
  open(sealed: string, boundTo: string): string {
    const [version, keyId, iv, data, tag] = sealed.split('.');
    if (version !== VERSION || !tag) throw new Error('not a sealed value');
    const key = keyId === this.current.id ? this.current : this.previous.get(keyId);
    if (!key) throw new SealedWithAnotherKey(keyId);
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
