import PgBoss from 'pg-boss';
import type { QueryRunner } from 'typeorm';

/**
 * Parley's one durable job queue: pg-boss 10 on the product's own PostgreSQL,
 * in a schema of its own that pg-boss creates and migrates
 * (docs/decisions/007-job-queue-pg-boss.md says why pg-boss). Timed and retried
 * work goes here, never into an in-process timer a restart forgets. A job is
 * a row: it outlives the process that scheduled it, and several instances
 * take jobs with FOR UPDATE SKIP LOCKED, so one job runs on one worker at a time.
 */

/** Retries after a failed attempt: `limit` more attempts, the first `delaySeconds` later; with `backoff` each wait about doubles (with jitter), never beyond `maxDelaySeconds`. */
export interface RetryPolicy {
  limit: number;
  delaySeconds: number;
  backoff?: boolean;
  maxDelaySeconds?: number;
}

/**
 * pg-boss's queue policies: `standard` (any number of jobs), `short` (at most
 * one waiting job per singletonKey), `singleton` (at most one running job per
 * singletonKey: jobs of one key run one after another), `stately` (short and singleton together).
 */
export type QueuePolicy = 'standard' | 'short' | 'singleton' | 'stately';

/** A named queue whose jobs carry payloads of type P (JSON: no Dates, no class instances). */
export interface QueueDefinition<P extends object> {
  readonly name: string;
  readonly policy: QueuePolicy;
  readonly retry: RetryPolicy;
  /** A running attempt taking longer than this is failed (and retried): a worker that died mid-job gives it back. */
  readonly expireInSeconds: number;
  /** Type only: the payload this queue carries. */
  readonly payload?: P;
}

const QUEUE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** A queue of the product. Declare each once, next to the code that handles it. */
export function defineQueue<P extends object>(
  name: string,
  options: { policy?: QueuePolicy; retry?: RetryPolicy; expireInSeconds?: number } = {},
): QueueDefinition<P> {
  if (!QUEUE_NAME.test(name)) throw new Error(`queue name "${name}": lower-case letters, digits and -, starting with a letter`);
  const retry = options.retry ?? { limit: 5, delaySeconds: 5, backoff: true };
  if (retry.limit < 0 || retry.delaySeconds < 0) throw new Error(`queue ${name}: retry limit and delay must be 0 or more`);
  return { name, policy: options.policy ?? 'standard', retry, expireInSeconds: options.expireInSeconds ?? 15 * 60 };
}

export interface SendOptions {
  /** Run no earlier than this many seconds from now (fractions allowed). */
  delaySeconds?: number;
  /** Run no earlier than this moment. */
  startAt?: Date;
  /** Jobs sharing a key: see the queue's policy, and throttleSeconds. */
  singletonKey?: string;
  /** At most one job per singletonKey (or per queue, without one) in each window of this many seconds; send returns null for the others. */
  throttleSeconds?: number;
  /** Enqueue inside this transaction: the job exists if and only if the transaction commits (an outbox). */
  transaction?: QueryRunner;
}

export interface JobInfo {
  id: string;
  queue: string;
  /** 0 on the first attempt, 1 on the first retry, and so on. */
  retryCount: number;
}

export type JobHandler<P> = (payload: P, job: JobInfo) => Promise<void>;

export interface WorkOptions {
  /** Jobs taken per fetch; each is settled on its own (one failure does not fail the others). */
  batchSize?: number;
  /** Fetch loops in this process for this queue. */
  workers?: number;
}

export interface JobLogger {
  warn(details: object, message: string): void;
}

export interface JobQueueOptions {
  /** PostgreSQL: DATABASE_URL or the embedded store's URL. */
  url: string;
  /** Where pg-boss keeps its tables; created (and migrated) by pg-boss at start. */
  schema?: string;
  /** Connections of pg-boss's own pool (apart from the API's). */
  poolSize?: number;
  /** How often an idle worker looks for due jobs (0.5 at least). Jobs sent by this process wake its workers at once. */
  pollingIntervalSeconds?: number;
  logger?: JobLogger;
  /** How long stop() waits for running handlers before failing them back to the queue (they are retried). */
  stopTimeoutMs?: number;
}

interface Registration {
  queue: QueueDefinition<object>;
  handler: JobHandler<object>;
  options: WorkOptions;
  workerIds: string[];
}

export const DEFAULT_JOB_SCHEMA = 'pgboss';

export class JobQueue {
  private boss: PgBoss | undefined;
  /** Batches being handled now: stop() waits for them. */
  private readonly running = new Set<Promise<unknown>>();
  private readonly queues = new Map<string, QueueDefinition<object>>();
  private readonly registrations: Registration[] = [];
  private starting: Promise<void> | undefined;
  private readonly schema: string;

  constructor(private readonly options: JobQueueOptions) {
    this.schema = options.schema ?? DEFAULT_JOB_SCHEMA;
    if (!/^[a-z_][a-z0-9_]*$/.test(this.schema)) throw new Error(`job schema "${this.schema}" is not a plain identifier`);
  }

  get started(): boolean {
    return this.boss !== undefined;
  }

  /** Queues to create at start (sending to or working on a queue declares it too). */
  declare(...queues: QueueDefinition<object>[]): this {
    for (const queue of queues) this.queues.set(queue.name, queue);
    return this;
  }

  /** Runs `handler` for the queue's jobs: from start(), or at once when already started. A thrown error retries the job per the queue's policy. */
  async work<P extends object>(queue: QueueDefinition<P>, handler: JobHandler<P>, options: WorkOptions = {}): Promise<void> {
    this.declare(queue as QueueDefinition<object>);
    const registration: Registration = { queue: queue as QueueDefinition<object>, handler: handler as JobHandler<object>, options, workerIds: [] };
    this.registrations.push(registration);
    if (this.boss) await this.startWorkers(this.boss, registration);
  }

  /** Connects, creates or migrates pg-boss's schema, creates the declared queues and starts the workers. */
  start(): Promise<void> {
    return (this.starting ??= this.doStart().catch((error) => {
      this.starting = undefined;
      throw error;
    }));
  }

  /**
   * Stops taking jobs, waits up to stopTimeoutMs for running handlers, then
   * hands any still running back to the queue (retried later) and closes the pool.
   */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const boss = this.boss;
    if (!boss) return;
    this.boss = undefined;
    this.starting = undefined;
    for (const registration of this.registrations) registration.workerIds = [];
    const timeout = this.options.stopTimeoutMs ?? 10_000;
    await boss.stop({ graceful: true, wait: true, close: true, timeout });
    // pg-boss stops each worker once its running batch returns, and checks for that on a timer of its
    // own; stop() returns only when no batch runs, so nothing of the queue outlives it.
    if (this.running.size) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((resolve) => (timer = setTimeout(resolve, timeout))),
      ]);
      clearTimeout(timer);
    }
  }

  /** Adds a job; its id, or null when a singleton key or throttle window already holds one. */
  async send<P extends object>(queue: QueueDefinition<P>, payload: P, options: SendOptions = {}): Promise<string | null> {
    const boss = this.requireStarted();
    await this.ensureQueue(boss, queue as QueueDefinition<object>);
    const startAfter = options.startAt ?? (options.delaySeconds ? options.delaySeconds : undefined);
    const sendOptions: PgBoss.SendOptions = {
      startAfter,
      singletonKey: options.singletonKey,
      singletonSeconds: options.throttleSeconds,
      db: options.transaction ? transactionDb(options.transaction) : undefined,
    };
    const id = await boss.send(queue.name, payload, sendOptions);
    // Due now and handled here: wake the workers instead of waiting for their next poll.
    if (id && !startAfter && !options.transaction) this.wake(boss, queue.name);
    return id;
  }

  /**
   * For a 'short' queue (one waiting job per key): adds the job, or, when one
   * already waits under the key, moves it earlier to `startAt` if it was due later.
   * So a key's waiting job always runs at the earliest time anyone asked for.
   */
  async sendOrHasten<P extends object>(queue: QueueDefinition<P>, payload: P, options: { singletonKey: string; startAt?: Date }): Promise<void> {
    if (queue.policy !== 'short') throw new Error(`queue ${queue.name}: sendOrHasten needs the 'short' policy`);
    const id = await this.send(queue, payload, { singletonKey: options.singletonKey, startAt: options.startAt });
    if (id) return;
    await this.requireStarted()
      .getDb()
      .executeSql(
        `UPDATE ${this.schema}.job SET start_after = LEAST(start_after, $3::timestamptz)
         WHERE name = $1 AND singleton_key = $2 AND state = 'created'`,
        [queue.name, options.singletonKey, (options.startAt ?? new Date()).toISOString()],
      );
  }

  /**
   * How long until the queue's waiting job due last may start, in
   * milliseconds by the database's clock (no job starts before its
   * start_after); null when no job waits. Negative: it is due already.
   */
  async waitingStartsIn(queue: QueueDefinition<object>): Promise<number | null> {
    const [row] = await this.query<{ ms: number | null }>(
      `SELECT (extract(epoch FROM max(start_after) - now()) * 1000)::float8 AS ms FROM ${this.schema}.job WHERE name = $1 AND state = 'created'`,
      [queue.name],
    );
    return row?.ms ?? null;
  }

  /** A job's state as pg-boss sees it ('created', 'retry', 'active', 'completed', 'cancelled', 'failed'); null when unknown. */
  async jobState(queue: QueueDefinition<object>, id: string): Promise<string | null> {
    const job = await this.requireStarted().getJobById(queue.name, id, { includeArchive: true });
    return job?.state ?? null;
  }

  /** Runs SQL on pg-boss's pool (tests and operators' tools: the jobs a queue holds). */
  async query<T>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.requireStarted().getDb().executeSql(text, values)).rows as T[];
  }

  /** pg-boss's schema, for such queries. */
  get schemaName(): string {
    return this.schema;
  }

  private async doStart(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.options.url,
      schema: this.schema,
      max: this.options.poolSize ?? 4,
      application_name: 'parley-jobs',
      // Cron schedules are not used (yet); a repeating job schedules its next run itself.
      schedule: false,
      // Expiry of stuck attempts and archiving of finished jobs.
      supervise: true,
      migrate: true,
    });
    boss.on('error', (error: Error & { queue?: string }) => this.options.logger?.warn({ err: error.message, queue: error.queue }, 'job queue'));
    await boss.start();
    try {
      await this.ensureQueues(boss, [...this.queues.values()]);
      for (const registration of this.registrations) await this.startWorkers(boss, registration);
    } catch (error) {
      await boss.stop({ graceful: false, close: true }).catch(() => undefined);
      throw error;
    }
    this.boss = boss;
  }

  private readonly created = new WeakMap<PgBoss, Set<string>>();

  /**
   * The declared queues at start: one read of pg-boss's queue table, then a
   * write only for a queue that is missing or whose settings differ. A restart
   * with nothing changed writes nothing (pg-boss's updateQueue would rewrite
   * every row, and take its lock, at every start of every instance).
   */
  private async ensureQueues(boss: PgBoss, queues: QueueDefinition<object>[]): Promise<void> {
    const existing = new Map((await boss.getQueues()).map((row) => [row.name, row]));
    const created = this.createdOn(boss);
    for (const queue of queues) {
      const row = existing.get(queue.name);
      if (row && sameSettings(row, queueSettings(queue))) created.add(queue.name);
      else await this.ensureQueue(boss, queue);
    }
  }

  private createdOn(boss: PgBoss): Set<string> {
    let created = this.created.get(boss);
    if (!created) this.created.set(boss, (created = new Set()));
    return created;
  }

  /** pg-boss 10 sends only to queues that exist (each is a partition of its job table). */
  private async ensureQueue(boss: PgBoss, queue: QueueDefinition<object>): Promise<void> {
    const created = this.createdOn(boss);
    if (created.has(queue.name)) return;
    this.queues.set(queue.name, queue);
    const settings = queueSettings(queue);
    // Instances starting together race to create a queue (PostgreSQL may pick one as a deadlock's
    // victim): the loser looks again and finds the winner's.
    for (let attempt = 1; ; attempt++) {
      try {
        const row = await boss.getQueue(queue.name);
        if (!row) await boss.createQueue(queue.name, settings);
        else if (!sameSettings(row, settings)) await boss.updateQueue(queue.name, settings);
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
      }
    }
    created.add(queue.name);
  }

  private async startWorkers(boss: PgBoss, registration: Registration): Promise<void> {
    const { queue, options } = registration;
    await this.ensureQueue(boss, queue);
    const workOptions = {
      batchSize: options.batchSize ?? 1,
      includeMetadata: true as const,
      pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2,
    };
    for (let i = 0; i < (options.workers ?? 1); i++) {
      let id = '';
      id = await boss.work<object>(queue.name, workOptions, async (jobs) => {
        // Each job settles on its own; pg-boss's own completion of the batch afterwards finds nothing left active.
        const batch = Promise.all(jobs.map((job) => this.runOne(boss, registration, job)));
        this.running.add(batch);
        await batch.finally(() => this.running.delete(batch));
        // A full batch means more may be due: fetch again at once instead of after the polling interval.
        if (jobs.length === workOptions.batchSize) boss.notifyWorker(id);
      });
      registration.workerIds.push(id);
    }
  }

  private async runOne(boss: PgBoss, registration: Registration, job: PgBoss.JobWithMetadata<object>): Promise<void> {
    const { queue, handler } = registration;
    try {
      await handler(job.data, { id: job.id, queue: queue.name, retryCount: job.retryCount });
    } catch (error) {
      await this.fail(boss, queue, job.id, error);
      return;
    }
    await boss.complete(queue.name, job.id).catch((error: Error) => this.options.logger?.warn({ err: error.message, queue: queue.name }, 'job completion'));
  }

  /** Fails an attempt (pg-boss schedules the retry), then holds the wait to the queue's maxDelaySeconds. */
  private async fail(boss: PgBoss, queue: QueueDefinition<object>, id: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.options.logger?.warn({ err: message, queue: queue.name, job: id }, 'job attempt failed');
    try {
      await boss.fail(queue.name, id, { message });
      const cap = queue.retry.maxDelaySeconds;
      if (cap !== undefined) {
        await boss.getDb().executeSql(
          `UPDATE ${this.schema}.job SET start_after = LEAST(start_after, now() + make_interval(secs => $3))
           WHERE name = $1 AND id = $2 AND state = 'retry'`,
          [queue.name, id, cap],
        );
      }
    } catch (failure) {
      // The attempt stays active; pg-boss's expiry (expireInSeconds) gives it back to the queue.
      this.options.logger?.warn({ err: (failure as Error).message, queue: queue.name, job: id }, 'job failure not recorded');
    }
  }

  private wake(boss: PgBoss, queueName: string): void {
    for (const registration of this.registrations) {
      if (registration.queue.name === queueName) for (const id of registration.workerIds) boss.notifyWorker(id);
    }
  }

  private requireStarted(): PgBoss {
    if (!this.boss) throw new Error('the job queue is not started');
    return this.boss;
  }
}

/** A queue's settings as pg-boss stores them. */
function queueSettings(queue: QueueDefinition<object>): PgBoss.Queue {
  return {
    name: queue.name,
    policy: queue.policy,
    retryLimit: queue.retry.limit,
    retryDelay: Math.ceil(queue.retry.delaySeconds),
    retryBackoff: queue.retry.backoff ?? false,
    expireInSeconds: queue.expireInSeconds,
  };
}

/** Whether the stored queue already has these settings (the ones Parley sets; pg-boss's own defaults are left alone). */
export function sameSettings(stored: Partial<PgBoss.Queue>, wanted: PgBoss.Queue): boolean {
  return (
    stored.policy === wanted.policy &&
    stored.retryLimit === wanted.retryLimit &&
    stored.retryDelay === wanted.retryDelay &&
    Boolean(stored.retryBackoff) === Boolean(wanted.retryBackoff) &&
    stored.expireInSeconds === wanted.expireInSeconds
  );
}

/** pg-boss's statements on a TypeORM transaction's connection. */
function transactionDb(runner: QueryRunner): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => ({ rows: (await runner.query(text, values, true)).records as unknown[] }),
  };
}
