import type { Pool, QueryResultRow } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * The pg pool under TypeORM's driver (none before the data source is
 * initialized): PostgresDriver's public `master`. Statements go to it
 * directly so that each can be a named, prepared statement, which TypeORM's
 * own query() cannot send (docs/decisions/006-statements-on-the-pg-pool.md).
 */
export function pgPool(dataSource: DataSource): Pool | undefined {
  const driver = dataSource.driver;
  if (!(driver instanceof PostgresDriver)) throw new Error('Parley runs on PostgreSQL only');
  return driver.master as Pool | undefined;
}

/**
 * Plain SQL for the paths where every round trip counts (sending, paging):
 * rows back, on the given runner (inside a transaction) or on a pooled connection.
 */
export async function queryRows<T>(
  dataSource: DataSource,
  text: string,
  params: unknown[] = [],
  runner?: QueryRunner,
): Promise<T[]> {
  if (!runner) {
    // Straight to the driver's pool: one checkout per statement, without a TypeORM runner around it.
    return (await poolOf(dataSource).query<T & QueryResultRow>({ text, values: params, name: statementName(text) })).rows;
  }
  const result = await runner.query(text, params, true);
  return result.records as T[];
}

/**
 * As queryRows on a pooled connection, each row the array of its columns in
 * the statement's order: for a statement whose rows are of more than one kind
 * (a UNION ALL of differently shaped parts), which the caller takes apart.
 */
export async function queryArrays(dataSource: DataSource, text: string, params: unknown[] = []): Promise<unknown[][]> {
  return (await poolOf(dataSource).query<unknown[]>({ text, values: params, name: statementName(text), rowMode: 'array' })).rows;
}

function poolOf(dataSource: DataSource): Pool {
  const pool = pgPool(dataSource);
  if (!pool) throw new Error('the data source is not initialized');
  return pool;
}

const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 200;

/**
 * A name per distinct statement text, so each pooled connection parses and
 * plans it once (a prepared statement) instead of on every call: the send
 * statement's planning cost PostgreSQL more CPU than running it. Texts are
 * constants of the code (a few dozen); past the cap, statements stay unnamed.
 */
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_NAMED_STATEMENTS) {
    // The command first: tracing names a statement's spans after it (pg.query:SELECT-4).
    const command = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
    name = `${command}-${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

/** Thrown inside `inTransaction` to roll back and hand `value` to the caller instead of an error. */
export class RollbackWith<T> {
  constructor(readonly value: T) {}
}

/** Runs `work` in one transaction: commit on return, roll back on throw. */
export async function inTransaction<T>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      const value = await work(runner);
      await runner.commitTransaction();
      return value;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (error instanceof RollbackWith) return error.value as T;
      throw error;
    }
  } finally {
    await runner.release();
  }
}
