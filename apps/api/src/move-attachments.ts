import 'reflect-metadata';
import { loadConfig } from '@parley/api/config';
import { createDataSource, runMigrations, startEmbeddedPostgres, type EmbeddedDatabase } from '@parley/api/database';
import { moveAttachments, PostgresBlobStore, S3BlobStore } from '@parley/api/attachments';
import { ENTITIES } from '@parley/api/server';

/**
 * Moves the files of DATABASE_URL (or of the embedded store in DATA_DIR) from
 * one store to the other, with the S3_* settings of the environment. Files are
 * readable throughout; run it again after an interruption.
 * Usage: npm run attachments:move -- s3        (PostgreSQL to the bucket)
 *        npm run attachments:move -- postgres  (the bucket to PostgreSQL)
 */
async function main() {
  const to = process.argv[2];
  if (to !== 's3' && to !== 'postgres') throw new Error('usage: npm run attachments:move -- s3|postgres');
  const config = loadConfig();
  const s3Settings = config.attachments?.s3;
  if (!s3Settings) throw new Error('set S3_BUCKET (and S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY) first');
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.dataDir, () => undefined);
    url = embedded.url;
  }
  const dataSource = createDataSource({ url, entities: ENTITIES, poolSize: 2, applicationName: 'parley-move-attachments' });
  const s3 = new S3BlobStore(s3Settings);
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const postgres = new PostgresBlobStore(dataSource);
    const moved = to === 's3' ? await moveAttachments(dataSource, postgres, s3) : await moveAttachments(dataSource, s3, postgres);
    console.log(`moved ${moved} files to ${to}; set ATTACHMENT_STORE=${to} so new uploads go there too`);
  } finally {
    s3.close();
    await dataSource.destroy().catch(() => undefined);
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
