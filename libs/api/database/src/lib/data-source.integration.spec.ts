import { createTestDatabase, type TestDatabase } from '@parley/api/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';

interface PgPool {
  options: { idleTimeoutMillis?: number };
  totalCount: number;
  idleCount: number;
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
    const pool = (dataSource.driver as unknown as { master: PgPool }).master;
    expect(pool.totalCount).toBe(4);
    expect(pool.idleCount).toBe(4);
    // pg-pool closes an idle connection after idleTimeoutMillis (10 s when unset); 0 is its "never".
    expect(pool.options.idleTimeoutMillis).toBe(0);
    const [{ open }] = await dataSource.query(
      `SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'parley-pool-test'`,
    );
    expect(open).toBe(4);
  });
});
