import { createTestDatabase, type TestDatabase } from '@parley/api/testing';
import { types as pgTypes } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { parseTimestamptz } from './timestamptz';

const postgresDate = pgTypes.getTypeParser(1184, 'text') as (text: string) => unknown;

// Whole, fractional, pre-1970, DST edges, the ends of the fast path, and what it leaves to pg's parser.
const VALUES = [
  '2026-11-30 17:08:44.291+00',
  '2026-11-30 17:08:44.29+00',
  '2026-11-30 17:08:44.2+00',
  '2026-11-30 17:08:44+00',
  '2026-03-08 06:59:59.999+00',
  '2026-03-08 07:00:00.001+00',
  '2026-10-25 01:30:00+00',
  '1969-12-31 23:59:59.999+00',
  '1960-01-01 00:00:00.123456+00',
  '1900-01-01 00:00:00+00',
  '1000-01-01 00:00:00+00',
  '9999-12-31 23:59:59.999+00',
  '0099-06-01 12:00:00+00',
  '0044-03-15 12:00:00+00 BC',
];
const ZONES = ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham', 'Asia/Kathmandu', 'America/New_York', 'Africa/Monrovia', 'Etc/GMT+12'];

describe('timestamptz from PostgreSQL', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('parley_timestamptz');
    dataSource = createDataSource({ url: database.url, entities: [], poolSize: 2 });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it.each(ZONES)('reads every value as the instant PostgreSQL means, in session time zone %s', async (zone) => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SET TIME ZONE '${zone}'`);
      const rows: Array<{ value: Date | number; text: string; ms: number | null }> = await runner.query(
        `SELECT v AS value, v::text AS text,
                CASE WHEN isfinite(v) THEN floor(extract(epoch FROM v) * 1000)::float8 END AS ms
           FROM unnest($1::timestamptz[]) AS v
         UNION ALL SELECT now(), now()::text, floor(extract(epoch FROM now()) * 1000)::float8
         UNION ALL SELECT 'infinity', 'infinity', NULL
         UNION ALL SELECT '-infinity', '-infinity', NULL`,
        [VALUES],
      );
      expect(rows).toHaveLength(VALUES.length + 3);
      for (const { value, text, ms } of rows) {
        const parsed = parseTimestamptz(text);
        // The pool's parser, pg's own and PostgreSQL's epoch all agree.
        expect([text, asNumber(value)]).toEqual([text, asNumber(parsed)]);
        expect([text, asNumber(parsed)]).toEqual([text, asNumber(postgresDate(text))]);
        if (ms !== null) expect([text, asNumber(parsed)]).toEqual([text, ms]);
      }
    } finally {
      await runner.release();
    }
  });
});

const asNumber = (value: unknown) => (value instanceof Date ? value.getTime() : value);
