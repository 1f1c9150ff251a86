import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import { explorerRouter } from '../lib/explorer.router';

export interface ExplorerFront {
  url: string;
  close(): Promise<void>;
}

/**
 * The explorer router in front of a running API on this host: everything it
 * does not answer (GraphQL over HTTP, WebSocket upgrades) is passed through
 * untouched, so the page talks to the real API from one origin. Lets the
 * explorer be tested against the API whether or not the API mounts it.
 */
export async function startExplorerFront(apiPort: number): Promise<ExplorerFront> {
  const sockets = new Set<Socket | Duplex>();
  const app = express();
  app.use(explorerRouter());
  app.use((req, res) => {
    const upstream = httpRequest({ host: '127.0.0.1', port: apiPort, path: req.originalUrl, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  const server = createServer(app);
  server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const upstream = connect(apiPort, '127.0.0.1', () => {
      const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      // Either side going away ends both; resets at teardown are expected.
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
