import { createTestDatabase, until, type TestDatabase } from '@parley/api/testing';
import { createDataSource, inTransaction, RollbackWith } from '@parley/api/database';
import { defineQueue, JobQueue, type JobQueueOptions } from './job-queue';

jest.setTimeout(40_000);

describe('the job queue (pg-boss on PostgreSQL)', () => {
  let database: TestDatabase;
  const opened: JobQueue[] = [];
  const open = (options: Partial<JobQueueOptions> = {}) => {
    const queue = new JobQueue({ url: database.url, pollingIntervalSeconds: 0.5, stopTimeoutMs: 1000, ...options });
    opened.push(queue);
    return queue;
  };

  beforeAll(async () => {
    database = await createTestDatabase('parley_jobs');
  });

  afterAll(async () => {
    for (const queue of opened) await queue.stop().catch(() => undefined);
    await database?.drop();
  });

  it('creates its own schema and keeps a scheduled job across a stop and a start: the job still runs', async () => {
    const reminders = defineQueue<{ text: string }>('test-durable');
    const first = open();
    await first.start();
    const [schema] = await first.query<{ n: string }>(`SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = 'pgboss'`);
    expect(Number(schema.n)).toBe(1);
    const id = await first.send(reminders, { text: 'later' }, { delaySeconds: 1 });
    expect(id).toEqual(expect.any(String));
    await first.stop();

    const ran: Array<{ text: string; id: string }> = [];
    const second = open();
    await second.work(reminders, async (payload, job) => {
      ran.push({ text: payload.text, id: job.id });
    });
    await second.start();
    await until(() => ran.length > 0);
    expect(ran).toEqual([{ text: 'later', id }]);
    await until(async () => (await second.jobState(reminders, id as string)) === 'completed');
  });

  it('writes a queue\'s settings only when they are new or changed: a plain restart leaves pg-boss\'s queue rows alone', async () => {
    const first = defineQueue<{ n: number }>('test-settings', { retry: { limit: 2, delaySeconds: 3 } });
    const rows = async (queue: JobQueue) =>
      queue.query<{ retry_limit: number; updated_on: Date }>(`SELECT retry_limit, updated_on FROM ${queue.schemaName}.queue WHERE name = 'test-settings'`);
    const a = open();
    await a.work(first, async () => undefined);
    await a.start();
    const [created] = await rows(a);
    await a.stop();

    const b = open();
    await b.work(first, async () => undefined);
    await b.start();
    // Unchanged settings: not rewritten (pg-boss's updateQueue would set updated_on).
    expect(await rows(b)).toEqual([created]);
    await b.stop();

    const changed = defineQueue<{ n: number }>('test-settings', { retry: { limit: 7, delaySeconds: 3 } });
    const c = open();
    await c.work(changed, async () => undefined);
    await c.start();
    const [updated] = await rows(c);
    expect(updated.retry_limit).toBe(7);
    expect(new Date(updated.updated_on).getTime()).toBeGreaterThan(new Date(created.updated_on).getTime());
  });

  it('retries a failing job with growing delays, then succeeds', async () => {
    const flaky = defineQueue<{ n: number }>('test-retry', { retry: { limit: 3, delaySeconds: 1, backoff: true } });
    const queue = open();
    const attempts: Array<{ at: number; retryCount: number }> = [];
    await queue.work(flaky, async (_payload, job) => {
      attempts.push({ at: Date.now(), retryCount: job.retryCount });
      if (attempts.length < 3) throw new Error('not yet');
    });
    await queue.start();
    const id = (await queue.send(flaky, { n: 1 })) as string;
    await until(async () => (await queue.jobState(flaky, id)) === 'completed', 20_000);
    expect(attempts.map((a) => a.retryCount)).toEqual([0, 1, 2]);
    // pg-boss's backoff waits delay × 2^(n-1) × (1 to 2) before retry n: at least 1 s, then at least 2 s.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(1000);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(2000);
  });

  it('gives up after the retry limit (the job is failed) and holds waits to maxDelaySeconds', async () => {
    const doomed = defineQueue<{ n: number }>('test-capped', { retry: { limit: 4, delaySeconds: 1, backoff: true, maxDelaySeconds: 1 } });
    const queue = open();
    const attempts: number[] = [];
    await queue.work(doomed, async () => {
      attempts.push(Date.now());
      throw new Error('always');
    });
    await queue.start();
    const id = (await queue.send(doomed, { n: 1 })) as string;
    await until(async () => (await queue.jobState(doomed, id)) === 'failed', 30_000);
    expect(attempts).toHaveLength(5);
    // Uncapped, the fourth retry would wait at least 8 s.
    expect(attempts[4] - attempts[3]).toBeLessThan(4000);
  });

  it('never runs one job on two workers at once, across two processes', async () => {
    const work = defineQueue<{ n: number }>('test-contended');
    const a = open();
    const b = open();
    const running = new Set<number>();
    const runs = new Map<number, number>();
    const byInstance = { a: 0, b: 0 };
    let overlaps = 0;
    const handler = (who: 'a' | 'b') => async (payload: { n: number }) => {
      if (running.has(payload.n)) overlaps++;
      running.add(payload.n);
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      running.delete(payload.n);
      runs.set(payload.n, (runs.get(payload.n) ?? 0) + 1);
      byInstance[who]++;
    };
    await a.work(work, handler('a'), { workers: 2, batchSize: 10 });
    await b.work(work, handler('b'), { workers: 2, batchSize: 10 });
    await Promise.all([a.start(), b.start()]);
    const total = 300;
    await Promise.all(Array.from({ length: total }, (_, n) => (n % 2 ? a : b).send(work, { n })));
    await until(() => runs.size === total, 30_000);
    await new Promise((r) => setTimeout(r, 600)); // a second run would show up by now
    expect(overlaps).toBe(0);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(byInstance.a + byInstance.b).toBe(total);
    expect(byInstance.a).toBeGreaterThan(0);
    expect(byInstance.b).toBeGreaterThan(0);
  });

  it('throttles by key: one job per key per window', async () => {
    const nudges = defineQueue<{ userId: string }>('test-throttled');
    const queue = open();
    await queue.start();
    const first = await queue.send(nudges, { userId: 'u1' }, { singletonKey: 'u1', throttleSeconds: 60 });
    const again = await queue.send(nudges, { userId: 'u1' }, { singletonKey: 'u1', throttleSeconds: 60 });
    const other = await queue.send(nudges, { userId: 'u2' }, { singletonKey: 'u2', throttleSeconds: 60 });
    expect(first).toEqual(expect.any(String));
    expect(again).toBeNull();
    expect(other).toEqual(expect.any(String));
  });

  it('enqueues inside a transaction: nothing if it rolls back, the job once it commits', async () => {
    const outbox = defineQueue<{ event: string }>('test-outbox');
    const queue = open();
    await queue.start();
    const dataSource = createDataSource({ url: database.url, entities: [], poolSize: 2 });
    await dataSource.initialize();
    try {
      await dataSource.query('CREATE TABLE events (name text)');
      const rolledBack = await inTransaction(dataSource, async (runner) => {
        await runner.query(`INSERT INTO events VALUES ('lost')`);
        const id = await queue.send(outbox, { event: 'lost' }, { transaction: runner });
        throw new RollbackWith(id);
      });
      const committed = await inTransaction(dataSource, async (runner) => {
        await runner.query(`INSERT INTO events VALUES ('kept')`);
        return queue.send(outbox, { event: 'kept' }, { transaction: runner });
      });
      expect(await queue.jobState(outbox, rolledBack as string)).toBeNull();
      expect(await queue.jobState(outbox, committed as string)).toBe('created');
      const seen: string[] = [];
      await queue.work(outbox, async (payload) => {
        seen.push(payload.event);
      });
      await until(() => seen.length > 0);
      expect(seen).toEqual(['kept']);
    } finally {
      await dataSource.destroy();
    }
  });

  it('sendOrHasten keeps one waiting job per key and moves it earlier, never later', async () => {
    const lanes = defineQueue<{ key: string }>('test-hasten', { policy: 'short' });
    const queue = open();
    const ran: Array<{ key: string; at: number }> = [];
    await queue.work(lanes, async (payload) => {
      ran.push({ key: payload.key, at: Date.now() });
    });
    await queue.start();
    const later = new Date(Date.now() + 60_000);
    await queue.sendOrHasten(lanes, { key: 'a' }, { singletonKey: 'a', startAt: later });
    // A later time leaves it as it is; a second key is a job of its own.
    await queue.sendOrHasten(lanes, { key: 'a' }, { singletonKey: 'a', startAt: new Date(Date.now() + 120_000) });
    await queue.sendOrHasten(lanes, { key: 'b' }, { singletonKey: 'b', startAt: later });
    const waiting = await queue.query<{ key: string; start_after: Date }>(
      `SELECT singleton_key AS key, start_after FROM ${queue.schemaName}.job WHERE name = 'test-hasten' AND state = 'created' ORDER BY singleton_key`,
    );
    expect(waiting.map((w) => w.key)).toEqual(['a', 'b']);
    expect(Math.abs(new Date(waiting[0].start_after).getTime() - later.getTime())).toBeLessThan(1000);
    const asked = Date.now();
    await queue.sendOrHasten(lanes, { key: 'a' }, { singletonKey: 'a' });
    await until(() => ran.length > 0);
    expect(ran).toEqual([{ key: 'a', at: expect.any(Number) }]);
    expect(ran[0].at - asked).toBeLessThan(5_000);
  });

  it("says when the queue's waiting job starts at the earliest, and that none waits once it ran", async () => {
    const drains = defineQueue<{ n: number }>('test-waiting', { policy: 'stately' });
    const queue = open();
    const ran: number[] = [];
    await queue.work(drains, async (payload) => void ran.push(payload.n));
    await queue.start();
    expect(await queue.waitingStartsIn(drains)).toBeNull();
    expect(await queue.send(drains, { n: 1 }, { delaySeconds: 2 })).toEqual(expect.any(String));
    // Stately: one waiting job at most; the second send adds none.
    expect(await queue.send(drains, { n: 2 }, { delaySeconds: 30 })).toBeNull();
    const ms = await queue.waitingStartsIn(drains);
    expect(ms).toBeGreaterThan(1000);
    expect(ms).toBeLessThanOrEqual(2000);
    await until(() => ran.length > 0);
    expect(ran).toEqual([1]);
    expect(await queue.waitingStartsIn(drains)).toBeNull();
  });
});
