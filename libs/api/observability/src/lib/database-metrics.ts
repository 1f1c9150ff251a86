import type { DataSource } from 'typeorm';
import { pgPool } from '@parley/api/database';
import type { ParleyMetrics } from './metrics';

/** The part of pg's Client the metrics use. */
interface PgClient {
  query: (...args: unknown[]) => unknown;
}

const timed = new WeakSet<PgClient>();

/** Wraps each pooled client's query() once to time it (promise and callback styles). */
function timeQueries(client: PgClient, metrics: ParleyMetrics): void {
  if (timed.has(client)) return;
  timed.add(client);
  const query = client.query.bind(client);
  client.query = (...args: unknown[]) => {
    const end = metrics.queryDuration.startTimer();
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (...results: unknown[]) => {
        end();
        return callback(...results);
      };
      return query(...args);
    }
    const result = query(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(
        () => end(),
        () => end(),
      );
    } else {
      end(); // a stream (QueryStream) or submittable: timing it would need its events
    }
    return result;
  };
}

const SCRAPE_TIMEOUT_MS = 2000;

/**
 * Database-backed metrics: query time on every pooled client, pool use, and
 * at scrape time the open chats by status, the queue length and the oldest
 * waiting chat's age (one indexed query on (status, createdAt)).
 */
export function observeDatabase(dataSource: DataSource, metrics: ParleyMetrics, isReady: () => boolean): void {
  const pool = pgPool(dataSource);
  if (pool) {
    pool.on('acquire', (client) => timeQueries(client, metrics));
    metrics.onScrape(() => {
      metrics.poolConnections.set({ state: 'total' }, pool.totalCount);
      metrics.poolConnections.set({ state: 'idle' }, pool.idleCount);
      metrics.poolConnections.set({ state: 'waiting' }, pool.waitingCount);
    });
  }
  metrics.onScrape(async () => {
    try {
      const rows: Array<{
        status: string;
        count: number;
        oldest: number | null;
      }> = await Promise.race([
        dataSource.query(
          `SELECT status, count(*)::int AS count,
                  extract(epoch FROM now() - min("createdAt"))::float8 AS oldest
           FROM chats WHERE status IN ('QUEUED', 'ACTIVE') GROUP BY status`,
        ),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), SCRAPE_TIMEOUT_MS).unref()),
      ]);
      const queued = rows.find((row) => row.status === 'QUEUED');
      metrics.chats.set({ status: 'QUEUED' }, queued?.count ?? 0);
      metrics.chats.set({ status: 'ACTIVE' }, rows.find((row) => row.status === 'ACTIVE')?.count ?? 0);
      metrics.queueLength.set(queued?.count ?? 0);
      metrics.oldestWait.set(Math.max(0, queued?.oldest ?? 0));
      metrics.ready.set(isReady() ? 1 : 0);
    } catch {
      // Database unreachable: not ready; the chat gauges keep their last values.
      metrics.ready.set(0);
    }
  });
}
