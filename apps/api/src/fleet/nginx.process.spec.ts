import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  createAgentAt,
  createTestDatabase,
  fleetSettings,
  freePort,
  gqlOk,
  MESSAGES,
  pool,
  registerAt,
  removeDataDirs,
  requireBundle,
  root,
  SEND,
  sleep,
  startApi,
  startChatAt,
  spawnProcess,
  startRedis,
  stopProcess,
  subscribe,
  tcpOpen,
  until,
  wsClient,
  type Account,
  type ApiInstance,
  type FleetSettings,
  type Proc,
  type RedisProcess,
  type Subscription,
  type TestDatabase,
  type WsClient,
} from '@parley/api/testing';

// The shipped nginx configuration, in front of two real instances, with Debian's nginx (`npm test` installs it).
const NGINX = '/usr/sbin/nginx';
let database: TestDatabase;
let redis: RedisProcess;
let settings: FleetSettings;
let instances: ApiInstance[];
let nginx: Proc | undefined;
let nginxOutput = () => '';
let prefix: string;
let front: { graphqlUrl: string; wsUrl: string };
const sockets: WsClient[] = [];
const watchers: Array<{ stop(): void }> = [];

/** docker/nginx/parley.conf with loopback ports, inside a minimal main configuration. */
function nginxConfig(listen: number, upstreams: number[]): string {
  const site = readFileSync(join(root, 'docker/nginx/parley.conf'), 'utf8')
    .replace(/server api(\d+):3000/g, (_, n: string) => `server 127.0.0.1:${upstreams[Number(n) - 1]}`)
    .replace('listen 80;', `listen 127.0.0.1:${listen};`);
  return [
    process.getuid?.() === 0 ? 'user root;' : '',
    'daemon off;',
    'worker_processes 1;',
    `pid ${prefix}/nginx.pid;`,
    `error_log ${prefix}/error.log warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log off;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${prefix}/${t};`),
    site,
    '}',
  ].join('\n');
}

beforeAll(async () => {
  requireBundle();
  if (!existsSync(NGINX)) throw new Error('nginx is missing: apt-get install -y nginx (npm test installs it)');
  database = await createTestDatabase();
  redis = await startRedis();
  settings = fleetSettings(database.url, redis.url);
  instances = await Promise.all([startApi(settings), startApi(settings)]);
  prefix = mkdtempSync(join(tmpdir(), 'parley-nginx-'));
  mkdirSync(join(prefix, 'logs'));
  const port = await freePort();
  writeFileSync(join(prefix, 'nginx.conf'), nginxConfig(port, instances.map((i) => i.port)));
  nginx = spawnProcess('nginx', NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf')]);
  const errorLog = () => (existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '');
  nginxOutput = () => `${nginx?.output()}\n${errorLog()}`;
  await until(() => tcpOpen(port), 10_000, () => `nginx did not start: ${nginxOutput()}`);
  front = { graphqlUrl: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` };
}, 120_000);

afterAll(async () => {
  // Also after a failure: no reconnect loop may outlive the test.
  for (const watcher of watchers) watcher.stop();
  await Promise.all(sockets.map((s) => s.dispose()));
  await stopProcess(nginx);
  await Promise.all((instances ?? []).map((i) => i.stop()));
  await redis?.stop();
  await database?.drop();
  removeDataDirs();
  if (prefix) rmSync(prefix, { recursive: true, force: true });
}, 60_000);

/** A subscriber that, like the web app, reconnects through nginx after the last seq it saw when its socket closes. */
function resilientWatch(token: string, chatId: string) {
  const seen: Array<{ seq: number; body: string }> = [];
  let current: Subscription<{ seq: number; body: string }>;
  let stopped = false;
  const connect = () => {
    const socket = wsClient(front.wsUrl, token);
    sockets.push(socket);
    const afterSeq = seen.at(-1)?.seq ?? 0;
    current = subscribe(socket, MESSAGES, { chatId, afterSeq });
    const base = seen.length;
    const copy = setInterval(() => {
      // Move what arrived on this connection into `seen`.
      while (seen.length - base < current.values.length) seen.push(current.values[seen.length - base]);
    }, 20);
    void current.ended.then(async () => {
      clearInterval(copy);
      while (seen.length - base < current.values.length) seen.push(current.values[seen.length - base]);
      void socket.dispose();
      if (!stopped) {
        await sleep(200);
        connect();
      }
    });
  };
  connect();
  const watcher = {
    seen,
    stop() {
      stopped = true;
      current.unsubscribe();
    },
  };
  watchers.push(watcher);
  return watcher;
}

/** A send through nginx, retried with the same clientMessageId when an instance goes away mid-request. */
async function send(token: string, chatId: string, body: string, clientMessageId: string): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      await gqlOk(front.graphqlUrl, SEND, { input: { chatId, body, clientMessageId } }, token);
      return;
    } catch (error) {
      last = error;
      await sleep(250);
    }
  }
  throw new Error(`send ${clientMessageId} never succeeded: ${(last as Error)?.message}; nginx: ${nginxOutput().slice(-2000)}`);
}

describe('two instances behind nginx', () => {
  it('customers and agents chat through nginx over HTTP and WebSockets while both instances restart one after the other', async () => {
    const agent = await createAgentAt(front.graphqlUrl, { email: settings.adminEmail, password: settings.adminPassword }, 'Agent');
    const customers: Account[] = await Promise.all(Array.from({ length: 6 }, (_, i) => registerAt(front.graphqlUrl, `customer${i}`)));
    const chats = [];
    for (const customer of customers) {
      const chatId = await startChatAt(front.graphqlUrl, customer, 'hello');
      await gqlOk(front.graphqlUrl, `mutation($id: ID!) { acceptChat(chatId: $id) { id } }`, { id: chatId }, agent.token);
      chats.push({ customer, chatId, customerSees: resilientWatch(customer.token, chatId), agentSees: resilientWatch(agent.token, chatId) });
    }

    let restarting = true;
    const rolling = (async () => {
      for (const instance of instances) {
        // As an operator would: the previous instance is back and the balancer has had time to see it.
        await sleep(3500);
        expect(await instance.stop()).toBe(0);
        await instance.restart();
      }
      restarting = false;
    })();
    await pool(chats, chats.length, async ({ customer, chatId }) => {
      for (let n = 0; restarting || n < 10; n++) {
        await send(customer.token, chatId, `question ${n}`, `c-${chatId}-${n}`);
        await send(agent.token, chatId, `answer ${n}`, `a-${chatId}-${n}`);
        await sleep(100);
      }
    });
    await rolling;

    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      for (const { chatId, customerSees, agentSees } of chats) {
        const { rows: stored } = await client.query<{ seq: number; body: string; clientMessageId: string | null }>(
          `SELECT seq, body, "clientMessageId" FROM messages WHERE "chatId" = $1 ORDER BY seq`,
          [chatId],
        );
        // Every clientMessageId stored once: the retries through nginx did not duplicate.
        const ids = stored.flatMap((r) => (r.clientMessageId ? [r.clientMessageId] : []));
        expect(new Set(ids).size).toBe(ids.length);
        const rows = stored.map(({ seq, body }) => ({ seq, body }));
        for (const seen of [customerSees.seen, agentSees.seen]) {
          await until(() => seen.length >= rows.length, 30_000, () => `${chatId}: ${seen.length}/${rows.length} delivered`);
          expect(seen.map(({ seq, body }) => ({ seq, body }))).toEqual(rows);
        }
        customerSees.stop();
        agentSees.stop();
      }
    } finally {
      await client.end();
    }
  }, 240_000);
});
