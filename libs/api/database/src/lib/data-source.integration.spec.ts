import { createTestDatabase, type TestDatabase } from '@parley/api/testing';
import type { DataSource } from 'typeorm';
import { readFileSync } from 'node:fs';
import { createDataSource, KEEPALIVE_IDLE_MS } from './data-source';
import { pgPool } from './sql';

/** The pool's open clients (pg keeps them in `_clients`; its types do not say so). */
const pooledClients = (dataSource: DataSource) =>
  (pgPool(dataSource) as unknown as { _clients: Array<{ connection: { stream: { localPort?: number } } }> })._clients;

const ESTABLISHED = 1;
/**
 * The kernel's timer on each established TCP connection (/proc/net/tcp*), by local and remote port:
 * `tr` 2 is the keepalive timer, `when` in seconds. A local port alone is not enough: a closed
 * connection in TIME_WAIT to another server can hold the same local port number.
 */
function tcpTimers(): Map<string, { timer: number; seconds: number }> {
  const timers = new Map<string, { timer: number; seconds: number }>();
  const portOf = (address: string) => parseInt(address.split(':')[1], 16);
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (parseInt(fields[3], 16) !== ESTABLISHED) continue;
      const [timer, when] = fields[5].split(':');
      timers.set(`${portOf(fields[1])}->${portOf(fields[2])}`, { timer: parseInt(timer, 16), seconds: parseInt(when, 16) / 100 });
    }
  }
  return timers;
}

describe('the data source pool', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('parley_pool');
    dataSource = createDataSource({ url: database.url, entities: [], poolSize: 4, applicationName: 'parley-pool-test' });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('keeps the connections a burst opened once it goes quiet, so the next burst does not wait for new ones', async () => {
    await Promise.all(Array.from({ length: 4 }, () => dataSource.query('SELECT pg_sleep(0.1)')));
    const pool = pgPool(dataSource);
    expect(pool?.totalCount).toBe(4);
    expect(pool?.idleCount).toBe(4);
    // pg-pool closes an idle connection after idleTimeoutMillis (10 s when unset); 0 is its "never".
    expect(pool?.options.idleTimeoutMillis).toBe(0);
    const [{ open }] = await dataSource.query(
      `SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'parley-pool-test'`,
    );
    expect(open).toBe(4);
  });

  it('has the kernel send keepalive probes on idle pooled connections, starting after KEEPALIVE_IDLE_MS', async () => {
    await Promise.all(Array.from({ length: 2 }, () => dataSource.query('SELECT pg_sleep(0.05)')));
    const ports = pooledClients(dataSource).map((client) => client.connection.stream.localPort).filter((port): port is number => port !== undefined);
    expect(ports.length).toBeGreaterThan(0);
    const serverPort = Number(new URL(database.url).port || 5432);
    const timers = tcpTimers();
    for (const port of ports) {
      const entry = timers.get(`${port}->${serverPort}`);
      expect([port, entry?.timer]).toEqual([port, 2]);
      expect(entry?.seconds).toBeLessThanOrEqual(KEEPALIVE_IDLE_MS / 1000);
      expect(entry?.seconds).toBeGreaterThan(KEEPALIVE_IDLE_MS / 1000 - 30);
    }
  });
});
