// Deployments in miniature for the process tests: API instances sharing a
// fresh database and a private Redis, and PostgreSQL clusters of their own.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { fleetSettings, removeDataDirs, requireBundle, startApi, type ApiInstance, type FleetSettings } from './api-process';
import type { WsClient } from './graphql-client';
import { freePort, spawnProcess, tcpOpen, until, type Proc } from './processes';
import { createTestDatabase, type TestDatabase } from './test-database';

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

/** `env`: more environment for every instance (a shortened PRESENCE_GRACE_SECONDS, say). */
export async function startFleet(instances = 2, env?: Record<string, string>): Promise<Fleet> {
  requireBundle();
  const database = await createTestDatabase();
  const redis = await startRedis();
  const settings = { ...fleetSettings(database.url, redis.url), env };
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
      proc = spawnProcess(`redis:${port}`, 'redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { cwd: tmpdir() });
      await until(() => tcpOpen(port), 10_000, () => `redis-server on ${port}: ${proc?.output()}`);
    },
    async stop() {
      if (!proc || proc.exitCode !== undefined) return;
      proc.child.kill('SIGKILL');
      await proc.exited;
    },
  };
  await redis.start();
  return redis;
}

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
