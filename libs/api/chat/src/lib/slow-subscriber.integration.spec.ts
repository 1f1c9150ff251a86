// A subscriber that does not read costs the server bounded memory: replays
// read stored messages a page at a time as the socket drains, and a socket
// that holds more unread data than its budget for too long is closed with
// WS_CLOSE_UNREAD_OVER_BUDGET. Real server, real PostgreSQL, real sockets whose
// clients stop reading (their TCP sockets paused), heap measured in this
// process, which is the server's.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import WebSocket from 'ws';
import { WS_CLOSE_UNREAD_OVER_BUDGET } from '@parley/shared/limits';
import { registerCustomer, sleep, startChat, startTestServer, subscribe, wsClient, type Person, type TestServer, type WsClient } from '@parley/api/testing';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const MESSAGES = 300;
// 4000 characters (the contract's most) of a four-byte character: 16 KB of UTF-8 each.
const LONG_BODY_SQL = 'repeat(chr(128512), 4000)';
const SOCKETS = 4;
const SUBSCRIPTIONS_PER_SOCKET = 49;
const MESSAGE_ADDED = `subscription($id: ID!, $after: Int) { messageAdded(chatId: $id, afterSeq: $after) { id seq body } }`;
const GRACE_SECONDS = 3;

let api: TestServer;
let customer: Person;
let chatId: string;
const clients: WsClient[] = [];

/** A graphql-transport-ws client whose TCP socket stops reading once its subscriptions are sent. */
interface StalledSocket {
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
  /** Messages with data that arrived (before the socket stopped reading, and after it reads again). */
  received: () => number;
  resume(): void;
}

async function stalledSocket(url: string, token: string, subscriptions: number): Promise<StalledSocket> {
  const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
  let received = 0;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'connection_ack') resolve();
      if (message.type === 'next') received++;
    });
  });
  for (let i = 0; i < subscriptions; i++) {
    ws.send(JSON.stringify({ id: `s${i}`, type: 'subscribe', payload: { query: MESSAGE_ADDED, variables: { id: chatId, after: 0 } } }));
  }
  const tcp = (ws as unknown as { _socket: import('node:net').Socket })._socket;
  // ws resumes its socket whenever its parser drains: this one stays paused until the test says.
  const resume = tcp.resume.bind(tcp);
  tcp.resume = () => tcp;
  tcp.pause();
  return {
    ws,
    closed,
    received: () => received,
    resume: () => {
      tcp.resume = resume;
      resume();
    },
  };
}

beforeAll(async () => {
  // Grace long enough to measure the stalled server before the budget closes the sockets; a budget
  // below what 49 stalled subscriptions leave unsent (one frame each, less what the kernel took).
  api = await startTestServer({ socketUnreadBudget: { bytes: 128 * 1024, graceSeconds: GRACE_SECONDS } });
  customer = await registerCustomer(api, 'Casey Customer');
  chatId = await startChat(api, customer, 'the first of many long messages');
  const db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
  try {
    // Written straight to the tables: 300 sends through the API would meet the send rate limit's purpose, not this test's.
    await db.query(
      `INSERT INTO messages (id, "chatId", seq, kind, "senderId", body)
       SELECT gen_random_uuid(), $1, g, 'CUSTOMER', $2, ${LONG_BODY_SQL} FROM generate_series(2, $3::int) g`,
      [chatId, customer.id, MESSAGES],
    );
    await db.query(`UPDATE chats SET "lastSeq" = $2 WHERE id = $1`, [chatId, MESSAGES]);
  } finally {
    await db.end();
  }
}, 30_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await api?.stop();
}, 30_000);

it('replays a long chat in full, in order, to a subscriber that reads', async () => {
  const ws = wsClient(api.wsUrl, customer.token);
  clients.push(ws);
  const sub = subscribe<{ seq: number; body: string }>(ws, MESSAGE_ADDED, { id: chatId, after: 0 });
  const values = await sub.waitFor(MESSAGES, 20_000);
  expect(values.map((m) => m.seq)).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));
  expect(Buffer.byteLength(values[MESSAGES - 1].body)).toBe(16_000);
  sub.unsubscribe();
}, 30_000);

it(`holds less than 50 MB for ${SOCKETS} sockets x ${SUBSCRIPTIONS_PER_SOCKET} replays of ${MESSAGES} messages of 16 KB that nobody reads, then closes them with ${WS_CLOSE_UNREAD_OVER_BUDGET}`, async () => {
  const openBefore = await openSockets();
  const before = heapUsed();
  const sockets = await Promise.all(Array.from({ length: SOCKETS }, () => stalledSocket(api.wsUrl, customer.token, SUBSCRIPTIONS_PER_SOCKET)));
  expect(await openSockets()).toBe(openBefore + SOCKETS);
  // The whole replay would be 4 x 49 x 300 x 16 KB, about 940 MB. Sampled while the sockets are
  // stalled, until the server has ended them (its open-socket gauge back where it was).
  let peak = 0;
  const deadline = Date.now() + 45_000;
  do {
    await sleep(1000);
    peak = Math.max(peak, heapUsed() - before);
  } while ((await openSockets()) > openBefore && Date.now() < deadline);
  expect(peak).toBeLessThan(50 * 1024 * 1024);
  // Reading again, each client finds the close code behind the data the server had sent.
  for (const socket of sockets) socket.resume();
  const closes = await Promise.all(sockets.map((s) => s.closed));
  // The close frame waits behind unsent data; on a busy machine ws may give up on a socket whose
  // client still does not read before the frame leaves (1006 abnormal closure). Either way it is ended.
  const codes = closes.map((c) => c.code);
  for (const code of codes) expect([WS_CLOSE_UNREAD_OVER_BUDGET, 1006]).toContain(code);
  expect(codes.filter((code) => code === WS_CLOSE_UNREAD_OVER_BUDGET).length).toBeGreaterThanOrEqual(SOCKETS / 2);
  // None of them got the whole replay before it was cut short.
  for (const socket of sockets) expect(socket.received()).toBeLessThan(SUBSCRIPTIONS_PER_SOCKET * MESSAGES);
  // What those subscriptions held went with them.
  expect(heapUsed() - before).toBeLessThan(20 * 1024 * 1024);
}, 90_000);

/** The server's count of open, signed-in sockets (its /metrics, open outside production). */
async function openSockets(): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('parley_websocket_connections '));
  return Number(line?.split(' ')[1] ?? NaN);
}
