import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { buildSchema, type ExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import { serveGraphqlWs } from './ws-transport';
import { SharedEvents } from './shared-events';
import { AsyncQueue } from '@parley/api/core';

// A tiny schema: the transport is what is under test, not Parley's resolvers.
const schema = buildSchema(`type Query { hello: String } type Subscription { count(to: Int!): Int, quiet: Int, failing: Int, held: Int }`);
/** The `held` subscriptions' sources still open (a source ends when the server returns it). */
let heldOpen = 0;
const roots = {
  hello: () => 'world',
  count: async function* ({ to }: { to: number }) {
    for (let i = 1; i <= to; i++) yield { count: i };
  },
  // a subscription with nothing to say (a quiet chat)
  quiet: async function* () {
    await new Promise(() => undefined);
    yield { quiet: 0 };
  },
  // one event, then its source fails
  failing: async function* () {
    yield { failing: 1 };
    throw new Error('the source broke');
  },
  // a source that waits for events until it is ended
  held: () => {
    heldOpen++;
    return new AsyncQueue<{ held: number }>(() => heldOpen--);
  },
};

let http: Server;
let wsServer: WebSocketServer;
let transport: { dispose(): Promise<void> };
let url: string;
const internalErrors: unknown[] = [];
/** Operation ids onComplete was called for, in order. */
let completed: string[] = [];

beforeEach(async () => {
  http = createServer();
  wsServer = new WebSocketServer({ server: http });
  completed = [];
  heldOpen = 0;
  const onComplete = (_ctx: unknown, id: string) => void completed.push(id);
  transport = serveGraphqlWs({ schema, roots: { query: roots, subscription: roots }, connectionInitWaitTimeout: 300, onComplete }, wsServer, {
    keepAliveMs: 150,
    onInternalError: (error) => internalErrors.push(error),
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await transport.dispose();
  await new Promise((resolve) => http.close(resolve));
});

function rawSocket(autoPong: boolean): Promise<WebSocket> {
  const socket = new WebSocket(url, 'graphql-transport-ws', { autoPong });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A socket past connection_init (acknowledged), as every real client is within the init wait. */
async function initialisedSocket(autoPong: boolean): Promise<WebSocket> {
  const socket = await rawSocket(autoPong);
  const acked = new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)).type)));
  socket.send(JSON.stringify({ type: 'connection_init' }));
  expect(await acked).toBe('connection_ack');
  return socket;
}

/** Every message the socket receives from now on, parsed. */
function received(socket: WebSocket): Array<{ id?: string; type: string; payload?: unknown }> {
  const messages: Array<{ id?: string; type: string; payload?: unknown }> = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  return messages;
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 2000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const closeCode = (socket: WebSocket) => new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

describe('graphql-ws on ws, one heartbeat for every socket', () => {
  it('runs a subscription to its end and answers a query', async () => {
    const client = createClient({ url, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0 });
    const counted: number[] = [];
    await new Promise<void>((resolve, reject) =>
      client.subscribe<{ count: number }>(
        { query: 'subscription { count(to: 3) }' },
        { next: (r) => counted.push(r.data?.count ?? -1), error: reject, complete: resolve },
      ),
    );
    expect(counted).toEqual([1, 2, 3]);
    const hello = await new Promise((resolve, reject) =>
      client.subscribe({ query: '{ hello }' }, { next: (r) => resolve(r.data), error: reject, complete: () => undefined }),
    );
    expect(hello).toEqual({ hello: 'world' });
    await client.dispose();
  });

  it('keeps a socket that answers pings and drops one that does not', async () => {
    const answering = await initialisedSocket(true);
    const silent = await initialisedSocket(false);
    let answeringClosed = false;
    answering.once('close', () => (answeringClosed = true));
    const pinged = new Promise((resolve) => silent.once('ping', resolve));
    // Terminated (no close frame: 1006 on this side) after one unanswered round.
    expect(await Promise.all([pinged, closeCode(silent)]).then(([, code]) => code)).toBe(1006);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(answeringClosed).toBe(false);
    answering.close();
  });

  it('pings a lone socket once an interval, and keeps one that answers late but within the interval', async () => {
    // keepAliveMs is 150 here and the heartbeat ticks every 50 ms; this socket answers each ping 70 ms
    // late, as a client on a busy machine or a slow network may (80 ms of margin for a loaded test run).
    const slow = await initialisedSocket(false);
    let pings = 0;
    slow.on('ping', () => {
      pings++;
      setTimeout(() => slow.readyState === WebSocket.OPEN && slow.pong(), 70);
    });
    let closed = false;
    slow.once('close', () => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 750));
    expect(closed).toBe(false);
    expect(pings).toBeGreaterThanOrEqual(1);
    // 750 ms is five intervals: more pings than that would mean rounds of one tick.
    expect(pings).toBeLessThanOrEqual(6);
    slow.close();
  });

  it('closes every socket with 1001 when disposed', async () => {
    const socket = await rawSocket(true);
    const code = closeCode(socket);
    await transport.dispose();
    expect(await code).toBe(1001);
    // dispose() again in afterEach: the server is already closed, which must not throw.
    transport = { dispose: async () => undefined };
  });

  it('closes the socket on a protocol error (the protocol server says how)', async () => {
    const socket = await rawSocket(true);
    const code = closeCode(socket);
    socket.send('not json');
    expect(await code).toBe(4400);
    expect(internalErrors).toEqual([]);
  });

  it('closes a socket that sends no connection_init in time with 4408, and keeps one that did', async () => {
    const silent = await rawSocket(true);
    const initialised = await initialisedSocket(true);
    let initialisedClosed = false;
    initialised.once('close', () => (initialisedClosed = true));
    expect(await closeCode(silent)).toBe(4408);
    expect(initialisedClosed).toBe(false);
    initialised.close();
  });

  it('answers protocol errors as graphql-ws does: a second init, a subscription before the ack, a duplicate id', async () => {
    const twice = await rawSocket(true);
    twice.send(JSON.stringify({ type: 'connection_init' }));
    twice.send(JSON.stringify({ type: 'connection_init' }));
    expect(await closeCode(twice)).toBe(4429);

    const early = await rawSocket(true);
    early.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ hello }' } }));
    expect(await closeCode(early)).toBe(4401);

    const duplicate = await initialisedSocket(true);
    const subscription = { id: 'a', type: 'subscribe', payload: { query: 'subscription { quiet }' } };
    duplicate.send(JSON.stringify(subscription));
    duplicate.send(JSON.stringify(subscription));
    expect(await closeCode(duplicate)).toBe(4409);
    expect(internalErrors).toEqual([]);
  });
});

describe('graphql-ws on ws, a subscription from start to end', () => {
  it("sends a failing source's events, then its error and no complete; the id is free again after", async () => {
    const socket = await initialisedSocket(true);
    const messages = received(socket);
    socket.send(JSON.stringify({ id: 'f', type: 'subscribe', payload: { query: 'subscription { failing }' } }));
    await until(() => messages.length >= 2);
    expect(messages).toEqual([
      { id: 'f', type: 'next', payload: { data: { failing: 1 } } },
      { id: 'f', type: 'error', payload: [expect.objectContaining({ message: 'the source broke' })] },
    ]);
    await until(() => completed.length === 1);
    socket.send(JSON.stringify({ id: 'f', type: 'subscribe', payload: { query: '{ hello }' } }));
    await until(() => messages.length >= 4);
    expect(messages.slice(2)).toEqual([
      { id: 'f', type: 'next', payload: { data: { hello: 'world' } } },
      { id: 'f', type: 'complete' },
    ]);
    expect(completed).toEqual(['f', 'f']);
    expect(internalErrors).toEqual([]);
    socket.close();
  });

  it("ends a waiting subscription's source when the client completes it (no complete sent back), and every other when the socket closes", async () => {
    const socket = await initialisedSocket(true);
    const messages = received(socket);
    for (const id of ['a', 'b', 'c']) socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { held }' } }));
    await until(() => heldOpen === 3);
    socket.send(JSON.stringify({ id: 'b', type: 'complete' }));
    await until(() => heldOpen === 2 && completed.length === 1);
    expect(completed).toEqual(['b']);
    // 'b' is free again; 'a' and 'c' still run
    socket.send(JSON.stringify({ id: 'b', type: 'subscribe', payload: { query: 'subscription { held }' } }));
    socket.send(JSON.stringify({ id: 'a', type: 'subscribe', payload: { query: 'subscription { held }' } }));
    expect(await closeCode(socket)).toBe(4409);
    await until(() => heldOpen === 0);
    expect(completed.sort()).toEqual(['a', 'b', 'b', 'c']);
    expect(messages).toEqual([]);
    expect(internalErrors).toEqual([]);
  });
});

describe('graphql-ws on ws, a result shared by many subscribers', () => {
  it("sends a shared result's payload text as it is, under each subscription's own id", async () => {
    const http2 = createServer();
    const wsServer2 = new WebSocketServer({ server: http2 });
    // Every event is one result made once for everyone (shared-events.ts), its JSON text made with it.
    const shared = new SharedEvents(new Set());
    const event = { n: 42 };
    const result = shared.resultOf(event, 'everyone', () => ({ data: { count: 42 } })) as ExecutionResult;
    const served = serveGraphqlWs(
      {
        schema,
        roots: { query: roots, subscription: roots },
        subscribe: async () =>
          (async function* () {
            yield result;
            yield result;
          })(),
      },
      wsServer2,
      { keepAliveMs: 1000 },
    );
    await new Promise<void>((resolve) => http2.listen(0, '127.0.0.1', resolve));
    const client = createClient({ url: `ws://127.0.0.1:${(http2.address() as AddressInfo).port}`, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0 });
    const run = () =>
      new Promise<unknown[]>((resolve, reject) => {
        const seen: unknown[] = [];
        client.subscribe({ query: 'subscription { count(to: 1) }' }, { next: (r) => seen.push(r), error: reject, complete: () => resolve(seen) });
      });
    // Two subscriptions on one socket at once: each frame reaches its own, whole.
    const both = await Promise.all([run(), run()]);
    expect(both).toEqual([
      [{ data: { count: 42 } }, { data: { count: 42 } }],
      [{ data: { count: 42 } }, { data: { count: 42 } }],
    ]);
    await client.dispose();
    await served.dispose();
    await new Promise((resolve) => http2.close(resolve));
  });
});
