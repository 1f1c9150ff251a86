// The built API bundle as a real process, started the way production starts it.
// The one way the tests and the benchmark start it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, killProcess, root, spawnProcess, stopProcess, waitReady, type Proc } from './processes';

export const bundle = join(root, 'dist/apps/api/main.js');
/** The API's runtime flags, as production starts it (apps/api/node-flags.json). */
export const apiNodeFlags: string[] = JSON.parse(readFileSync(join(root, 'apps/api/node-flags.json'), 'utf8'));

export function requireBundle(file = bundle): void {
  if (!existsSync(file)) throw new Error(`build the API first (npm test does): node tools/build/build-api.mjs (missing ${file})`);
}

/** What instances of one deployment share. */
export interface FleetSettings {
  databaseUrl: string;
  redisUrl?: string;
  /** Prefix of the Redis channels and keys (the benchmark keeps its own on a shared Redis). */
  redisPrefix?: string;
  jwtSecret: string;
  adminEmail: string;
  adminPassword: string;
  /** More environment for every instance (it wins over the defaults, e.g. RATE_LIMIT_SCALE). */
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

/** How one instance is started, beyond the deployment's settings. */
export interface ApiOptions {
  port?: number;
  /** Another build of the API (the benchmark compares two). */
  bundle?: string;
  /** Node flags after apps/api/node-flags.json (a profiler, say). */
  nodeArgs?: string[];
  /** Variables on top of the instance's own (NODE_ENV, LOG_LEVEL…). */
  env?: Record<string, string>;
  /** Inherit this process's environment (the benchmark passes its own through). */
  inheritEnv?: boolean;
  name?: string;
  logFile?: string;
}

export interface ApiInstance {
  port: number;
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  settings: FleetSettings;
  proc: Proc;
  isReady(): Promise<boolean>;
  /** SIGTERM and wait; returns the exit code. */
  stop(): Promise<number | null | undefined>;
  /** SIGKILL: the crash an orchestrator or the kernel inflicts. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same settings. */
  restart(): Promise<void>;
}

const dataDirs: string[] = [];

/** Starts one instance of the built bundle on loopback and waits until /readyz answers 200. */
export async function startApi(settings: FleetSettings, options: ApiOptions | number = {}): Promise<ApiInstance> {
  const opts = typeof options === 'number' ? { port: options } : options;
  const port = opts.port ?? (await freePort());
  const main = resolve(root, opts.bundle ?? bundle);
  requireBundle(main);
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-api-'));
  dataDirs.push(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...(opts.inheritEnv ? process.env : { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' }),
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: settings.databaseUrl,
    JWT_SECRET: settings.jwtSecret,
    ADMIN_EMAIL: settings.adminEmail,
    ADMIN_PASSWORD: settings.adminPassword,
    RATE_LIMIT_SCALE: '0',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ...(settings.redisUrl ? { REDIS_URL: settings.redisUrl } : {}),
    ...(settings.redisPrefix ? { REDIS_PREFIX: settings.redisPrefix } : {}),
    ...settings.env,
    ...opts.env,
  };
  const launch = () =>
    spawnProcess(opts.name ?? `api:${port}`, process.execPath, [...apiNodeFlags, ...(opts.nodeArgs ?? []), main], { env, logFile: opts.logFile });
  const url = `http://127.0.0.1:${port}`;
  const instance: ApiInstance = {
    port,
    url,
    graphqlUrl: `${url}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    settings,
    proc: launch(),
    async isReady() {
      try {
        return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) })).status === 200;
      } catch {
        return false;
      }
    },
    stop: () => stopProcess(instance.proc),
    kill: () => killProcess(instance.proc),
    async restart() {
      await instance.stop();
      instance.proc = launch();
      await waitReady(`${url}/readyz`, instance.proc);
    },
  };
  try {
    await waitReady(`${url}/readyz`, instance.proc);
  } catch (error) {
    await instance.kill();
    throw error;
  }
  return instance;
}

/** Removes the data folders of the instances started so far. */
export function removeDataDirs(): void {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
