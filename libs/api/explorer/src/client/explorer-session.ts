/** What a SignIn (login, register) or refreshToken result carries. */
export interface SignInResult {
  token: string;
  expiresAt?: string;
  refreshToken?: string;
}

const RENEW = `mutation ExplorerRenew($refreshToken: String!) {
  refreshToken(refreshToken: $refreshToken) { token expiresAt refreshToken }
}`;

/**
 * The explorer's sign-in, in memory only. The Authorization it sets applies to
 * every tab: a tab whose header is empty, or holds a token this explorer set
 * earlier (since renewed), is sent the current one; a header the agent typed
 * is sent as typed. With a refresh token it renews the access token before it
 * expires, so a shift outlasts the access token's 15 minutes.
 */
export class ExplorerSession {
  private current: string | undefined;
  private readonly issued = new Set<string>();
  private refreshToken: string | undefined;
  private expiresAt = 0;
  private renewing: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly httpUrl: string) {}

  /** The current Authorization value this explorer set, if any. */
  get authorization(): string | undefined {
    return this.current;
  }

  /** The Authorization to send for a tab's header. */
  authorizationFor(tabHeader: string | undefined): string | undefined {
    if (!tabHeader || this.issued.has(tabHeader)) return this.current ?? tabHeader;
    return tabHeader;
  }

  /** Whether this Authorization value is one the explorer set (and may renew). */
  owns(authorization: string | undefined): boolean {
    return Boolean(authorization && this.issued.has(authorization));
  }

  /** Whether a refresh token can renew the sign-in. */
  get canRenew(): boolean {
    return Boolean(this.refreshToken);
  }

  /** The current Authorization, renewed first when it has expired or is about to. */
  async fresh(): Promise<string | undefined> {
    if (this.refreshToken && this.expiresAt - Date.now() < 1000) await this.renew();
    return this.current;
  }

  /** Called when the current Authorization changes (renewed); returns the way to stop. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts using a sign-in's token for every tab, renewing it while a refresh token allows. */
  adopt(result: SignInResult): string {
    this.current = `Bearer ${result.token}`;
    this.issued.add(this.current);
    if (result.refreshToken) this.refreshToken = result.refreshToken;
    clearTimeout(this.timer);
    const expiresAt = result.expiresAt ? Date.parse(result.expiresAt) : NaN;
    this.expiresAt = Number.isFinite(expiresAt) ? expiresAt : 0;
    if (this.refreshToken && Number.isFinite(expiresAt)) {
      // Renew at four fifths of the token's life, so requests and sockets never meet an expired one.
      const wait = Math.max(1000, (expiresAt - Date.now()) * 0.8);
      this.timer = setTimeout(() => void this.renew(), wait);
    }
    for (const listener of this.listeners) listener();
    return this.current;
  }

  /** One renewal at a time: a refresh token is single use. */
  private renew(): Promise<void> {
    this.renewing ??= this.renewOnce().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renewOnce(): Promise<void> {
    const refreshToken = this.refreshToken;
    if (!refreshToken) return;
    try {
      const response = await fetch(this.httpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: RENEW, variables: { refreshToken }, operationName: 'ExplorerRenew' }),
        credentials: 'omit',
      });
      const result = (await response.json()) as { data?: { refreshToken?: SignInResult } };
      if (result.data?.refreshToken?.token) {
        this.adopt(result.data.refreshToken);
        return;
      }
      // Refused: the session ended (signed out, revoked). Sign in again.
      this.refreshToken = undefined;
    } catch {
      // The API is unreachable for a moment: try again shortly.
      this.timer = setTimeout(() => void this.renew(), 5000);
    }
  }
}

/** The sign-in in a login/register/refreshToken result shown in the response pane, if any. */
export function signInFromResponse(text: string): SignInResult | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!data || typeof data !== 'object') return undefined;
  for (const field of Object.values(data)) {
    const value = field as Partial<Record<keyof SignInResult, unknown>> | null;
    if (typeof value?.token === 'string' && value.token) {
      return {
        token: value.token,
        expiresAt: typeof value.expiresAt === 'string' ? value.expiresAt : undefined,
        refreshToken: typeof value.refreshToken === 'string' ? value.refreshToken : undefined,
      };
    }
  }
  return undefined;
}
