import './tracing';
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@parley/api/config';
import { createLogger, migrateOnly, startServer } from '@parley/api/server';
import { stopTracing } from '@parley/api/observability';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (config.migrateOnly) {
    await migrateOnly(config, createLogger(config));
    process.exit(0);
  }
  const server = await startServer(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    // A signal can arrive twice (some libraries re-raise it); one shutdown is enough.
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'signal received');
    // Exit within 10 s whatever happens.
    setTimeout(() => process.exit(1), 10_000).unref();
    server.stop().then(stopTracing).then(
      () => process.exit(0),
      (error) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  console.error('Parley failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
