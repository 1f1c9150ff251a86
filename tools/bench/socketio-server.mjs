#!/usr/bin/env node
// The Socket.IO peer of the idle socket scenario: a chat's live messages over
// Socket.IO, written the way its documentation recommends (https://socket.io/docs/v4/):
// the `socket.io` package on Node's http server, with its defaults (the `ws`
// package underneath, its heartbeat, connection state recovery off), a
// middleware that checks the token the client gives in `auth`, one room per
// chat, an acknowledgement for each subscription, and the memory tip of the
// "Memory usage" page (the first HTTP request is not kept).
//
// It does less per socket than Parley: the token is an HS256 JWT checked with
// the same library Parley uses (jose), but no database is asked whether the
// chat exists or who may read it, and a message carries no replay or gap fill.
//
// Environment: PORT (0 = any), HOST (default 127.0.0.1), JWT_SECRET (hex).
//
// HTTP:
//   GET  /readyz                   200
//   POST /publish {chatId, ...}    emits `messageAdded` to the chat's room
// Socket.IO (default path /socket.io/): auth {token}; event
//   "subscribe" {chatId}, ack {ok: true}; then "messageAdded" events.
import http from 'node:http';
import { Server } from 'socket.io';
import { jwtVerify } from 'jose';

const PORT = Number(process.env.PORT ?? 0);
const HOST = process.env.HOST ?? '127.0.0.1';
const secret = Buffer.from(process.env.JWT_SECRET ?? '', 'hex');
if (secret.length < 16) {
  console.error('socketio-server: JWT_SECRET (hex, 16 bytes or more) is required');
  process.exit(2);
}

const httpServer = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  } else if (req.method === 'POST' && req.url === '/publish') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const message = JSON.parse(body);
      io.to(`chat:${message.chatId}`).emit('messageAdded', message);
      res.writeHead(204).end();
    });
  } else {
    res.writeHead(404).end();
  }
});

const io = new Server(httpServer);

// "By default, a reference to the first HTTP request of each session is kept in memory ... can be discarded"
io.engine.on('connection', (rawSocket) => {
  rawSocket.request = null;
});

io.use(async (socket, next) => {
  try {
    const { payload } = await jwtVerify(String(socket.handshake.auth?.token ?? ''), secret, { algorithms: ['HS256'] });
    socket.data.userId = payload.sub;
    next();
  } catch {
    next(new Error('unauthorized'));
  }
});

io.on('connection', (socket) => {
  socket.on('subscribe', ({ chatId } = {}, ack) => {
    if (typeof chatId !== 'string') return ack?.({ ok: false });
    socket.join(`chat:${chatId}`);
    ack?.({ ok: true });
  });
});

httpServer.listen(PORT, HOST, () => {
  const address = httpServer.address();
  console.log(`socketio-server listening on ${typeof address === 'object' && address ? address.port : PORT}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => io.close(() => process.exit(0)));
