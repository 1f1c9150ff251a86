import type { DataSource } from 'typeorm';

// Any fixed number works; it only has to be the same for every Parley instance.
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so that a fleet
 * starting together migrates once: the others wait, then find nothing to do.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
