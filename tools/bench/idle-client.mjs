#!/usr/bin/env node
// A child process of the benchmark that holds many idle subscriber sockets.
// It speaks the graphql-ws protocol (graphql-transport-ws) directly on `ws`,
// which keeps the client side light, the floor's plain JSON protocol, or
// Socket.IO's (Engine.IO 4 packets on a WebSocket, no long-polling first).
// Config arrives over IPC: {url, protocol, query?, items:[{chatId, token?}],
// count, offset, localAddress, concurrency, timeoutMs}. It reports progress
// over IPC and exits when told to, when its parent goes, or at its deadline.
import WebSocket from 'ws';

const MAX_LIFETIME_MS = 15 * 60_000;
setTimeout(() => process.exit(0), MAX_LIFETIME_MS).unref();
process.on('disconnect', () => process.exit(0));

const state = { opened: 0, ready: 0, errors: 0, closed: 0, firstError: null, attempted: 0 };
const sockets = [];

function noteError(msg) {
  state.errors++;
  state.firstError ??= msg;
}

/**
 * Opens one socket to cfg.url with its time limit, and counts its errors and closes. `finish` (once: ready, refused or timed out)
 * settles the connection's promise; null when the socket could not even be created (settled already).
 * @param {any} cfg @param {string | undefined} protocol @param {(value?: unknown) => void} resolve
 */
function openSocket(cfg, protocol, resolve) {
  let ws;
  try {
    ws = new WebSocket(cfg.url, protocol, { localAddress: cfg.localAddress, perMessageDeflate: false, handshakeTimeout: cfg.timeoutMs });
  } catch (err) {
    noteError(err.message);
    resolve();
    return null;
  }
  sockets.push(ws);
  let done = false;
  const finish = () => {
    if (!done) {
      done = true;
      clearTimeout(timer);
      resolve();
    }
  };
  const timer = setTimeout(() => {
    noteError('timeout');
    finish();
  }, cfg.timeoutMs);
  ws.on('error', (err) => {
    noteError(err.message);
    finish();
  });
  ws.on('close', (code) => {
    state.closed++;
    if (!done) noteError(`closed ${code}`);
    finish();
  });
  return { ws, finish };
}

function connectOne(cfg, n) {
  return new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
    const item = cfg.items[(cfg.offset + n) % cfg.items.length];
    const isGql = cfg.protocol === 'graphql-ws';
    if (cfg.protocol === 'socket.io') return connectSocketIo(cfg, item, resolve);
    const opened = openSocket(cfg, isGql ? 'graphql-transport-ws' : undefined, resolve);
    if (!opened) return;
    const { ws, finish } = opened;
    ws.on('open', () => {
      state.opened++;
      if (isGql) ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${item.token}` } }));
      else if (cfg.subscribe !== false) ws.send(JSON.stringify({ type: 'subscribe', chatId: item.chatId }));
      else {
        state.ready++;
        finish();
      }
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (isGql) {
        if (msg.type === 'connection_ack') {
          if (cfg.subscribe !== false)
            ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: cfg.query, variables: { chatId: item.chatId } } }));
          state.ready++;
          finish();
        } else if (msg.type === 'ping') ws.send('{"type":"pong"}');
        else if (msg.type === 'error') noteError(JSON.stringify(msg.payload).slice(0, 200));
        else if (msg.type === 'complete') noteError('subscription completed');
      } else if (msg.type === 'subscribed') {
        state.ready++;
        finish();
      }
    });
  });
}

/**
 * Engine.IO 4 / Socket.IO 5 packets: the server opens with `0{sid,...}`, the
 * client connects to the main namespace with its auth (`40{...}`), the server
 * answers `40{sid}` (or `44{message}`), the subscription is an event with an
 * acknowledgement (`420["subscribe",{...}]`, answered `430[...]`), and the
 * server's pings (`2`) are answered (`3`).
 */
function connectSocketIo(cfg, item, resolve) {
  const opened = openSocket(cfg, undefined, resolve);
  if (!opened) return;
  const { ws, finish } = opened;
  ws.on('open', () => state.opened++);
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === '2') ws.send('3');
    else if (text.startsWith('0{')) ws.send(`40${JSON.stringify({ token: item.token })}`);
    else if (text.startsWith('40')) {
      if (cfg.subscribe === false) {
        state.ready++;
        finish();
      } else ws.send(`420${JSON.stringify(['subscribe', { chatId: item.chatId }])}`);
    } else if (text.startsWith('430')) {
      if (JSON.parse(text.slice(3))[0]?.ok) state.ready++;
      else noteError(`subscribe refused: ${text.slice(0, 200)}`);
      finish();
    } else if (text.startsWith('44')) {
      noteError(`connect refused: ${text.slice(0, 200)}`);
      finish();
    }
  });
}

process.on('message', async (/** @type {any} */ msg) => {
  if (msg.type === 'start') {
    const cfg = msg.cfg;
    let next = 0;
    const workers = Array.from({ length: cfg.concurrency }, async () => {
      while (next < cfg.count) {
        const n = next++;
        state.attempted++;
        await connectOne(cfg, n);
      }
    });
    await Promise.all(workers);
    process.send?.({ type: 'connected', state });
  } else if (msg.type === 'status') {
    process.send?.({ type: 'status', state, rss: process.memoryUsage().rss });
  } else if (msg.type === 'stop') {
    for (const ws of sockets) ws.terminate();
    setTimeout(() => process.exit(0), 100);
  }
});
process.send?.({ type: 'hello' });
