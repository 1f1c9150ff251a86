import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Config } from '@parley/api/config';
import { startServer, type ParleyServer } from '@parley/api/server';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestServer {
  /** http://127.0.0.1:PORT/graphql */
  graphqlUrl: string;
  /** ws://127.0.0.1:PORT/graphql */
  wsUrl: string;
  /** http://127.0.0.1:PORT */
  url: string;
  config: Config;
  server: ParleyServer;
  database: TestDatabase;
  admin: { email: string; password: string };
  /** Stops the server and restarts it on the same database and port. */
  restart(): Promise<void>;
  /** Stops the server and drops its database. */
  stop(): Promise<void>;
}

/**
 * The one harness for API tests: a fresh PostgreSQL database, the real server
 * in this process on a free loopback port, an ADMIN account ready to use.
 */
export async function startTestServer(overrides: Partial<Config> = {}, options: { logger?: pino.Logger } = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  const admin = { email: `admin-${randomBytes(3).toString('hex')}@parley.test`, password: randomBytes(12).toString('base64url') };
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.url,
    dataDir,
    jwtSecret: new Uint8Array(randomBytes(32)),
    accessTokenTtlSeconds: 900,
    adminEmail: admin.email,
    adminPassword: admin.password,
    corsOrigins: [],
    seedDemo: false,
    rateLimitScale: 0,
    trustProxy: 'loopback',
    redisPrefix: 'parley:',
    production: false,
    ...overrides,
  };
  const logger = options.logger ?? pino({ level: process.env['TEST_LOG'] ?? 'silent' });
  let server = await startServer(config, { logger });
  const harness: TestServer = {
    url: `http://127.0.0.1:${server.port}`,
    graphqlUrl: `http://127.0.0.1:${server.port}/graphql`,
    wsUrl: `ws://127.0.0.1:${server.port}/graphql`,
    config,
    server,
    database,
    admin,
    async restart() {
      const port = server.port;
      await server.stop();
      server = await startServer({ ...config, port }, { logger });
      harness.server = server;
    },
    async stop() {
      await server.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
