#!/usr/bin/env node
// The floor: the least a chat server can do for one message, written with `pg`
// and `ws` directly (no GraphQL, no ORM, no validation, no auth). The benchmark
// runs it beside Parley in the same run so the parley/floor ratios hold on a
// noisy machine.
//
// Per message: ONE transaction (BEGIN; UPDATE chats SET last_seq = last_seq + 1
// ... RETURNING; INSERT the message with that seq; COMMIT) with
// synchronous_commit on and a pool of 20, the same settings as Parley; then the
// message is pushed, serialized once, to every socket subscribed to the chat.
//
// Environment: PORT, HOST (default 127.0.0.1), DATABASE_URL, POOL_SIZE (20).
//
// HTTP:
//   GET  /readyz                                  200 while the database answers
//   POST /users    {role?}                        -> {id}
//   POST /chats    {customerId, agentId?}         -> {id}
//   POST /send     {chatId, senderId?, body, clientMessageId?} -> {id, seq}
//   GET  /messages?chatId=&first=&after=          -> {messages:[...]}, keyset on seq
//   GET  /messages?chatId=&last=&before=
// WebSocket (any path): client sends {"type":"subscribe","chatId":"..."},
// the server answers {"type":"subscribed","chatId"} and from then on pushes
// {"type":"message","id","chatId","seq","body","clientMessageId"}.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { WebSocketServer } from 'ws';

const PORT = Number(process.env.PORT ?? 4100);
const HOST = process.env.HOST ?? '127.0.0.1';
const DATABASE_URL = process.env.DATABASE_URL;
const POOL_SIZE = Number(process.env.POOL_SIZE ?? 20);
if (!DATABASE_URL) {
  console.error('floor: DATABASE_URL is required');
  process.exit(2);
}

const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: POOL_SIZE,
  application_name: 'bench-floor',
  connectionTimeoutMillis: 5000,
  idleTimeoutMillis: 0,
});
pool.on('error', (err) => console.error('floor: pool error', err.message));

// The same shape and indexes as Parley's tables, minus what the floor never reads.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id uuid PRIMARY KEY,
  role text NOT NULL DEFAULT 'CUSTOMER',
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS chats (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES users(id),
  agent_id uuid REFERENCES users(id),
  status text NOT NULL DEFAULT 'ACTIVE',
  last_seq integer NOT NULL DEFAULT 0,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS messages (
  id uuid PRIMARY KEY,
  chat_id uuid NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  kind text NOT NULL DEFAULT 'CUSTOMER',
  sender_id uuid REFERENCES users(id),
  body text NOT NULL,
  client_message_id text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_messages_chat_seq ON messages (chat_id, seq);
CREATE UNIQUE INDEX IF NOT EXISTS uq_messages_chat_sender_client_id
  ON messages (chat_id, sender_id, client_message_id) WHERE client_message_id IS NOT NULL;
`;

// Test hook for the harness's own checks, never set in a benchmark: FLOOR_FAULTS=drop=N,dup=M drops the
// push of every Nth measured message (body "b|...") to its first subscriber, and sends every Mth one twice.
const FAULTS = Object.fromEntries(
  (process.env.FLOOR_FAULTS ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => kv.split('=').map((x, i) => (i ? Number(x) : x))),
);
let measuredCount = 0;

/** chatId -> Set<WebSocket> */
const subscribers = new Map();

async function sendMessage({ chatId, senderId = null, body, clientMessageId = null }) {
  const client = await pool.connect();
  let row;
  try {
    await client.query('BEGIN');
    const bumped = await client.query(
      'UPDATE chats SET last_seq = last_seq + 1, updated_at = now() WHERE id = $1 RETURNING last_seq',
      [chatId],
    );
    if (bumped.rowCount !== 1) {
      await client.query('ROLLBACK');
      return null;
    }
    const seq = bumped.rows[0].last_seq;
    const inserted = await client.query(
      `INSERT INTO messages (id, chat_id, seq, kind, sender_id, body, client_message_id)
       VALUES ($1, $2, $3, 'CUSTOMER', $4, $5, $6) RETURNING id, seq, created_at`,
      [randomUUID(), chatId, seq, senderId, body, clientMessageId],
    );
    await client.query('COMMIT');
    row = inserted.rows[0];
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  const message = { id: row.id, chatId, seq: row.seq, body, clientMessageId, createdAt: row.created_at };
  const sockets = subscribers.get(chatId);
  if (sockets && sockets.size > 0) {
    const frame = JSON.stringify({ type: 'message', ...message });
    let skipFirst = false;
    let twice = false;
    if ((FAULTS.drop || FAULTS.dup) && body.startsWith('b|')) {
      measuredCount++;
      skipFirst = FAULTS.drop > 0 && measuredCount % FAULTS.drop === 0;
      twice = FAULTS.dup > 0 && measuredCount % FAULTS.dup === 0;
    }
    for (const socket of sockets) {
      if (skipFirst) {
        skipFirst = false;
        continue;
      }
      if (socket.readyState === 1) {
        socket.send(frame);
        if (twice) socket.send(frame);
      }
    }
  }
  return message;
}

async function pageMessages(q) {
  const chatId = q.get('chatId');
  const first = q.get('first');
  const last = q.get('last');
  if (last) {
    const before = q.get('before');
    const n = Math.min(100, Number(last));
    const { rows } = await pool.query(
      `SELECT id, seq, kind, sender_id, body, client_message_id, created_at FROM messages
       WHERE chat_id = $1 ${before ? 'AND seq < $3' : ''} ORDER BY seq DESC LIMIT $2`,
      before ? [chatId, n, Number(before)] : [chatId, n],
    );
    return rows.reverse();
  }
  const after = q.get('after');
  const n = Math.min(100, Number(first ?? 50));
  const { rows } = await pool.query(
    `SELECT id, seq, kind, sender_id, body, client_message_id, created_at FROM messages
     WHERE chat_id = $1 ${after ? 'AND seq > $3' : ''} ORDER BY seq ASC LIMIT $2`,
    after ? [chatId, n, Number(after)] : [chatId, n],
  );
  return rows;
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 1 << 20) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

function reply(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://floor');
    if (req.method === 'GET' && (url.pathname === '/readyz' || url.pathname === '/healthz')) {
      await pool.query('SELECT 1');
      return reply(res, 200, { ok: true });
    }
    if (req.method === 'POST' && url.pathname === '/send') {
      const input = await readJson(req);
      if (typeof input.chatId !== 'string' || typeof input.body !== 'string' || input.body.length === 0) {
        return reply(res, 400, { error: 'BAD_USER_INPUT' });
      }
      const message = await sendMessage(input);
      if (!message) return reply(res, 404, { error: 'NOT_FOUND' });
      return reply(res, 200, { id: message.id, seq: message.seq });
    }
    if (req.method === 'POST' && url.pathname === '/users') {
      const input = await readJson(req);
      const id = randomUUID();
      await pool.query('INSERT INTO users (id, role) VALUES ($1, $2)', [id, input.role ?? 'CUSTOMER']);
      return reply(res, 200, { id });
    }
    if (req.method === 'POST' && url.pathname === '/chats') {
      const input = await readJson(req);
      const id = randomUUID();
      await pool.query('INSERT INTO chats (id, customer_id, agent_id) VALUES ($1, $2, $3)', [
        id,
        input.customerId,
        input.agentId ?? null,
      ]);
      return reply(res, 200, { id });
    }
    if (req.method === 'GET' && url.pathname === '/messages') {
      return reply(res, 200, { messages: await pageMessages(url.searchParams) });
    }
    return reply(res, 404, { error: 'NOT_FOUND' });
  } catch (err) {
    if (!res.headersSent) reply(res, 500, { error: 'INTERNAL_SERVER_ERROR', message: err.message });
  }
});
server.keepAliveTimeout = 65_000;

const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (socket) => {
  const mine = new Set();
  socket.on('message', (data) => {
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return socket.close(4400, 'bad json');
    }
    if (msg.type === 'subscribe' && typeof msg.chatId === 'string') {
      let set = subscribers.get(msg.chatId);
      if (!set) subscribers.set(msg.chatId, (set = new Set()));
      set.add(socket);
      mine.add(msg.chatId);
      socket.send(JSON.stringify({ type: 'subscribed', chatId: msg.chatId }));
    } else if (msg.type === 'ping') {
      socket.send('{"type":"pong"}');
    }
  });
  socket.on('close', () => {
    for (const chatId of mine) {
      const set = subscribers.get(chatId);
      if (set) {
        set.delete(socket);
        if (set.size === 0) subscribers.delete(chatId);
      }
    }
  });
  socket.on('error', () => {});
});

await pool.query(SCHEMA);
server.listen(PORT, HOST, () => {
  console.log(`floor: listening on http://${HOST}:${PORT} pid ${process.pid}`);
});

function shutdown() {
  wss.close();
  for (const c of wss.clients) c.terminate();
  server.close();
  pool.end().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
