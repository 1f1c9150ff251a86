import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

const dataDir = () => mkdtempSync(join(tmpdir(), 'parley-config-'));
const secret = 'x'.repeat(32);
const webhookKey = 'w'.repeat(40);

describe('loadConfig', () => {
  it('turns email on with SMTP_URL and MAIL_FROM together, and links to PUBLIC_URL', () => {
    expect(loadConfig({ DATA_DIR: dataDir() })).toMatchObject({ mail: undefined, publicUrl: 'http://localhost:3000' });
    const config = loadConfig({
      DATA_DIR: dataDir(),
      SMTP_URL: 'smtps://user:p%40ss@mail.example.com:465',
      MAIL_FROM: 'Parley Support <support@example.com>',
      PUBLIC_URL: 'https://chat.example.com/',
    });
    expect(config.mail).toEqual({ smtpUrl: 'smtps://user:p%40ss@mail.example.com:465', from: 'Parley Support <support@example.com>' });
    expect(config.publicUrl).toBe('https://chat.example.com');
    const production = { DATA_DIR: dataDir(), NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(48), WEBHOOK_SECRET_KEY_FROM_JWT: 'true', SMTP_URL: 'smtp://mail.example.com', MAIL_FROM: 'support@example.com' };
    expect(() => loadConfig(production)).toThrow('PUBLIC_URL is required in production');
    expect(loadConfig({ ...production, PUBLIC_URL: 'https://chat.example.com' }).mail).toBeDefined();
  });

  it('has the contract\'s defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config).toMatchObject({ port: 3000, host: '0.0.0.0', databaseUrl: undefined, corsOrigins: [], rateLimitScale: 1, seedDemo: true, production: false, redisPrefix: 'parley:' });
    expect(loadConfig({ DATA_DIR: dataDir(), REDIS_PREFIX: 'tenant-a:' }).redisPrefix).toBe('tenant-a:');
  });

  it('keeps files in PostgreSQL, 10 MB at most, unless told otherwise; S3 once a bucket is named', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).attachments).toEqual({
      maxBytes: 10 * 1024 * 1024,
      customerBytesPerDay: 200 * 1024 * 1024,
      unclaimedSeconds: 86_400,
      store: 'postgres',
      s3: undefined,
    });
    const s3 = loadConfig({ DATA_DIR: dataDir(), S3_BUCKET: 'files', S3_ENDPOINT: 'http://127.0.0.1:9000', UPLOAD_MAX_BYTES: '5000000' }).attachments;
    expect(s3).toMatchObject({ maxBytes: 5_000_000, store: 's3', s3: { bucket: 'files', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', forcePathStyle: true } });
    expect(loadConfig({ DATA_DIR: dataDir(), S3_BUCKET: 'files', ATTACHMENT_STORE: 'postgres' }).attachments?.store).toBe('postgres');
  });

  it.each([
    ['S3_BUCKET', { ATTACHMENT_STORE: 's3' }],
    ['ATTACHMENT_STORE', { ATTACHMENT_STORE: 'disk' }],
    ['UPLOAD_MAX_BYTES', { UPLOAD_MAX_BYTES: '10MB' }],
    ['S3_SECRET_ACCESS_KEY', { S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k' }],
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x@y/z' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['REDIS_URL', { REDIS_URL: 'http://localhost' }],
    ['MIGRATE_ONLY', { MIGRATE_ONLY: 'maybe' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'https://ok.example, notanorigin' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'https://example.com/path' }],
    ['RATE_LIMIT_SCALE', { RATE_LIMIT_SCALE: '-1' }],
    ['SEED_DEMO', { SEED_DEMO: 'maybe' }],
    ['LLM_MODEL', { LLM_BASE_URL: 'http://127.0.0.1:8080/v1' }],
    ['LLM_BASE_URL', { LLM_BASE_URL: 'not a url', LLM_MODEL: 'm' }],
    ['LLM_TIMEOUT_MS', { LLM_TIMEOUT_MS: '0' }],
    ['NODE_ENV', { NODE_ENV: 'prod' }],
    ['ADMIN_EMAIL', { ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'password1' }],
    ['ADMIN_PASSWORD', { ADMIN_EMAIL: 'boss@example.com' }],
    ['JWT_SECRET', { JWT_SECRET: 'too-short' }],
    ['WEBHOOK_SECRET_KEY', { WEBHOOK_SECRET_KEY: 'a'.repeat(31) }],
    ['WEBHOOK_SECRET_KEY_PREVIOUS', { WEBHOOK_SECRET_KEY_PREVIOUS: `${'a'.repeat(40)},short` }],
    ['WEBHOOK_SECRET_KEY_FROM_JWT', { WEBHOOK_SECRET_KEY_FROM_JWT: 'perhaps' }],
    ['IDENTITY_SECRET', { IDENTITY_SECRET: 'too-short' }],
    ['WIDGET_ORIGINS', { WIDGET_ORIGINS: 'https://shop.example, shop.example' }],
    ['WIDGET_ORIGINS', { WIDGET_ORIGINS: 'https://shop.example/page' }],
    ['MAIL_FROM', { SMTP_URL: 'smtp://mail.example.com:587' }],
    ['SMTP_URL', { MAIL_FROM: 'support@example.com' }],
    ['SMTP_URL', { SMTP_URL: 'http://mail.example.com', MAIL_FROM: 'support@example.com' }],
    ['SMTP_URL', { SMTP_URL: 'not a url', MAIL_FROM: 'support@example.com' }],
    ['MAIL_FROM', { SMTP_URL: 'smtp://mail.example.com', MAIL_FROM: 'Parley' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://chat.example.com' }],
  ])('stops on a bad %s, naming it', (variable, env) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(ConfigError);
    try {
      loadConfig({ DATA_DIR: dataDir(), ...env });
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toContain(variable);
    }
  });

  it('in production requires a JWT_SECRET of at least 32 bytes and turns demo data off', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) })).toThrow(/JWT_SECRET/);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, WEBHOOK_SECRET_KEY: webhookKey, DATA_DIR: dataDir() });
    expect(config.seedDemo).toBe(false);
    expect(Buffer.from(config.jwtSecret).toString()).toBe(secret);
  });

  it('in production requires WEBHOOK_SECRET_KEY unless deriving it from JWT_SECRET is chosen; takes earlier keys to open old seals', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: secret, DATA_DIR: dataDir() };
    expect(() => loadConfig(production)).toThrow(/WEBHOOK_SECRET_KEY is required when NODE_ENV=production/);
    expect(loadConfig({ ...production, WEBHOOK_SECRET_KEY_FROM_JWT: 'true' }).webhookSecretKey).toBeUndefined();
    expect(Buffer.from(loadConfig({ ...production, WEBHOOK_SECRET_KEY: webhookKey }).webhookSecretKey!).toString()).toBe(webhookKey);
    // Development derives it without being asked.
    expect(loadConfig({ DATA_DIR: dataDir() }).webhookSecretKey).toBeUndefined();
    const [a, b] = [randomBytes(48).toString('base64'), randomBytes(32).toString('hex')];
    const rotated = loadConfig({ ...production, WEBHOOK_SECRET_KEY: webhookKey, WEBHOOK_SECRET_KEY_PREVIOUS: ` ${a} ,${b}` });
    expect(rotated.webhookSecretKeysPrevious?.map((k) => Buffer.from(k).toString())).toEqual([a, b]);
  });

  it('counts JWT_SECRET in the bytes it holds: hex and base64 text count what they decode to', () => {
    const refused = [randomBytes(16).toString('hex'), randomBytes(24).toString('base64'), randomBytes(31).toString('base64url')];
    for (const value of refused) {
      expect(() => loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: value })).toThrow(/JWT_SECRET must hold at least 32 random bytes/);
    }
    for (const value of [randomBytes(32).toString('hex'), randomBytes(48).toString('base64'), randomBytes(32).toString('base64url'), 'é'.repeat(16)]) {
      expect(Buffer.from(loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: value }).jwtSecret).toString()).toBe(value);
    }
  });

  it('holds ADMIN_PASSWORD to the password policy, saying why', () => {
    const admin = { DATA_DIR: dataDir(), ADMIN_EMAIL: 'boss@example.com' };
    for (const weak of ['password1', 'Password123!', 'boss@example.com', 'qwertyuiop', 'parleyadmin']) {
      expect(() => loadConfig({ ...admin, ADMIN_PASSWORD: weak })).toThrow(/ADMIN_PASSWORD is too easy to guess/);
    }
    expect(() => loadConfig({ ...admin, ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD must be 8 to 128 characters/);
    expect(loadConfig({ ...admin, ADMIN_PASSWORD: 'violet kettle under 7 maps' }).adminPassword).toBe('violet kettle under 7 maps');
  });

  it('in development generates a secret once, keeps it private in DATA_DIR, and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(second.jwtSecret)).toEqual(Buffer.from(first.jwtSecret));
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim().length).toBeGreaterThanOrEqual(32);
  });

  it('reads the optional language model as a whole', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).llm).toBeUndefined();
    const config = loadConfig({ DATA_DIR: dataDir(), LLM_BASE_URL: 'http://127.0.0.1:8080/v1', LLM_MODEL: 'small', LLM_TIMEOUT_MS: '1500' });
    expect(config.llm).toEqual({ baseUrl: 'http://127.0.0.1:8080/v1', model: 'small', apiKey: undefined, timeoutMs: 1500 });
  });

  it('describes the schema to staff only in production, unless INTROSPECTION says otherwise', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).introspection).toBe('open');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, WEBHOOK_SECRET_KEY: webhookKey, DATA_DIR: dataDir() }).introspection).toBe('staff');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, WEBHOOK_SECRET_KEY: webhookKey, DATA_DIR: dataDir(), INTROSPECTION: 'open' }).introspection).toBe('open');
    expect(() => loadConfig({ DATA_DIR: dataDir(), INTROSPECTION: 'everyone' })).toThrow(/INTROSPECTION/);
  });

  it('lets any site embed the widget in development, none in production unless WIDGET_ORIGINS lists it', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).widgetOrigins).toBe('any');
    expect(loadConfig({ DATA_DIR: dataDir(), NODE_ENV: 'production', JWT_SECRET: secret, WEBHOOK_SECRET_KEY: webhookKey }).widgetOrigins).toEqual([]);
    const listed = loadConfig({ DATA_DIR: dataDir(), NODE_ENV: 'production', JWT_SECRET: secret, WEBHOOK_SECRET_KEY: webhookKey, WIDGET_ORIGINS: 'https://shop.example, http://localhost:8081/' });
    expect(listed.widgetOrigins).toEqual(['https://shop.example', 'http://localhost:8081']);
    expect(loadConfig({ DATA_DIR: dataDir() }).identitySecret).toBeUndefined();
    expect(Buffer.from(loadConfig({ DATA_DIR: dataDir(), IDENTITY_SECRET: secret }).identitySecret!).toString()).toBe(secret);
  });

  it('parses CORS_ORIGINS into exact origins', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), CORS_ORIGINS: 'https://a.example, http://localhost:4200/' });
    expect(config.corsOrigins).toEqual(['https://a.example', 'http://localhost:4200']);
  });
});
