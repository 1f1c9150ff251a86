// The benchmark's PostgreSQL side: the admin connection, bench databases made
// and dropped, seed writes, quieting the server between steps, and readings of
// its backends and counters. Process, /proc and HTTP helpers are in ./util.mjs.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ppidOf, sleep } from './util.mjs';

export function adminUrl() {
  return process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function dbUrl(name) {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdmin(fn) {
  const client = new pg.Client({ connectionString: adminUrl(), application_name: 'bench-admin' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Bulk-writes seed rows on a connection of its own: `write` runs in one
 * transaction (rolled back if anything throws), then the tables are vacuumed
 * like tables that grew over months, so that autovacuum does not start on the
 * fresh rows mid-measurement. VACUUM cannot run in a transaction, hence after COMMIT.
 * @template T
 * @param dbName the database's name, as `dbUrl` takes it
 * @param {string[]} vacuumTables
 * @param {(client: pg.Client) => Promise<T>} write
 * @returns {Promise<T>}
 */
export async function seedInTransaction(dbName, vacuumTables, write) {
  const client = new pg.Client({ connectionString: dbUrl(dbName) });
  await client.connect();
  try {
    await client.query('BEGIN');
    const result = await write(client);
    await client.query('COMMIT');
    for (const table of vacuumTables) await client.query(`VACUUM (ANALYZE) ${table}`);
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

/**
 * Quiets PostgreSQL before a measured step, so a step does not pay for the
 * previous one (often another system's): a CHECKPOINT writes out what that run
 * dirtied, then autovacuum workers get up to `maxWaitMs` to finish.
 */
export async function settleDatabase(maxWaitMs = 10_000) {
  const started = Date.now();
  let checkpoint = true;
  let autovacuumWaitMs = 0;
  await withAdmin(async (c) => {
    await c.query('CHECKPOINT').catch(() => (checkpoint = false));
    const t0 = Date.now();
    while (Date.now() - t0 < maxWaitMs) {
      const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`);
      if (rows[0].n === 0) break;
      await sleep(250);
    }
    autovacuumWaitMs = Date.now() - t0;
  }).catch(() => (checkpoint = false));
  return { checkpoint, autovacuumWaitMs, ms: Date.now() - started };
}

export async function createDatabase(label) {
  const name = `parley_bench_${label}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  return name;
}

export async function dropDatabase(name) {
  await withAdmin(async (c) => {
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
  });
}

/** PIDs of the PostgreSQL backends connected to a database. */
export async function backendPids(dbName) {
  return withAdmin(async (c) => {
    const { rows } = await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]);
    return rows.map((r) => r.pid);
  });
}

/** Cumulative counters of one database (transactions, rows) from pg_stat_database. */
export async function dbCounters(dbName) {
  return withAdmin(async (c) => {
    const { rows } = await c.query(
      `SELECT xact_commit::bigint AS xact, tup_returned::bigint AS returned, tup_fetched::bigint AS fetched,
              tup_inserted::bigint AS inserted, tup_updated::bigint AS updated
       FROM pg_stat_database WHERE datname = $1`,
      [dbName],
    );
    return rows[0] ? Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)])) : null;
  });
}

export async function postgresInfo() {
  return withAdmin(async (c) => {
    const v = await c.query('SHOW server_version');
    const s = await c.query("SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit','fsync','shared_buffers','max_connections','wal_level','autovacuum')");
    const pid = await c.query('SELECT pg_backend_pid() AS pid');
    const dataDirectory = await c.query('SHOW data_directory').then((r) => r.rows[0].data_directory, () => null);
    return {
      version: v.rows[0].server_version,
      dataDirectory,
      settings: Object.fromEntries(s.rows.map((r) => [r.name, r.setting])),
      postmasterPid: ppidOf(pid.rows[0].pid),
    };
  });
}
