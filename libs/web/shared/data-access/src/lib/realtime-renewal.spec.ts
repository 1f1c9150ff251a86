/**
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
// Node export conditions: this test runs a real graphql-ws server (the `ws` package refuses to load as a browser module).
import { TestBed } from '@angular/core/testing';
import type { AddressInfo } from 'node:net';
import { Observable } from 'rxjs';
import { buildSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { WS_CLOSE_UNAUTHORIZED } from '@parley/shared/limits';
import { REALTIME_BACKOFF, REALTIME_URL, RealtimeConnection } from './realtime';
import { SESSION_ACCESS, type SessionAccess } from './session-access';

/** A graphql-ws server with one subscription, `ticks`, fed by the test; it accepts the tokens in `accepted`. */
async function startTickServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const accepted = new Set<string>();
  const tokensSeen: string[] = [];
  const listeners = new Set<(n: number) => void>();
  let subscribed: Array<() => void> = [];
  const server = useServer(
    {
      schema: buildSchema('type Query { ok: Boolean } type Subscription { ticks: Int }'),
      roots: {
        subscription: {
          ticks: async function* () {
            const queue: number[] = [];
            let wake: (() => void) | null = null;
            const listener = (n: number) => {
              queue.push(n);
              wake?.();
            };
            listeners.add(listener);
            for (const resolve of subscribed.splice(0)) resolve();
            try {
              for (;;) {
                while (queue.length) yield { ticks: queue.shift() };
                await new Promise<void>((resolve) => (wake = resolve));
              }
            } finally {
              listeners.delete(listener);
            }
          },
        },
      },
      onConnect: (ctx) => {
        const token = String(ctx.connectionParams?.['authorization'] ?? '');
        tokensSeen.push(token);
        return accepted.has(token); // false: graphql-ws closes with 4403
      },
    },
    wss,
  );
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`,
    accepted,
    tokensSeen,
    /** Resolves when the next subscription to `ticks` has started. */
    nextSubscription: () => new Promise<void>((resolve) => subscribed.push(resolve)),
    emit: (n: number) => listeners.forEach((listener) => listener(n)),
    /** Closes every socket the way the API does when a socket's token expires or its session signs out. */
    refuseAll: () => wss.clients.forEach((socket) => socket.close(WS_CLOSE_UNAUTHORIZED, 'Token expired')),
    stop: async () => {
      subscribed = [];
      await server.dispose();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

type TickServer = Awaited<ReturnType<typeof startTickServer>>;

describe('RealtimeConnection when the server refuses the socket token (4403)', () => {
  let server: TickServer;
  let token: string;
  let session: SessionAccess & { tokenRefused: jest.Mock; sessionRejected: jest.Mock };
  let connection: RealtimeConnection;

  beforeEach(async () => {
    server = await startTickServer();
    token = 'tok1';
    session = {
      accessToken: async () => token,
      hasToken: () => true,
      sessionRejected: jest.fn(),
      tokenRefused: jest.fn(),
    };
    TestBed.configureTestingModule({
      providers: [
        { provide: SESSION_ACCESS, useValue: session },
        { provide: REALTIME_BACKOFF, useValue: { baseMs: 1, maxMs: 2 } },
        { provide: REALTIME_URL, useValue: () => server.url },
      ],
    });
    connection = TestBed.inject(RealtimeConnection);
  });

  afterEach(async () => {
    TestBed.resetTestingModule(); // disposes the client
    await server.stop();
  });

  /** `ticks` as Apollo's link reports it: results, and a failure as a final result carrying `error`. */
  function ticks(): Observable<{ data?: number; error?: unknown }> {
    return connection.resilient(
      () =>
        new Observable<{ data?: number; error?: unknown }>((subscriber) =>
          connection.client.subscribe<{ ticks: number }>(
            { query: 'subscription { ticks }' },
            {
              next: (result) => subscriber.next({ data: result.data?.ticks }),
              error: (error) => {
                subscriber.next({ error });
                subscriber.complete();
              },
              complete: () => subscriber.complete(),
            },
          ),
        ),
    );
  }

  /** Subscribes to `ticks`, keeping what arrives; `received(n)` resolves once n values (or a failure) arrived. */
  function watch() {
    const values: number[] = [];
    let failure: unknown = null;
    let waiters: Array<() => void> = [];
    const notify = () => {
      for (const resolve of waiters.splice(0)) resolve();
    };
    const subscription = ticks().subscribe({
      next: (r) => {
        values.push(r.data ?? -1);
        notify();
      },
      error: (error: unknown) => {
        failure = error;
        notify();
      },
    });
    const received = async (n: number) => {
      while (values.length < n && !failure) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    return { values, failure: () => failure, received, stop: () => (subscription.unsubscribe(), (waiters = [])) };
  }

  it('reconnects with the renewed token and keeps the subscription live, without a "connection lost" state', async () => {
    server.accepted.add('Bearer tok1').add('Bearer tok2');
    session.tokenRefused.mockImplementation(async () => {
      token = 'tok2';
      return true;
    });
    const started = server.nextSubscription();
    const stream = watch();
    await started;
    server.emit(1);
    await stream.received(1);

    const shown: string[] = [];
    const stopWatching = connection.client.on('connecting', () => shown.push(connection.status()));
    const resumed = server.nextSubscription();
    server.refuseAll();
    await resumed;
    stopWatching();
    expect(shown).toEqual(['connecting']); // routine: no "connection lost" banner
    expect(connection.status()).toBe('connected');
    server.emit(2);
    await stream.received(2);

    expect(stream.values).toEqual([1, 2]);
    expect(stream.failure()).toBeNull();
    expect(session.tokenRefused).toHaveBeenCalledWith('tok1');
    expect(server.tokensSeen).toEqual(['Bearer tok1', 'Bearer tok2']);
    expect(session.sessionRejected).not.toHaveBeenCalled();
    stream.stop();
  });

  it('ends the subscription when the session could not be renewed', async () => {
    server.accepted.add('Bearer tok1');
    let renewals = 0;
    session.tokenRefused.mockImplementation(async () => {
      renewals++;
      return false;
    });
    const started = server.nextSubscription();
    const stream = watch();
    await started;
    server.refuseAll();
    await stream.received(1);

    expect(stream.values).toEqual([]);
    expect(stream.failure()).not.toBeNull();
    expect(renewals).toBe(1);
    expect(server.tokensSeen).toEqual(['Bearer tok1']);
    expect(connection.status()).toBe('idle');
  });
});
