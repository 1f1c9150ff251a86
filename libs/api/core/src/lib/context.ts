import type { Role } from './role';

/** Who is asking, from a verified access token. */
export interface Viewer {
  id: string;
  role: Role;
  /** Seconds since the epoch when the token expires. */
  expiresAt: number;
  /** The sign-in session the token belongs to (ended by logout). */
  sessionId?: string;
  /** The user's access version when the token was issued; a newer one in the database ends the token. */
  accessVersion?: number;
  /**
   * A website visitor the database does not hold yet (nor their session): the
   * token says so in a claim of its own, which the server's signature vouches
   * for. Their first chat stores them and their session.
   */
  unstored?: boolean;
}

/** Per-request (or per-subscription-event) state handed to every resolver. */
export interface RequestContext {
  viewer: Viewer | null;
  requestId: string;
  ip?: string;
  /**
   * Request-scoped caches such as DataLoaders, created on first use by the
   * domain that owns them (through scopedValue). Absent until then: a
   * subscription holds its context for as long as it lives.
   */
  scoped?: Map<symbol, unknown>;
  /** Set for an operation on a WebSocket: how a stream that replays stored events waits for its socket to send what it was given. */
  delivery?: DeliveryGate;
}

/**
 * A subscriber's socket as a replaying stream sees it: reading the next page
 * from the database waits until the socket has sent most of what it holds, so
 * a client that does not read costs a bounded amount of memory.
 */
export interface DeliveryGate {
  /** Resolves at once while the socket holds little unsent data, else once it has sent it (or closed). */
  waitForRoom(): Promise<void>;
  /** Whether waitForRoom would resolve at once: a page read ahead is sent now, or dropped and read again later. */
  hasRoom(): boolean;
}

export function scopedValue<T>(ctx: RequestContext, key: symbol, create: () => T): T {
  const scoped = (ctx.scoped ??= new Map());
  let value = scoped.get(key) as T | undefined;
  if (value === undefined) {
    value = create();
    scoped.set(key, value);
  }
  return value;
}
