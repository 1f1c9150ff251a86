import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { createClient, type Client } from 'graphql-ws';
import { Observable, Subject, defer, first, from, map, merge, mergeMap, retry, throwError, timer } from 'rxjs';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { WS_CLOSE_UNAUTHORIZED } from '@parley/shared/limits';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '@parley/web/shared/util';
import { SESSION_ACCESS } from './session-access';

/**
 * idle: no live subscription; connecting: first connection; connected;
 * reconnecting: lost the socket, retrying with backoff; offline: the browser
 * says there is no network (we retry as soon as it comes back).
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** How long a ping may go unanswered before the socket counts as dead. */
const PONG_TIMEOUT_MS = 5_000;
const KEEP_ALIVE_MS = 12_000;

/**
 * The context of a subscription that replays from a position (messageAdded after a seq). Apollo shares one
 * upstream between subscriptions with the same query and variables, without replay: a second subscriber
 * that joins after the replay was delivered (the chat list and the open conversation resuming after the
 * same seq) would never see those messages. Such a subscription gets a stream of its own.
 */
export const OWN_STREAM = { queryDeduplication: false } as const;

/** Overrides the reconnect backoff (tests use a short one). */
export const REALTIME_BACKOFF = new InjectionToken<BackoffOptions>('RealtimeBackoff');
/** Overrides the socket's address (tests point it at their own server). */
export const REALTIME_URL = new InjectionToken<() => string>('RealtimeUrl');

export function graphqlWsUrl(loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/graphql`;
}

/**
 * The one graphql-ws connection of the app. graphql-ws does not retry by
 * itself here: a lost socket fails every live subscription, and each one
 * resubscribes through {@link RealtimeConnection.resilient} with fresh
 * variables (messageAdded resumes from the last seq it has), after a shared
 * backoff that the browser's "online" event cuts short.
 *
 * The server closes the socket with 4403 when its token expires (and when the
 * session is signed out): the subscriptions then wait for the session to
 * renew its token and reconnect with the new one; only a session that could
 * not be renewed ends them.
 */
@Injectable({ providedIn: 'root' })
export class RealtimeConnection {
  private readonly session = inject(SESSION_ACCESS);
  private readonly statusSignal = signal<ConnectionStatus>('idle');
  /** The state to show the customer. */
  readonly status = this.statusSignal.asReadonly();
  /** Emits each time a socket is (re)established after a loss. */
  readonly reconnected = new Subject<void>();

  private failures = 0;
  private everConnected = false;
  private lostSinceConnected = false;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly wake = new Subject<void>();
  /** The token the current socket authenticated with, to tell the session which one was refused. */
  private socketToken: string | null = null;
  /** After a 4403 close: the session renewing its token (true: reconnect; false: the session ended). */
  private renewal: Promise<boolean> | null = null;
  /** 4403 closes in a row without a successful connection, to back off if a new token is refused too. */
  private refusals = 0;

  readonly client: Client;

  private readonly backoff = inject(REALTIME_BACKOFF, { optional: true }) ?? DEFAULT_BACKOFF;

  constructor() {
    this.client = createClient({
      url: inject(REALTIME_URL, { optional: true }) ?? (() => graphqlWsUrl()),
      lazy: true,
      retryAttempts: 0,
      keepAlive: KEEP_ALIVE_MS,
      connectionParams: async () => {
        const token = await this.session.accessToken();
        this.socketToken = token;
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      on: {
        connecting: () => {
          if (this.statusSignal() !== 'offline') {
            // reconnecting with a renewed token is routine, not worth a banner
            const lost = (this.everConnected || this.failures > 0) && !this.renewal;
            this.statusSignal.set(lost ? 'reconnecting' : 'connecting');
          }
        },
        connected: () => {
          this.failures = 0;
          this.renewal = null;
          this.refusals = 0;
          this.statusSignal.set('connected');
          if (this.everConnected && this.lostSinceConnected) this.reconnected.next();
          this.everConnected = true;
          this.lostSinceConnected = false;
        },
        ping: (received) => {
          if (!received) {
            clearTimeout(this.pongTimer);
            this.pongTimer = setTimeout(() => this.client.terminate(), PONG_TIMEOUT_MS);
          }
        },
        pong: (received) => {
          if (received) clearTimeout(this.pongTimer);
        },
        closed: (event) => {
          clearTimeout(this.pongTimer);
          const code = (event as { code?: number } | undefined)?.code;
          if (code === WS_CLOSE_UNAUTHORIZED) {
            this.refusals++;
            this.lostSinceConnected = true;
            const renewal = this.session.tokenRefused(this.socketToken);
            this.renewal = renewal;
            void renewal.then((renewed) => {
              if (!renewed && this.renewal === renewal) this.statusSignal.set('idle');
            });
            return;
          }
          this.renewal = null;
          if (code === 1000) {
            // the lazy client closes cleanly once the last subscription ends
            if (this.statusSignal() !== 'offline') this.statusSignal.set('idle');
            return;
          }
          this.lostSinceConnected = true;
          this.failures++;
          if (this.statusSignal() !== 'offline') this.statusSignal.set('reconnecting');
        },
      },
    });

    if (typeof window !== 'undefined') {
      const offline = () => {
        this.statusSignal.set('offline');
        // the socket may look open for a long time after the network went away
        this.client.terminate();
      };
      const online = () => {
        if (this.statusSignal() === 'offline') this.statusSignal.set('reconnecting');
        this.wake.next();
      };
      window.addEventListener('offline', offline);
      window.addEventListener('online', online);
      inject(DestroyRef).onDestroy(() => {
        window.removeEventListener('offline', offline);
        window.removeEventListener('online', online);
        void this.client.dispose();
      });
    }
  }

  /** Closes the socket (on sign-out), so the next subscription authenticates afresh. */
  reset(): void {
    this.failures = 0;
    this.renewal = null;
    this.refusals = 0;
    this.everConnected = false;
    this.lostSinceConnected = false;
    this.client.terminate();
    this.statusSignal.set('idle');
  }

  /** Drops the socket as if the network failed; the subscriptions recover by themselves. */
  dropConnection(): void {
    this.client.terminate();
  }

  /**
   * Keeps a live subscription alive across lost sockets. `open` is called
   * again for every attempt, so it can read the state it needs at that moment
   * (such as the last seq seen). GraphQL errors (FORBIDDEN, NOT_FOUND, ...) and
   * a refused token that could not be renewed end the subscription instead of retrying.
   */
  resilient<T extends { error?: unknown }>(open: () => Observable<T>): Observable<T> {
    return defer(open).pipe(
      // Apollo 4 reports a failed subscription as a final result carrying `error`
      map((result) => {
        if (result.error) throw result.error;
        return result;
      }),
      retry({
        resetOnSuccess: true,
        delay: (error: unknown) => {
          if (CombinedGraphQLErrors.is(error)) return throwError(() => error);
          if (this.renewal) {
            // at once with the renewed token; with backoff if the server keeps refusing
            const wait = this.refusals > 1 ? backoffDelay(this.refusals - 2, this.backoff) : 0;
            return from(this.renewal).pipe(
              mergeMap((renewed) => (renewed ? timer(wait) : throwError(() => error))),
              map(() => undefined),
            );
          }
          const wait = backoffDelay(Math.max(0, this.failures - 1), this.backoff);
          const online = typeof navigator === 'undefined' || navigator.onLine;
          // offline: wait for the "online" event alone; online: the backoff, or sooner if the network returns
          return (online ? merge(timer(wait), this.wake) : this.wake).pipe(first());
        },
      }),
    );
  }
}

