// Over 400 lines on purpose: the floor and Parley side by side behind one interface is the point
// of the comparison (each scenario does the same to both).
// The systems under test. Each gets its own fresh database and its own server
// process on loopback, and exposes the same small interface to the scenarios:
//   start() / restart() / stop()       the server (stop also drops the database)
//   setup({customers, chatsPerCustomer, agents}) -> world {users, chats}
//   openSubscribers(world, board)       customer and agent sockets, one per user
//   send(chat, userIdx, body, clientMessageId)
//   preparePaging(world, n) / page(big, 'first'|'middle'|'last')
//   idleSpec(world)                     what idle-client.mjs needs to connect
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { harness } from './harness.mjs';
import { createDatabase, dbUrl, dropDatabase, seedInTransaction } from './database.mjs';
import { childrenOf, getJson, keepAliveAgent, mapLimit, postJson, sleep } from './util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');

/**
 * @typedef {object} SystemOptions
 * @property {(line: string) => void} [log]
 * @property {string} [logDir]       where each server's output goes
 * @property {number} [postmasterPid] PostgreSQL's, for its CPU time
 * @property {string[]} [nodeArgs]    extra Node flags for Parley (profiling)
 * @property {string} [redisUrl]
 */

/** Each subscribing user's chats: one socket per user subscribes to all of them. */
function chatsByUser(world) {
  /** @type {Map<number, string[]>} */
  const byUser = new Map();
  for (const chat of world.chats)
    for (const u of chat.subs) {
      if (!byUser.has(u)) byUser.set(u, []);
      byUser.get(u)?.push(chat.id);
    }
  return byUser;
}

class SystemBase {
  /** @param {string} name @param {SystemOptions} [options] */
  constructor(name, { log = (_line) => {}, logDir, postmasterPid } = {}) {
    this.name = name;
    this.log = log;
    this.logDir = logDir;
    this.postmasterPid = postmasterPid;
    /** @type {import('../../../libs/api/testing/src/processes.js').Proc | null} */
    this.handle = null;
    /** @type {string | null} */
    this.dbName = null;
    /** @type {number | undefined} */
    this.port = undefined;
    /** @type {number | undefined} where subscribers connect, when not on `port` */
    this.wsPort = undefined;
    /** @type {any} the people and chats of the run (setup's result), for send() */
    this.world = undefined;
    this.agent = keepAliveAgent(64);
    this.setupAgent = keepAliveAgent(32);
  }

  serverPids() {
    return this.handle ? [this.handle.pid] : [];
  }

  /** Every PostgreSQL process (backends of all databases and the background workers). */
  postgresPids() {
    return this.postmasterPid ? [this.postmasterPid, ...childrenOf(this.postmasterPid)] : [];
  }

  /** Where a server's output goes (none without --out). */
  logFile(suffix = '') {
    return this.logDir ? path.join(this.logDir, `${this.name}${suffix}.log`) : undefined;
  }

  /** @returns {Promise<{ port: number, proc: import('../../../libs/api/testing/src/processes.js').Proc }>} */
  async launch() {
    throw new Error(`${this.name}: launch() is each system's own`);
  }

  async start() {
    if (!this.dbName) this.dbName = await createDatabase(this.name.replace(/[^a-z0-9]/g, ''));
    const { port, proc } = await this.launch();
    this.port = port;
    this.handle = proc;
    this.base = `http://127.0.0.1:${this.port}`;
    this.log(`${this.name}: ready on ${this.base} (pid ${this.handle.pid}, database ${this.dbName})`);
  }

  async restart() {
    await harness.stopProcess(this.handle, 5000);
    this.agent.destroy();
    this.agent = keepAliveAgent(64);
    await this.start();
  }

  async stop() {
    await harness.stopProcess(this.handle, 5000).catch(() => {});
    this.agent.destroy();
    this.setupAgent.destroy();
    if (this.dbName) {
      await dropDatabase(this.dbName).catch((err) => this.log(`${this.name}: could not drop ${this.dbName}: ${err.message}`));
      this.dbName = null;
    }
  }
}

// ============================================================== floor

export class FloorSystem extends SystemBase {
  constructor(opts) {
    super('floor', opts);
  }

  async launch() {
    const port = await harness.freePort();
    const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: dbUrl(this.dbName), POOL_SIZE: '20' };
    const proc = harness.spawnProcess(this.name, process.execPath, [path.join(here, '..', 'floor-server.mjs')], { env, cwd: repoRoot, logFile: this.logFile() });
    await harness.waitReady(`http://127.0.0.1:${port}/readyz`, proc, 90_000);
    return { port, proc };
  }

  async call(pathname, body) {
    const res = await postJson(this.setupAgent, `${this.base}${pathname}`, body);
    if (res.status !== 200) throw new Error(`floor ${pathname}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async setup({ customers, chatsPerCustomer, agents }) {
    const users = [];
    const agentIdx = [];
    for (let a = 0; a < agents; a++) {
      agentIdx.push(users.length);
      users.push({ role: 'AGENT' });
    }
    const customerIdx = [];
    for (let c = 0; c < customers; c++) {
      customerIdx.push(users.length);
      users.push({ role: 'CUSTOMER' });
    }
    await mapLimit(users, 16, async (u) => {
      u.id = (await this.call('/users', { role: u.role })).id;
    });
    const chats = [];
    for (let c = 0; c < customers; c++)
      for (let k = 0; k < chatsPerCustomer; k++) {
        const idx = chats.length;
        chats.push({ customer: customerIdx[c], agent: agentIdx[idx % agents] });
      }
    await mapLimit(chats, 16, async (chat) => {
      chat.id = (await this.call('/chats', { customerId: users[chat.customer].id, agentId: users[chat.agent].id })).id;
      chat.subs = [chat.customer, chat.agent];
    });
    return { users, chats };
  }

  async openSubscribers(world, board) {
    const byUser = chatsByUser(world);
    const sockets = [];
    const url = `ws://127.0.0.1:${this.port}/ws`;
    let errors = 0;
    await mapLimit([...byUser.entries()], 32, ([userIdx, chatIds]) =>
      new Promise((/** @type {(value?: unknown) => void} */ resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        sockets.push(ws);
        let pending = chatIds.length;
        const timer = setTimeout(() => reject(new Error('floor subscribe timeout')), 20_000);
        ws.on('open', () => {
          for (const chatId of chatIds) ws.send(JSON.stringify({ type: 'subscribe', chatId }));
        });
        ws.on('message', (data) => {
          const msg = JSON.parse(data.toString());
          if (msg.type === 'message') board.deliver(userIdx, msg.chatId, msg.seq, msg.body);
          else if (msg.type === 'subscribed' && --pending === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
        ws.on('error', (err) => {
          errors++;
          clearTimeout(timer);
          reject(err);
        });
        ws.on('close', () => board.closed?.(userIdx));
      }),
    );
    return {
      sockets: sockets.length,
      errors: () => errors,
      close: async () => {
        for (const ws of sockets) ws.terminate();
      },
    };
  }

  async send(chat, userIdx, body, clientMessageId) {
    const res = await postJson(this.agent, `${this.base}/send`, {
      chatId: chat.id,
      senderId: this.world.users[userIdx].id,
      body,
      clientMessageId,
    });
    if (res.status !== 200) throw new Error(`send ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  }

  /** Bulk-loads n messages into one new chat with SQL (the floor's own tables). */
  async preparePaging(world, n) {
    const chatId = (await this.call('/chats', { customerId: world.users[world.chats[0].customer].id })).id;
    await seedInTransaction(this.dbName, ['messages'], async (client) => {
      await client.query(
        `INSERT INTO messages (id, chat_id, seq, kind, sender_id, body, client_message_id, created_at)
         SELECT gen_random_uuid(), $1, g, 'CUSTOMER', $2, 'paging message number ' || g, NULL, now() + g * interval '1 ms'
         FROM generate_series(1, $3::int) g`,
        [chatId, world.users[world.chats[0].customer].id, n],
      );
      await client.query('UPDATE chats SET last_seq = $2 WHERE id = $1', [chatId, n]);
    });
    return { chatId, n, middleAfter: Math.floor(n / 2) - 25 };
  }

  async page(big, which) {
    const q =
      which === 'first'
        ? `first=50`
        : which === 'middle'
          ? `first=50&after=${big.middleAfter}`
          : `last=50`;
    const res = await getJson(this.agent, `${this.base}/messages?chatId=${big.chatId}&${q}`);
    if (res.status !== 200) throw new Error(`floor page ${res.status}`);
    return res.body.messages;
  }

  idleSpec(world) {
    return {
      protocol: 'floor',
      url: `ws://127.0.0.1:${this.port}/ws`,
      items: world.chats.map((c) => ({ chatId: c.id })),
    };
  }
}

// ============================================================== parley

const MESSAGE_ADDED = `subscription Bench($chatId: ID!) { messageAdded(chatId: $chatId) { id seq chatId body } }`;
const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id seq } }`;
const PAGE = `query Page($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  chat(id: $id) { messages(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id seq kind body clientMessageId createdAt sender { id displayName } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;

export class ParleySystem extends SystemBase {
  constructor(opts) {
    super('parley', opts);
    this.admin = { email: `bench-admin-${randomBytes(3).toString('hex')}@example.com`, password: `bench-admin-${randomBytes(8).toString('hex')}` };
    this.jwtSecret = randomBytes(32).toString('hex');
    // Production requires a key of its own for webhook secrets at rest.
    this.webhookSecretKey = randomBytes(32).toString('hex');
    this.extraNodeArgs = opts?.nodeArgs ?? [];
  }

  static bundle() {
    return path.resolve(repoRoot, process.env.BENCH_PARLEY_BUNDLE || 'dist/apps/api/main.js');
  }

  static available() {
    return fs.existsSync(ParleySystem.bundle());
  }

  /** The deployment's settings: its database, secret and admin (Redis for the two-instance system). */
  settings() {
    return { databaseUrl: dbUrl(this.dbName), jwtSecret: this.jwtSecret, adminEmail: this.admin.email, adminPassword: this.admin.password };
  }

  /** One instance, started as production starts it (the harness adds apps/api/node-flags.json first). */
  async launch(suffix = '') {
    const api = await harness.startApi(this.settings(), {
      bundle: ParleySystem.bundle(),
      nodeArgs: this.extraNodeArgs,
      inheritEnv: true,
      env: { NODE_ENV: 'production', WEBHOOK_SECRET_KEY: this.webhookSecretKey, LOG_LEVEL: process.env.BENCH_PARLEY_LOG_LEVEL ?? 'warn' },
      name: `${this.name}${suffix}`,
      logFile: this.logFile(suffix),
    });
    return { port: api.port, proc: api.proc };
  }

  async gql(agent, token, query, variables) {
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    const res = await postJson(agent, `${this.base}/graphql`, { query, variables }, headers);
    const body = res.body;
    if (typeof body !== 'object' || body === null) throw new Error(`graphql ${res.status}: ${String(body).slice(0, 200)}`);
    if (body.errors?.length) {
      const e = body.errors[0];
      const err = Object.assign(new Error(`${e.extensions?.code ?? 'ERROR'}: ${e.message}`), { code: e.extensions?.code });
      throw err;
    }
    if (res.status !== 200) throw new Error(`graphql status ${res.status}`);
    return body.data;
  }

  /** The people and chats of a run, made through the public API the way the tests make them. */
  async setup({ customers, chatsPerCustomer, agents }) {
    const url = `${this.base}/graphql`;
    const run = randomBytes(3).toString('hex');
    const adminToken = (await harness.loginAt(url, this.admin.email, this.admin.password)).token;
    const roles = [...Array.from({ length: agents }, () => 'AGENT'), ...Array.from({ length: customers }, () => 'CUSTOMER')];
    const t0 = Date.now();
    /** @type {Array<{ role: string, id: string, token: string }>} */
    const users = new Array(roles.length);
    await harness.pool(roles, 8, async (role, i) => {
      const person =
        role === 'AGENT' ? await harness.createAgentAt(url, adminToken, `Agent ${i}`) : await harness.registerAt(url, `Customer ${i}`);
      users[i] = { role, id: person.id, token: person.token };
    });
    this.log(`parley: ${users.length} users in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    /** @type {Array<{ customer: number, agent: number, id?: string, subs?: number[] }>} */
    const chats = [];
    for (let c = 0; c < customers; c++)
      for (let k = 0; k < chatsPerCustomer; k++) chats.push({ customer: agents + c, agent: chats.length % agents });
    await harness.pool(chats, 16, async (chat, i) => {
      chat.id = await harness.startChatAt(url, users[chat.customer], `Hello, this is benchmark chat ${i}`, `start-${run}-${i}`);
      await harness.acceptChatAt(url, users[chat.agent], chat.id);
      chat.subs = [chat.customer, chat.agent];
    });
    this.log(`parley: ${chats.length} chats started and accepted in ${((Date.now() - t0) / 1000).toFixed(1)} s total`);
    return { users, chats };
  }

  async openSubscribers(world, board) {
    const byUser = chatsByUser(world);
    const clients = [];
    let errors = 0;
    let firstError = null;
    const url = `ws://127.0.0.1:${this.wsPort ?? this.port}/graphql`;
    await mapLimit([...byUser.entries()], 16, async ([userIdx, chatIds]) => {
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${world.users[userIdx].token}` },
        lazy: false,
        retryAttempts: 0,
        shouldRetry: () => false,
        keepAlive: 0,
      });
      clients.push(client);
      await new Promise((/** @type {(value?: unknown) => void} */ resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('graphql-ws connect timeout')), 20_000);
        const offs = [
          client.on('connected', () => {
            clearTimeout(timer);
            resolve();
          }),
          client.on('closed', (/** @type {any} */ ev) => {
            clearTimeout(timer);
            reject(new Error(`graphql-ws closed ${ev?.code ?? ''} ${ev?.reason ?? ''}`));
          }),
          client.on('error', (/** @type {any} */ err) => {
            clearTimeout(timer);
            reject(err instanceof Error ? err : new Error(String(err?.message ?? err)));
          }),
        ];
        void offs;
      });
      for (const chatId of chatIds) {
        client.subscribe(
          { query: MESSAGE_ADDED, variables: { chatId } },
          {
            next: (/** @type {any} */ r) => {
              const m = r.data?.messageAdded;
              if (m) board.deliver(userIdx, m.chatId, m.seq, m.body);
              else if (r.errors) {
                errors++;
                firstError ??= JSON.stringify(r.errors).slice(0, 300);
              }
            },
            error: (/** @type {any} */ err) => {
              errors++;
              firstError ??= Array.isArray(err) ? JSON.stringify(err).slice(0, 300) : String(err?.message ?? err?.reason ?? err);
            },
            complete: () => {},
          },
        );
      }
    });
    return {
      sockets: clients.length,
      errors: () => errors,
      firstError: () => firstError,
      close: async () => {
        await Promise.all(clients.map((c) => c.dispose()));
      },
    };
  }

  async send(chat, userIdx, body, clientMessageId) {
    await this.gql(this.agent, this.world.users[userIdx].token, SEND, { input: { chatId: chat.id, body, clientMessageId } });
  }

  /**
   * A chat of n messages: started and accepted through the API, then filled
   * with SQL straight into Parley's tables (column names read from the
   * database), since sending 100k messages through the API would take minutes.
   */
  async preparePaging(world, n) {
    const customer = world.users[world.chats[0].customer];
    const agentUser = world.users[world.chats[0].agent];
    const chatId = await harness.startChatAt(`${this.base}/graphql`, customer, 'paging chat');
    await harness.acceptChatAt(`${this.base}/graphql`, agentUser, chatId);
    await seedInTransaction(this.dbName, ['messages'], async (client) => {
      const cols = await client.query(
        `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN ('messages','chats')`,
      );
      const has = (t, c) => cols.rows.some((x) => x.table_name === t && x.column_name === c);
      const need = [
        ['messages', 'chatId'],
        ['messages', 'seq'],
        ['messages', 'kind'],
        ['messages', 'senderId'],
        ['messages', 'body'],
        ['chats', 'lastSeq'],
      ];
      const missing = need.filter(([t, c]) => !has(t, c));
      if (missing.length) throw new Error(`paging: Parley's tables changed (missing ${missing.map((x) => x.join('.')).join(', ')})`);
      const { rows } = await client.query('SELECT "lastSeq" FROM chats WHERE id = $1 FOR UPDATE', [chatId]);
      const base = rows[0].lastSeq;
      const extra = [];
      if (has('messages', 'createdAt')) extra.push(['"createdAt"', `now() + g * interval '1 ms'`]);
      await client.query(
        `INSERT INTO messages (id, "chatId", seq, kind, "senderId", body${extra.map((e) => ', ' + e[0]).join('')})
         SELECT gen_random_uuid(), $1, $2::int + g, 'CUSTOMER', $3, 'paging message number ' || g${extra.map((e) => ', ' + e[1]).join('')}
         FROM generate_series(1, $4::int) g`,
        [chatId, base, customer.id, n - base],
      );
      await client.query(`UPDATE chats SET "lastSeq" = $2 WHERE id = $1`, [chatId, n]);
    });
    // the middle page's cursor, found the way a client would: paging forward
    const target = Math.floor(n / 2) - 25;
    let after = null;
    let seen = 0;
    for (let i = 0; i < Math.ceil(n / 100) + 2 && seen < target; i++) {
      const take = Math.min(100, target - seen);
      const d = await this.gql(this.agent, customer.token, PAGE, { id: chatId, first: take, after });
      const conn = d.chat.messages;
      if (conn.edges.length === 0) break;
      seen += conn.edges.length;
      after = conn.pageInfo.endCursor;
    }
    return { chatId, n, token: customer.token, middleAfter: after, middleAt: seen };
  }

  async page(big, which) {
    const vars =
      which === 'first'
        ? { id: big.chatId, first: 50 }
        : which === 'middle'
          ? { id: big.chatId, first: 50, after: big.middleAfter }
          : { id: big.chatId, last: 50 };
    const d = await this.gql(this.agent, big.token, PAGE, vars);
    return d.chat.messages.edges;
  }

  idleSpec(world) {
    return {
      protocol: 'graphql-ws',
      url: `ws://127.0.0.1:${this.wsPort ?? this.port}/graphql`,
      query: MESSAGE_ADDED,
      items: world.chats.map((c) => ({ chatId: c.id, token: world.users[c.customer].token })),
    };
  }
}

/**
 * Two Parley instances sharing one database and Redis (REDIS_URL): senders
 * talk to the first over HTTP, every subscriber is on the second, so each
 * message crosses Redis before it is delivered. Its CPU figure counts both
 * instances and the Redis server.
 */
export class ParleyRedisSystem extends ParleySystem {
  constructor(opts) {
    super(opts);
    this.name = 'parley-redis';
    /** @type {string[] | undefined} the scenarios this system takes part in (all when unset) */
    this.scenarios = undefined;
    this.redisUrl = opts?.redisUrl ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
    this.subscriberHandle = null;
  }

  /** Whether Redis answers at redisUrl (the bench skips this system otherwise). */
  static async reachable(url = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379') {
    const { hostname, port } = new URL(url);
    return new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
      const socket = net.connect(Number(port || 6379), hostname);
      const done = (ok) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('error', () => done(false));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (d) => done(String(d).startsWith('+PONG')));
    });
  }

  settings() {
    // A channel prefix of its own, so nothing else on this Redis hears the bench or talks to it.
    return { ...super.settings(), redisUrl: this.redisUrl, redisPrefix: `bench-${this.jwtSecret.slice(0, 8)}:` };
  }

  serverPids() {
    // The subscriber instance first: the idle scenario measures the first pid.
    return [this.subscriberHandle?.pid, this.handle?.pid, this.redisPid].filter(Boolean);
  }

  async start() {
    await super.start();
    const { port, proc } = await this.launch('-subscribers');
    this.wsPort = port;
    this.subscriberHandle = proc;
    this.redisPid = redisServerPid();
    this.log(`${this.name}: subscriber instance ready on port ${this.wsPort} (pid ${this.subscriberHandle.pid}); Redis pid ${this.redisPid ?? 'unknown'}`);
  }

  async restart() {
    await harness.stopProcess(this.subscriberHandle, 5000);
    await super.restart();
  }

  async stop() {
    await harness.stopProcess(this.subscriberHandle, 5000).catch(() => {});
    await super.stop();
  }
}

/** The local redis-server's pid, when it runs on this machine (for its CPU time). */
function redisServerPid() {
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'redis-server') return Number(pid);
    } catch {
      /* gone */
    }
  }
  return undefined;
}

export { sleep };
