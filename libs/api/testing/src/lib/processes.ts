import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { gqlOk, type WsClient } from './graphql-client';
import { createTestDatabase, type TestDatabase } from './test-database';

// Real processes on loopback: the built API bundle, a private redis-server, nginx.
export const root = resolve(__dirname, '../../../../..');
export const bundle = join(root, 'dist/apps/api/main.js');
/** The API's runtime flags, as production starts it (apps/api/node-flags.json). */
export const apiNodeFlags: string[] = JSON.parse(readFileSync(join(root, 'apps/api/node-flags.json'), 'utf8'));

export function requireBundle(): void {
  if (!existsSync(bundle)) throw new Error('build the API first (npm test does): node tools/build/build-api.mjs');
}

export const freePort = () =>
  new Promise<number>((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnProc(command: string, args: string[], env: Record<string, string>, cwd = root): Proc {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // Keep the tail only: a load test logs a lot.
  const add = (d: Buffer) => (output = (output + d).slice(-20_000));
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

/** Waits until `probe` is true, or fails after `timeoutMs` with `describe()` in the message. */
export async function until(probe: () => Promise<boolean> | boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(100);
  }
  throw new Error(`timed out: ${describe()}`);
}

// ------------------------------------------------------------------ API instances

export interface ApiInstance {
  port: number;
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  proc: Proc;
  isReady(): Promise<boolean>;
  /** SIGTERM and wait; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the crash an orchestrator or the kernel inflicts. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same settings. */
  restart(): Promise<void>;
}

export interface FleetSettings {
  databaseUrl: string;
  redisUrl?: string;
  jwtSecret: string;
  adminEmail: string;
  adminPassword: string;
  /** More environment for every instance (it wins over the defaults above, e.g. RATE_LIMIT_SCALE). */
  env?: Record<string, string>;
}

export function fleetSettings(databaseUrl: string, redisUrl?: string): FleetSettings {
  return {
    databaseUrl,
    redisUrl,
    jwtSecret: randomBytes(48).toString('base64'),
    adminEmail: `admin-${randomBytes(3).toString('hex')}@parley.test`,
    adminPassword: randomBytes(12).toString('base64url'),
  };
}

const dataDirs: string[] = [];

/** Starts one instance of the built bundle and waits until /readyz answers 200. */
export async function startApi(settings: FleetSettings, port?: number): Promise<ApiInstance> {
  const chosen = port ?? (await freePort());
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-fleet-'));
  dataDirs.push(dataDir);
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '/tmp',
    HOST: '127.0.0.1',
    PORT: String(chosen),
    DATA_DIR: dataDir,
    DATABASE_URL: settings.databaseUrl,
    JWT_SECRET: settings.jwtSecret,
    ADMIN_EMAIL: settings.adminEmail,
    ADMIN_PASSWORD: settings.adminPassword,
    RATE_LIMIT_SCALE: '0',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ...(settings.redisUrl ? { REDIS_URL: settings.redisUrl } : {}),
    ...settings.env,
  };
  const url = `http://127.0.0.1:${chosen}`;
  const instance: ApiInstance = {
    port: chosen,
    url,
    graphqlUrl: `${url}/graphql`,
    wsUrl: `ws://127.0.0.1:${chosen}/graphql`,
    proc: spawnProc(process.execPath, [...apiNodeFlags, bundle], env),
    async isReady() {
      try {
        return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) })).status === 200;
      } catch {
        return false;
      }
    },
    async stop() {
      if (instance.proc.child.exitCode !== null || instance.proc.child.signalCode !== null) return instance.proc.child.exitCode;
      instance.proc.child.kill('SIGTERM');
      const timer = setTimeout(() => instance.proc.child.kill('SIGKILL'), 15_000);
      const code = await instance.proc.exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (instance.proc.child.exitCode !== null || instance.proc.child.signalCode !== null) return;
      instance.proc.child.kill('SIGKILL');
      await instance.proc.exited;
    },
    async restart() {
      await instance.stop();
      instance.proc = spawnProc(process.execPath, [...apiNodeFlags, bundle], env);
      await waitApiReady(instance);
    },
  };
  await waitApiReady(instance);
  return instance;
}

async function waitApiReady(instance: ApiInstance): Promise<void> {
  await until(
    async () => {
      if (instance.proc.child.exitCode !== null) throw new Error(`API exited early:\n${instance.proc.output()}`);
      return instance.isReady();
    },
    90_000,
    () => `API on ${instance.port} not ready:\n${instance.proc.output()}`,
  );
}

export function removeDataDirs(): void {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Instances of the bundle sharing a fresh database and a private Redis, as a scale-out deployment runs. */
export interface Fleet {
  database: TestDatabase;
  redis: RedisProcess;
  settings: FleetSettings;
  apis: ApiInstance[];
  /** Sockets a test opens; stop() disposes of them. */
  sockets: WsClient[];
  /** A statement straight against the shared database (what is stored, not what the API says). */
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
  /** Closes the sockets, stops every instance (one already killed included), Redis, and drops the database. */
  stop(): Promise<void>;
}

export async function startFleet(instances = 2): Promise<Fleet> {
  requireBundle();
  const database = await createTestDatabase();
  const redis = await startRedis();
  const settings = fleetSettings(database.url, redis.url);
  // Started together: the migrations' advisory lock lets only one of them migrate.
  const apis = await Promise.all(Array.from({ length: instances }, () => startApi(settings)));
  const sockets: WsClient[] = [];
  return {
    database,
    redis,
    settings,
    apis,
    sockets,
    async query<T>(sql: string, params: unknown[]) {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    async stop() {
      await Promise.all(sockets.map((s) => s.dispose()));
      await Promise.all(apis.map((api) => api.stop()));
      await redis.stop();
      await database.drop();
      removeDataDirs();
    },
  };
}

// ------------------------------------------------------------------ Redis

export interface RedisProcess {
  port: number;
  url: string;
  /** Stops the server (SIGKILL: connections drop as in a crash). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** A private redis-server on a free loopback port (never the shared one). */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let proc: Proc | undefined;
  const redis: RedisProcess = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawnProc('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], {
        PATH: process.env['PATH'] ?? '',
      }, tmpdir());
      await until(() => tcpOpen(port), 10_000, () => `redis-server on ${port}: ${proc?.output()}`);
    },
    async stop() {
      if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      proc.child.kill('SIGKILL');
      await proc.exited;
    },
  };
  await redis.start();
  return redis;
}

export const tcpOpen = (port: number) =>
  new Promise<boolean>((resolveOpen) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveOpen(true);
    });
    socket.once('error', () => resolveOpen(false));
  });

// ------------------------------------------------------------------ people

export interface Account {
  id: string;
  token: string;
}

export async function registerAt(graphqlUrl: string, name: string): Promise<Account> {
  const email = `${name}-${randomBytes(5).toString('hex')}@parley.test`;
  const data = await gqlOk(graphqlUrl, `mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }`, {
    input: { email, password: `pw-${randomBytes(8).toString('hex')}`, displayName: name },
  });
  return { id: data['register'].user.id, token: data['register'].token };
}

export async function createAgentAt(graphqlUrl: string, settings: FleetSettings, name: string): Promise<Account> {
  const admin = await gqlOk(graphqlUrl, `mutation($input: LoginInput!) { login(input: $input) { token } }`, {
    input: { email: settings.adminEmail, password: settings.adminPassword },
  });
  const email = `${name}-${randomBytes(5).toString('hex')}@parley.test`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  await gqlOk(graphqlUrl, `mutation($input: RegisterInput!) { createAgent(input: $input) { id } }`, { input: { email, password, displayName: name } }, admin['login'].token);
  const data = await gqlOk(graphqlUrl, `mutation($input: LoginInput!) { login(input: $input) { token user { id } } }`, { input: { email, password } });
  return { id: data['login'].user.id, token: data['login'].token };
}

export async function startChatAt(graphqlUrl: string, customer: Account, message: string): Promise<string> {
  const data = await gqlOk(graphqlUrl, `mutation($input: StartChatInput!) { startChat(input: $input) { id } }`, { input: { message } }, customer.token);
  return data['startChat'].id;
}

export const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { seq body clientMessageId } }`;
export const MESSAGES = `subscription($chatId: ID!, $afterSeq: Int) { messageAdded(chatId: $chatId, afterSeq: $afterSeq) { seq body } }`;

/** Runs `work` over `items` with at most `limit` at a time. */
export async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

// ------------------------------------------------------------------ a private PostgreSQL

export interface PostgresProcess {
  port: number;
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops for good and removes its data. */
  destroy(): Promise<void>;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Whether a private PostgreSQL can run here: Debian's binaries, and a postgres user when we are root. */
export function canRunPrivatePostgres(): boolean {
  return existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'));
}

/**
 * A PostgreSQL cluster of its own (initdb in a temp folder, a free loopback
 * port), so a test can stop and start it without touching the shared server.
 */
export async function startPrivatePostgres(): Promise<PostgresProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (args: string[]) =>
    new Promise<void>((resolveRun, reject) => {
      const [command, ...rest] = asRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args;
      const child = spawn(command, rest, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout?.on('data', (d) => (output += d));
      child.stderr?.on('data', (d) => (output += d));
      child.on('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`${args.join(' ')}: ${output}`))));
    });
  if (asRoot) await new Promise<void>((r) => spawn('chown', ['postgres:postgres', dir]).on('exit', () => r()));
  await run([join(PG_BIN, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const pg: PostgresProcess = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () =>
      run([join(PG_BIN, 'pg_ctl'), '-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']),
    stop: () => run([join(PG_BIN, 'pg_ctl'), '-D', data, '-w', '-m', 'fast', 'stop']),
    async destroy() {
      await pg.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}
