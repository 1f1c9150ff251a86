// The Socket.IO peer (tools/bench/socketio-server.mjs) as a system of the
// bench: it takes part in the idle scenario only, the memory each idle
// subscribed socket costs, next to Parley's graphql-ws sockets. It needs no
// database: its people and chats are ids and tokens made here.
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { harness } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

export class SocketIoSystem {
  /** @param {{ log?: (line: string) => void, logDir?: string }} [options] */
  constructor({ log = (_line) => {}, logDir } = {}) {
    this.name = 'socketio';
    this.log = log;
    this.logDir = logDir;
    /** the scenarios it takes part in (run.mjs skips the others, and its load set-up) */
    this.scenarios = ['idle'];
    /** @type {any} */
    this.handle = null;
    this.dbName = null;
    this.port = undefined;
    this.secret = randomBytes(32);
  }

  serverPids() {
    return this.handle ? [this.handle.pid] : [];
  }

  async start() {
    const port = await harness.freePort();
    const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', JWT_SECRET: this.secret.toString('hex') };
    this.handle = harness.spawnProcess(this.name, process.execPath, [path.join(here, '..', 'socketio-server.mjs')], {
      env,
      cwd: repoRoot,
      logFile: this.logDir ? path.join(this.logDir, `${this.name}.log`) : undefined,
    });
    await harness.waitReady(`http://127.0.0.1:${port}/readyz`, this.handle, 30_000);
    this.port = port;
    this.log(`${this.name}: ready on port ${port} (pid ${this.handle.pid})`);
  }

  async restart() {
    await harness.stopProcess(this.handle, 5000);
    await this.start();
  }

  async stop() {
    await harness.stopProcess(this.handle, 5000).catch(() => {});
  }

  /** As many customers and chats as Parley's world, each customer with a token the server accepts. */
  async setup({ customers, chatsPerCustomer }) {
    const key = this.secret;
    const expiry = Math.floor(Date.now() / 1000) + 3600;
    const users = await Promise.all(
      Array.from({ length: customers }, async () => {
        const id = randomUUID();
        const token = await new SignJWT({ role: 'CUSTOMER' }).setProtectedHeader({ alg: 'HS256' }).setSubject(id).setExpirationTime(expiry).sign(key);
        return { role: 'CUSTOMER', id, token };
      }),
    );
    const chats = [];
    for (let c = 0; c < customers; c++)
      for (let k = 0; k < chatsPerCustomer; k++) chats.push({ id: randomUUID(), customer: c, subs: [c] });
    return { users, chats };
  }

  idleSpec(world) {
    return {
      protocol: 'socket.io',
      url: `ws://127.0.0.1:${this.port}/socket.io/?EIO=4&transport=websocket`,
      items: world.chats.map((c) => ({ chatId: c.id, token: world.users[c.customer].token })),
    };
  }
}
