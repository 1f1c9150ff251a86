import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bool, cleanEnv, email, host, makeValidator, port, str, url } from 'envalid';
import { passwordProblem } from './password-policy';

/** Everything the API reads from the environment, validated once at start. */
export interface Config {
  port: number;
  host: string;
  /** Unset: the embedded PostgreSQL in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  /** Prefix of every Redis channel and key, so several deployments can share one Redis. */
  redisPrefix: string;
  jwtSecret: Uint8Array;
  accessTokenTtlSeconds: number;
  /** How often each instance re-reads the users and sessions it let in, should a revocation's pubsub message be lost. */
  accessRecheckSeconds?: number;
  /** How long an agent or admin without an open WebSocket still counts as present (the contract's 60 s; tests shorten it). */
  presenceGraceSeconds?: number;
  /** How long routing's picking waits for a row another transaction holds before it gives up and tries again later. */
  routingLockTimeoutMs?: number;
  /** Unsent data one WebSocket may hold before it is closed (core's SOCKET_UNREAD_BUDGET when unset; set by tests). */
  socketUnreadBudget?: { bytes: number; graceSeconds: number };
  adminEmail?: string;
  adminPassword?: string;
  /** Exact origins browsers and WebSocket upgrades may come from; empty means the server's own origin only. */
  corsOrigins: string[];
  seedDemo: boolean;
  rateLimitScale: number;
  production: boolean;
  /** Folder of the built customer web app served at `/`, when present. */
  webRoot?: string;
  /** PEM certificate and key: the server speaks HTTPS/WSS itself (else plain HTTP behind a TLS proxy). */
  tls?: { cert: Buffer; key: Buffer };
  /** Which proxies' X-Forwarded-For to believe (Express's `trust proxy`): client addresses key the abuse limits. */
  trustProxy: string;
  /** The bot's optional language model: an OpenAI-compatible API root and model name (both or neither). */
  llm?: { baseUrl: string; model: string; apiKey?: string; timeoutMs: number };
  /** When set, GET /metrics requires `Authorization: Bearer <metricsToken>`; in production, unset means no /metrics. */
  metricsToken?: string;
  /** Who may run introspection (`__schema`, `__type`): anyone, or signed-in agents and admins only. */
  introspection?: 'open' | 'staff';
  /** Apply the database migrations and exit (a deployment's migration job). */
  migrateOnly?: boolean;
  /** Key of identifyVisitor's userHash; unset: every hash is refused. */
  identitySecret?: Uint8Array;
  /** Origins whose pages may embed the widget (frame-ancestors and CORS); 'any' in development by default. */
  widgetOrigins?: string[] | 'any';
  /** Files on messages: the largest upload, a customer's bytes a day, how long an upload no message names is kept, and where new files go. */
  attachments?: AttachmentsConfig;
  /** Outgoing email (SMTP_URL and MAIL_FROM); unset: Parley sends none and offers nothing that needs it. */
  mail?: { smtpUrl: string; from: string };
  /** The site's address as people reach it (links in emails), without a trailing slash. */
  publicUrl?: string;
  /** Key material for webhook signing secrets at rest (WEBHOOK_SECRET_KEY); unset: derived from jwtSecret (in production only when allowed). */
  webhookSecretKey?: Uint8Array;
  /** Earlier key material (WEBHOOK_SECRET_KEY_PREVIOUS): secrets sealed with it still open, and are sealed again with the current key at start. */
  webhookSecretKeysPrevious?: Uint8Array[];
}

/** Where attachments' bytes live and how much may be sent (README, Attachments). */
export interface AttachmentsConfig {
  maxBytes: number;
  customerBytesPerDay: number;
  unclaimedSeconds: number;
  /** New uploads go here; files already stored are read from the store that holds them. */
  store: 'postgres' | 's3';
  /** How often the sweep for orphaned bytes runs (default an hour; tests shorten it). */
  sweepEverySeconds?: number;
  /** Bytes younger than this are never orphans yet (an upload writes them before its row; default an hour). */
  orphanGraceSeconds?: number;
  s3?: { endpoint?: string; region: string; bucket: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
}


export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const MIN_SECRET_BYTES = 32;

const origins = makeValidator<string[]>((input) => {
  const list = input.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of list) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new Error(`"${origin}" is not an origin such as https://chat.example.com`);
    }
    if (parsed.origin !== origin.replace(/\/$/, '')) {
      throw new Error(`"${origin}" must be a bare origin (scheme, host and port, no path)`);
    }
  }
  return list.map((o) => o.replace(/\/$/, ''));
});

const scale = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isFinite(value) || value < 0) throw new Error('must be a number >= 0');
  return value;
});

const positiveInt = makeValidator<number>((input) => {
  const value = Number(input);
  if (!Number.isInteger(value) || value <= 0) throw new Error('must be a whole number > 0');
  return value;
});

/** Every variable the API reads, with its validator and default (the README's Configuration table is checked against it). */
export const CONFIG_VARIABLES = {
  PORT: port({ default: 3000 }),
  HOST: host({ default: '0.0.0.0' }),
  DATABASE_URL: url({ default: undefined }),
  DATA_DIR: str({ default: './data' }),
  REDIS_URL: url({ default: undefined }),
  REDIS_PREFIX: str({ default: 'parley:' }),
  JWT_SECRET: str({ default: undefined }),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt({ default: 900 }),
  ACCESS_RECHECK_SECONDS: positiveInt({ default: 5 }),
  PRESENCE_GRACE_SECONDS: positiveInt({ default: 60 }),
  ROUTING_LOCK_TIMEOUT_MS: positiveInt({ default: 3000 }),
  ADMIN_EMAIL: email({ default: undefined }),
  ADMIN_PASSWORD: str({ default: undefined }),
  CORS_ORIGINS: origins({ default: [] }),
  SEED_DEMO: bool({ default: undefined }),
  RATE_LIMIT_SCALE: scale({ default: 1 }),
  NODE_ENV: str({ choices: ['development', 'production', 'test'], default: 'development' }),
  WEB_ROOT: str({ default: undefined }),
  LLM_BASE_URL: url({ default: undefined }),
  LLM_MODEL: str({ default: undefined }),
  LLM_API_KEY: str({ default: undefined }),
  LLM_TIMEOUT_MS: positiveInt({ default: 4000 }),
  METRICS_TOKEN: str({ default: undefined }),
  INTROSPECTION: str({ choices: ['open', 'staff'], default: undefined }),
  TRUST_PROXY: str({ default: 'loopback' }),
  TLS_CERT_FILE: str({ default: undefined }),
  TLS_KEY_FILE: str({ default: undefined }),
  MIGRATE_ONLY: bool({ default: false }),
  IDENTITY_SECRET: str({ default: undefined }),
  WIDGET_ORIGINS: origins({ default: undefined }),
  UPLOAD_MAX_BYTES: positiveInt({ default: 10 * 1024 * 1024 }),
  UPLOAD_CUSTOMER_BYTES_PER_DAY: positiveInt({ default: 200 * 1024 * 1024 }),
  UPLOAD_UNCLAIMED_SECONDS: positiveInt({ default: 86_400 }),
  ATTACHMENT_STORE: str({ choices: ['postgres', 's3'], default: undefined }),
  S3_ENDPOINT: url({ default: undefined }),
  S3_REGION: str({ default: 'us-east-1' }),
  S3_BUCKET: str({ default: undefined }),
  S3_ACCESS_KEY_ID: str({ default: undefined }),
  S3_SECRET_ACCESS_KEY: str({ default: undefined }),
  S3_FORCE_PATH_STYLE: bool({ default: true }),
  SMTP_URL: str({ default: undefined }),
  MAIL_FROM: str({ default: undefined }),
  PUBLIC_URL: url({ default: undefined }),
  WEBHOOK_SECRET_KEY: str({ default: undefined }),
  WEBHOOK_SECRET_KEY_PREVIOUS: str({ default: undefined }),
  WEBHOOK_SECRET_KEY_FROM_JWT: bool({ default: false }),
};

/**
 * Reads and validates the configuration. Throws ConfigError naming the first
 * bad variable; the caller prints it and exits.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const clean = cleanEnv(
    env,
    CONFIG_VARIABLES,
    {
      reporter: ({ errors }) => {
        const [variable, error] = Object.entries(errors)[0] ?? [];
        if (variable) throw new ConfigError(variable, (error as Error).message || 'is invalid');
      },
    },
  );

  const production = clean.NODE_ENV === 'production';
  const dataDir = resolve(clean.DATA_DIR);

  if (clean.DATABASE_URL && !/^postgres(ql)?:\/\//.test(clean.DATABASE_URL)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  if (clean.REDIS_URL && !/^rediss?:\/\//.test(clean.REDIS_URL)) {
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  }
  if (Boolean(clean.ADMIN_EMAIL) !== Boolean(clean.ADMIN_PASSWORD)) {
    throw new ConfigError(clean.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL', 'must be set together with the other');
  }
  if (Boolean(clean.LLM_BASE_URL) !== Boolean(clean.LLM_MODEL)) {
    throw new ConfigError(clean.LLM_BASE_URL ? 'LLM_MODEL' : 'LLM_BASE_URL', 'must be set together with the other');
  }
  // The same policy as every other account's password: the admin's is the one most worth guessing.
  const adminPasswordProblem = clean.ADMIN_PASSWORD && passwordProblem(clean.ADMIN_PASSWORD, [clean.ADMIN_EMAIL ?? '', 'admin', 'parley']);
  if (adminPasswordProblem) throw new ConfigError('ADMIN_PASSWORD', adminPasswordProblem);

  if (Boolean(clean.TLS_CERT_FILE) !== Boolean(clean.TLS_KEY_FILE)) {
    throw new ConfigError(clean.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE', 'must be set together with the other');
  }
  const tls = clean.TLS_CERT_FILE && clean.TLS_KEY_FILE
    ? { cert: readPem('TLS_CERT_FILE', clean.TLS_CERT_FILE), key: readPem('TLS_KEY_FILE', clean.TLS_KEY_FILE) }
    : undefined;

  const identitySecret = clean.IDENTITY_SECRET === undefined ? undefined : Buffer.from(clean.IDENTITY_SECRET, 'utf8');
  if (identitySecret && identitySecret.length < MIN_SECRET_BYTES) {
    throw new ConfigError('IDENTITY_SECRET', `must be at least ${MIN_SECRET_BYTES} bytes (it has ${identitySecret.length})`);
  }

  const store = (clean.ATTACHMENT_STORE as 'postgres' | 's3' | undefined) ?? (clean.S3_BUCKET ? 's3' : 'postgres');
  if (store === 's3' && !clean.S3_BUCKET) throw new ConfigError('S3_BUCKET', 'is required when ATTACHMENT_STORE=s3');
  if (Boolean(clean.S3_ACCESS_KEY_ID) !== Boolean(clean.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(clean.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID', 'must be set together with the other');
  }

  const mail = readMail(clean.SMTP_URL, clean.MAIL_FROM);
  if (clean.PUBLIC_URL && !/^https?:\/\//.test(clean.PUBLIC_URL)) throw new ConfigError('PUBLIC_URL', 'must be an http:// or https:// URL');
  // Emails carry links: in production they must point where people reach the site, never at localhost.
  if (mail && production && !clean.PUBLIC_URL) throw new ConfigError('PUBLIC_URL', 'is required in production when SMTP_URL is set (the links in emails)');

  // The JWT secret first: without it production names JWT_SECRET, whatever else is missing.
  const jwtSecret = resolveJwtSecret(clean.JWT_SECRET, production, dataDir);
  const webhookSecretKey = resolveWebhookSecretKey(clean.WEBHOOK_SECRET_KEY, production, clean.WEBHOOK_SECRET_KEY_FROM_JWT);

  return {
    webhookSecretKey,
    webhookSecretKeysPrevious: resolvePreviousWebhookKeys(clean.WEBHOOK_SECRET_KEY_PREVIOUS),
    attachments: {
      maxBytes: clean.UPLOAD_MAX_BYTES,
      customerBytesPerDay: clean.UPLOAD_CUSTOMER_BYTES_PER_DAY,
      unclaimedSeconds: clean.UPLOAD_UNCLAIMED_SECONDS,
      store,
      s3: clean.S3_BUCKET
        ? {
            endpoint: clean.S3_ENDPOINT,
            region: clean.S3_REGION,
            bucket: clean.S3_BUCKET,
            accessKeyId: clean.S3_ACCESS_KEY_ID,
            secretAccessKey: clean.S3_SECRET_ACCESS_KEY,
            forcePathStyle: clean.S3_FORCE_PATH_STYLE,
          }
        : undefined,
    },
    mail,
    publicUrl: (clean.PUBLIC_URL ?? `${tls ? 'https' : 'http'}://localhost:${clean.PORT}`).replace(/\/+$/, ''),
    identitySecret: identitySecret ? new Uint8Array(identitySecret) : undefined,
    // Any site may embed the widget in development; in production only the origins listed.
    widgetOrigins: clean.WIDGET_ORIGINS ?? (production ? [] : 'any'),
    tls,
    trustProxy: clean.TRUST_PROXY,
    port: clean.PORT,
    host: clean.HOST,
    databaseUrl: clean.DATABASE_URL,
    dataDir,
    redisUrl: clean.REDIS_URL,
    redisPrefix: clean.REDIS_PREFIX,
    jwtSecret,
    accessTokenTtlSeconds: clean.ACCESS_TOKEN_TTL_SECONDS,
    accessRecheckSeconds: clean.ACCESS_RECHECK_SECONDS,
    presenceGraceSeconds: clean.PRESENCE_GRACE_SECONDS,
    routingLockTimeoutMs: clean.ROUTING_LOCK_TIMEOUT_MS,
    adminEmail: clean.ADMIN_EMAIL,
    adminPassword: clean.ADMIN_PASSWORD,
    corsOrigins: clean.CORS_ORIGINS,
    seedDemo: clean.SEED_DEMO ?? !production,
    rateLimitScale: clean.RATE_LIMIT_SCALE,
    production,
    webRoot: clean.WEB_ROOT ? resolve(clean.WEB_ROOT) : undefined,
    llm:
      clean.LLM_BASE_URL && clean.LLM_MODEL
        ? { baseUrl: clean.LLM_BASE_URL, model: clean.LLM_MODEL, apiKey: clean.LLM_API_KEY, timeoutMs: clean.LLM_TIMEOUT_MS }
        : undefined,
    metricsToken: clean.METRICS_TOKEN || undefined,
    introspection: (clean.INTROSPECTION as 'open' | 'staff' | undefined) ?? (production ? 'staff' : 'open'),
    migrateOnly: clean.MIGRATE_ONLY,
  };
}

/** SMTP_URL and MAIL_FROM, both or neither: smtp:// (STARTTLS when offered) or smtps:// (TLS from the start). */
function readMail(smtpUrl: string | undefined, from: string | undefined): Config['mail'] {
  if (!smtpUrl && !from) return undefined;
  if (!smtpUrl || !from) throw new ConfigError(smtpUrl ? 'MAIL_FROM' : 'SMTP_URL', 'must be set together with the other');
  let parsed: URL;
  try {
    parsed = new URL(smtpUrl);
  } catch {
    throw new ConfigError('SMTP_URL', 'must be a URL such as smtp://user:pass@mail.example.com:587');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL');
  if (!parsed.hostname) throw new ConfigError('SMTP_URL', 'must name a host');
  // An address, or a display name with the address in angle brackets.
  const address = /<([^<>\s]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  if (!/^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/.test(address) || /[\r\n]/.test(from)) {
    throw new ConfigError('MAIL_FROM', 'must be an address such as "Parley <support@example.com>"');
  }
  return { smtpUrl, from: from.trim() };
}

function readPem(variable: string, file: string): Buffer {
  try {
    const pem = readFileSync(file);
    if (!pem.includes('-----BEGIN')) throw new Error('not PEM');
    return pem;
  } catch (error) {
    throw new ConfigError(variable, `cannot be read as a PEM file (${(error as Error).message})`);
  }
}

/**
 * How many bytes of secret a JWT_SECRET holds: what its text decodes to when
 * it is hex or base64 (as `openssl rand` prints them, so 32 hex characters are
 * 16 bytes, not 32), its UTF-8 bytes otherwise (an accented letter is two).
 */
export function secretBytes(value: string): number {
  if (/^(?:[0-9a-f]{2})+$/i.test(value)) return value.length / 2;
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && /[0-9]/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value)) {
    return Buffer.from(value.replace(/=+$/, ''), value.includes('-') || value.includes('_') ? 'base64url' : 'base64').length;
  }
  return Buffer.byteLength(value, 'utf8');
}

/**
 * The key material webhook signing secrets are encrypted with. Unset, it is
 * derived from the JWT secret (each deployment has its own; in development
 * that one is generated into DATA_DIR); set, it survives JWT_SECRET rotations.
 * Production wants it set: a JWT_SECRET rotated for tokens' sake would
 * otherwise leave every webhook unable to sign. WEBHOOK_SECRET_KEY_FROM_JWT=true
 * keeps the derivation for a deployment that chooses it knowingly.
 */
function resolveWebhookSecretKey(value: string | undefined, production: boolean, fromJwtAllowed: boolean): Uint8Array | undefined {
  if (value === undefined) {
    if (production && !fromJwtAllowed) {
      throw new ConfigError(
        'WEBHOOK_SECRET_KEY',
        `is required when NODE_ENV=production (at least ${MIN_SECRET_BYTES} bytes; generate one with: openssl rand -base64 48). Secrets sealed until now with the key derived from JWT_SECRET open with it and are sealed again at start; WEBHOOK_SECRET_KEY_FROM_JWT=true keeps deriving it from JWT_SECRET instead`,
      );
    }
    return undefined;
  }
  const bytes = secretBytes(value);
  if (bytes < MIN_SECRET_BYTES) {
    throw new ConfigError('WEBHOOK_SECRET_KEY', `must hold at least ${MIN_SECRET_BYTES} random bytes (it holds ${bytes}); generate one with: openssl rand -base64 48`);
  }
  return new Uint8Array(Buffer.from(value, 'utf8'));
}

/** WEBHOOK_SECRET_KEY_PREVIOUS: one or more earlier keys, comma-separated (base64 and hex hold no comma), each as long as a key must be. */
function resolvePreviousWebhookKeys(value: string | undefined): Uint8Array[] | undefined {
  if (value === undefined || !value.trim()) return undefined;
  return value.split(',').map((raw, i) => {
    const key = raw.trim();
    const bytes = secretBytes(key);
    if (bytes < MIN_SECRET_BYTES) {
      throw new ConfigError('WEBHOOK_SECRET_KEY_PREVIOUS', `key ${i + 1} must hold at least ${MIN_SECRET_BYTES} random bytes (it holds ${bytes})`);
    }
    return new Uint8Array(Buffer.from(key, 'utf8'));
  });
}

/**
 * The signing secret: from JWT_SECRET when set; in development, generated once
 * and kept in DATA_DIR so tokens survive a restart. Production never generates one.
 */
function resolveJwtSecret(value: string | undefined, production: boolean, dataDir: string): Uint8Array {
  if (value !== undefined) {
    const bytes = secretBytes(value);
    if (bytes < MIN_SECRET_BYTES) {
      throw new ConfigError(
        'JWT_SECRET',
        `must hold at least ${MIN_SECRET_BYTES} random bytes (it holds ${bytes}); generate one with: openssl rand -base64 48`,
      );
    }
    return new Uint8Array(Buffer.from(value, 'utf8'));
  }
  if (production) {
    throw new ConfigError('JWT_SECRET', `is required when NODE_ENV=production (at least ${MIN_SECRET_BYTES} bytes)`);
  }
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return new Uint8Array(Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8'));
}
