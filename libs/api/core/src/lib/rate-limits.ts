import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimited } from './errors';

/** Each abuse limit at RATE_LIMIT_SCALE=1: `points` per `seconds`, blocked for `blockSeconds` once exceeded. */
export const LIMIT_RULES = {
  /** Sign-in attempts from one IP address. */
  loginPerIp: { points: 30, seconds: 60, blockSeconds: 60 },
  /**
   * Failed sign-ins for one account from one IP. The block itself is set by the
   * sign-in throttle (auth's login-throttle.ts), growing with each block.
   */
  loginFailuresPerAccountAndIp: { points: 5, seconds: 900, blockSeconds: 0 },
  /** Blocks of one account and IP within a day: each doubles the next block's length. */
  loginBlocksPerAccountAndIp: { points: 1000, seconds: 86_400, blockSeconds: 0 },
  /**
   * Failed sign-ins for one account from everywhere (distributed guessing). Over
   * it, an address is blocked after its first failure; the account itself never is.
   */
  loginFailuresPerAccount: { points: 50, seconds: 300, blockSeconds: 0 },
  /** Accounts created from one IP address. */
  registerPerIp: { points: 10, seconds: 3600, blockSeconds: 0 },
  /** Website visitor sessions started from one IP address (visitors behind one office address share it). */
  visitorSessionPerIp: { points: 30, seconds: 600, blockSeconds: 0 },
  /** Messages one user sends. */
  sendPerUser: { points: 60, seconds: 10, blockSeconds: 0 },
  /** Chats one customer starts. */
  startChatPerUser: { points: 10, seconds: 60, blockSeconds: 0 },
  /** WebSocket connections one user opens. */
  socketsPerUser: { points: 30, seconds: 60, blockSeconds: 0 },
  /** WebSocket upgrades from one address, counted before the handshake and before any token is read. */
  socketsPerIp: { points: 60, seconds: 60, blockSeconds: 0 },
  /** GraphQL requests without a valid token from one address, counted before the document is parsed. */
  anonymousPerIp: { points: 60, seconds: 60, blockSeconds: 0 },
  /** Each mutation field, per caller (user, else address), unless `FIELD_LIMITS` names another rule. */
  mutationPerCaller: { points: 60, seconds: 10, blockSeconds: 0 },
  /** Typing notices: one per keystroke burst is plenty. */
  typingPerCaller: { points: 30, seconds: 10, blockSeconds: 0 },
  /** Files one user uploads (POST /uploads). */
  uploadPerUser: { points: 30, seconds: 60, blockSeconds: 0 },
  /** Searches (full-text, with spelling correction: the dearest queries there are). */
  searchPerCaller: { points: 30, seconds: 60, blockSeconds: 0 },
  /** Password reset emails asked for by one caller (an address, when signed out). */
  passwordResetPerCaller: { points: 5, seconds: 3600, blockSeconds: 0 },
  /** Password reset emails to one address, whoever asks (over it, the answer is the same and nothing is sent). */
  passwordResetPerEmail: { points: 3, seconds: 3600, blockSeconds: 0 },
  /** Reset links tried by one caller. */
  resetPasswordPerCaller: { points: 10, seconds: 3600, blockSeconds: 0 },
  /** Transcripts one customer has emailed. */
  transcriptPerCaller: { points: 5, seconds: 3600, blockSeconds: 0 },
  /** "Can someone answer now?" (supportStatus), asked by the widget and the site as they open. */
  statusPerCaller: { points: 30, seconds: 60, blockSeconds: 0 },
  /** Team reports (a year of chats, medians computed over every one of them). */
  reportPerCaller: { points: 10, seconds: 60, blockSeconds: 0 },
} as const;

export type LimitName = keyof typeof LIMIT_RULES;

/** Subscriptions open at once on one socket (scaled like the rest). */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 50;

/**
 * Unsent data one WebSocket may hold: a socket over `bytes` for `graceSeconds`
 * (its client stopped reading) is closed with WS_CLOSE_UNREAD_OVER_BUDGET.
 * Not scaled, and on when the abuse limits are off: it bounds memory, not use.
 */
export const SOCKET_UNREAD_BUDGET = { bytes: 256 * 1024, graceSeconds: 10 } as const;

/** Chats one customer may have open (QUEUED or ACTIVE) at once, so nobody can flood the queue. */
export const MAX_OPEN_CHATS_PER_CUSTOMER = 5;

/** A Redis client as rate-limiter-flexible takes it (ioredis). */
export type RateLimitStore = ConstructorParameters<typeof RateLimiterRedis>[0]['storeClient'];

/**
 * The abuse limits, from rate-limiter-flexible: in memory for one instance,
 * in Redis (shared by every instance) when a store is given. RATE_LIMIT_SCALE
 * multiplies every limit; 0 turns them all off.
 */
export class RateLimits {
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();

  constructor(
    readonly scale: number,
    store?: RateLimitStore,
    prefix = 'parley:',
  ) {
    if (scale <= 0) return;
    for (const [name, rule] of Object.entries(LIMIT_RULES) as Array<[LimitName, (typeof LIMIT_RULES)[LimitName]]>) {
      const options = {
        keyPrefix: `${prefix}rl:${name}`,
        points: Math.max(1, Math.ceil(rule.points * scale)),
        duration: rule.seconds,
        blockDuration: rule.blockSeconds,
      };
      this.limiters.set(name, store ? new RateLimiterRedis({ ...options, storeClient: store, insuranceLimiter: new RateLimiterMemory(options) }) : new RateLimiterMemory(options));
    }
  }

  get enabled(): boolean {
    return this.limiters.size > 0;
  }

  /** Spends a point, or throws RATE_LIMITED with retryAfterSeconds. */
  async consume(name: LimitName, key: string): Promise<void> {
    const limiter = this.limiters.get(name);
    if (!limiter) return;
    try {
      await limiter.consume(key);
    } catch (result) {
      if (result instanceof RateLimiterRes) throw rateLimited(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
      throw result;
    }
  }

  /** Throws RATE_LIMITED if the key is already over the limit, without spending a point. */
  async check(name: LimitName, key: string): Promise<void> {
    const limiter = this.limiters.get(name);
    if (!limiter) return;
    const result = await limiter.get(key);
    if (result && result.remainingPoints <= 0 && result.msBeforeNext > 0) {
      throw rateLimited(Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
    }
  }

  /** Points spent on a key in its current window (0 when none, or limits are off). */
  async spent(name: LimitName, key: string): Promise<number> {
    const result = await this.limiters.get(name)?.get(key);
    return result && result.msBeforeNext > 0 ? result.consumedPoints : 0;
  }

  /** Whether a key has spent all its points in its current window. */
  async exhausted(name: LimitName, key: string): Promise<boolean> {
    const limiter = this.limiters.get(name);
    return Boolean(limiter) && (await this.spent(name, key)) >= (limiter as RateLimiterAbstract).points;
  }

  /** Blocks a key for exactly `seconds` from now (its counter starts afresh afterwards). */
  async block(name: LimitName, key: string, seconds: number): Promise<void> {
    await this.limiters.get(name)?.block(key, seconds);
  }

  async reset(name: LimitName, key: string): Promise<void> {
    await this.limiters.get(name)?.delete(key);
  }

  maxSubscriptionsPerSocket(): number {
    return this.enabled ? Math.max(1, Math.ceil(MAX_SUBSCRIPTIONS_PER_SOCKET * this.scale)) : Number.POSITIVE_INFINITY;
  }

  /** Not scaled: a count of conversations, not a rate (a smaller scale would only refuse ordinary use). Off with the rest. */
  maxOpenChatsPerCustomer(): number {
    return this.enabled ? MAX_OPEN_CHATS_PER_CUSTOMER : Number.POSITIVE_INFINITY;
  }
}
