#!/usr/bin/env node
// The fan-out peer of the desk scenario (lib/desk.mjs): a raw `ws` server, nothing else, that sends
// one frame to every connected socket per event, the way ws's own README broadcasts
// (`for (const client of wss.clients) client.send(data)`), with the frame as the text it was given.
// It runs in a process of its own so the bench reads its CPU time alone.
//
//   PORT=0 node broadcast-peer.mjs     prints `READY <port>` once listening
//   POST /broadcast {frame, events, rate}   sends `events` broadcasts at `rate` a second; answers when done
import http from 'node:http';
import { WebSocketServer } from 'ws';

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.statusCode = 404;
    return res.end();
  }
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const { frame, events, rate } = JSON.parse(body);
    const started = performance.now();
    let sent = 0;
    // Open loop like the bench's own generator: event i is due at start + i / rate.
    const tick = () => {
      const due = Math.min(events, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      for (; sent < due; sent++) for (const client of wss.clients) client.send(frame);
      if (sent < events) setTimeout(tick, Math.max(0, ((sent * 1000) / rate) - (performance.now() - started)));
      else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ events: sent, sockets: wss.clients.size, ms: performance.now() - started }));
      }
    };
    tick();
  });
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`READY ${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => process.exit(0));
