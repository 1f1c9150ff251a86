import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import { migrations } from '../migrations';
import { pgTypeParsers } from './timestamptz';

export interface DataSourceOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  poolSize?: number;
  applicationName?: string;
}

/** Silence on a pooled connection before TCP keepalive probes start. */
export const KEEPALIVE_IDLE_MS = 60_000;

/** The one TypeORM DataSource of a process: PostgreSQL through `pg`, schema only ever changed by migrations. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // Failed queries surface as errors we log ourselves; TypeORM's own log would print parameters (emails, hashes).
    logging: false,
    poolSize: options.poolSize ?? 20,
    applicationName: options.applicationName ?? 'parley',
    extra: {
      // Fail fast when the database is down instead of queueing requests forever.
      connectionTimeoutMillis: 5000,
      // Connections stay open once opened (at most poolSize). Closing idle ones meant that the first burst after
      // a quiet spell waited for new connections: a backend to start, its caches and statements to warm up,
      // several at once (stalls of 200-500 ms under load). It also spares a timer set and cleared per query.
      idleTimeoutMillis: 0,
      // Keep the process alive when an idle client's connection drops (database restart).
      allowExitOnIdle: false,
      // Connections kept open (above) go quiet between bursts: TCP keepalive probes after a minute of silence
      // keep a NAT or conntrack entry on the way from expiring, and find a peer that vanished before a query does.
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
      // timestamptz read without a regular expression per value (timestamptz.ts).
      types: pgTypeParsers,
    },
  });
}
