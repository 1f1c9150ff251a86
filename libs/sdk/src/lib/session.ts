import { isParleyError, ParleyError } from './errors.js';

/** What sign-in returns and what the client needs to stay signed in; persist it to resume later. */
export interface Session {
  /** Bearer token for HTTP and for the socket's connection_init. */
  token: string;
  /** When `token` stops working (ISO 8601). */
  expiresAt: string;
  /** Single use: every renewal returns the next one. */
  refreshToken: string;
  refreshExpiresAt: string;
}

/** Renew this long before expiry at most (less for short-lived tokens: a quarter of their life). */
const RENEW_AHEAD_MS = 60_000;

/**
 * Holds the session and renews it with the refresh token: before the access
 * token expires, and when the server refuses it (UNAUTHENTICATED over HTTP,
 * 4403 on the socket). Renewals are shared: a refresh token is single use, and
 * the server ends the whole session when a spent one comes back, so two
 * concurrent renewals must never both reach it.
 */
export class SessionKeeper {
  private session: Session | null = null;
  private renewAt = 0;
  private renewing: Promise<Session> | null = null;

  constructor(
    private readonly refresh: (refreshToken: string) => Promise<Session>,
    private readonly onChange: (session: Session | null) => void = () => undefined,
  ) {}

  get current(): Session | null {
    return this.session;
  }

  set(session: Session | null): void {
    this.session = session;
    if (session) {
      const now = Date.now();
      const expires = Date.parse(session.expiresAt);
      this.renewAt = expires - Math.min(RENEW_AHEAD_MS, Math.max(0, expires - now) / 4);
    }
    this.onChange(session);
  }

  /** The token to send now (renewed first when it is about to expire); undefined when signed out. */
  async token(): Promise<string | undefined> {
    const session = this.session;
    if (!session) return undefined;
    if (Date.now() < this.renewAt) return session.token;
    return (await this.renew(session.token)).token;
  }

  /**
   * Renews the session unless `stale` was already replaced. Fails with
   * UNAUTHENTICATED (and forgets the session) when the server no longer
   * accepts the refresh token.
   */
  renew(stale: string): Promise<Session> {
    if (this.renewing) return this.renewing;
    const session = this.session;
    if (!session) return Promise.reject(new ParleyError('UNAUTHENTICATED', 'Not signed in.'));
    if (session.token !== stale) return Promise.resolve(session);
    this.renewing = this.refresh(session.refreshToken)
      .then(
        (next) => {
          if (this.session === session) this.set(next);
          return next;
        },
        (error: unknown) => {
          if (isParleyError(error, 'UNAUTHENTICATED') && this.session === session) this.set(null);
          throw error;
        },
      )
      .finally(() => (this.renewing = null));
    return this.renewing;
  }
}
