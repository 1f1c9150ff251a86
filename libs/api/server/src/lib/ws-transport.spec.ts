import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { buildSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import { serveGraphqlWs } from './ws-transport';

// A tiny schema: the transport is what is under test, not Parley's resolvers.
const schema = buildSchema(`type Query { hello: String } type Subscription { count(to: Int!): Int }`);
const roots = {
  hello: () => 'world',
  count: async function* ({ to }: { to: number }) {
    for (let i = 1; i <= to; i++) yield { count: i };
  },
};

let http: Server;
let wsServer: WebSocketServer;
let transport: { dispose(): Promise<void> };
let url: string;
const internalErrors: unknown[] = [];

beforeEach(async () => {
  http = createServer();
  wsServer = new WebSocketServer({ server: http });
  transport = serveGraphqlWs({ schema, roots: { query: roots, subscription: roots } }, wsServer, {
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
    const answering = await rawSocket(true);
    const silent = await rawSocket(false);
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
    const slow = await rawSocket(false);
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
});
