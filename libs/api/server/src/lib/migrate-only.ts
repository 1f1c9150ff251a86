import type { Config } from '@parley/api/config';
import { createDataSource, runMigrations } from '@parley/api/database';
import type { Logger } from './logger';
import { ENTITIES } from './server';

/**
 * MIGRATE_ONLY=true: apply pending migrations to DATABASE_URL and return, for a
 * deployment's one-off migration job (instances also migrate at start, under
 * the same advisory lock, so the two never collide).
 */
export async function migrateOnly(config: Config, logger: Logger): Promise<string[]> {
  if (!config.databaseUrl) throw new Error('MIGRATE_ONLY needs DATABASE_URL (the embedded store migrates at start)');
  const dataSource = createDataSource({ url: config.databaseUrl, entities: ENTITIES });
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    logger.info({ migrations: applied }, applied.length ? 'migrations applied' : 'database already up to date');
    return applied;
  } finally {
    await dataSource.destroy();
  }
}
