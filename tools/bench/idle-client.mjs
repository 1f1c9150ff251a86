#!/usr/bin/env node
// A child process of the benchmark that holds many idle subscriber sockets.
// It speaks the graphql-ws protocol (graphql-transport-ws) directly on `ws`,
// which keeps the client side light, or the floor's plain JSON protocol.
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

function connectOne(cfg, n) {
  return new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
    const item = cfg.items[(cfg.offset + n) % cfg.items.length];
    const isGql = cfg.protocol === 'graphql-ws';
    let ws;
    try {
      ws = new WebSocket(cfg.url, isGql ? 'graphql-transport-ws' : undefined, {
        localAddress: cfg.localAddress,
        perMessageDeflate: false,
        handshakeTimeout: cfg.timeoutMs,
      });
    } catch (err) {
      noteError(err.message);
      return resolve();
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
    ws.on('error', (err) => {
      noteError(err.message);
      finish();
    });
    ws.on('close', (code) => {
      state.closed++;
      if (!done) noteError(`closed ${code}`);
      finish();
    });
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
