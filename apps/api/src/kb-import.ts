import 'reflect-metadata';
import { resolve } from 'node:path';
import { loadConfig } from '@parley/api/config';
import { createDataSource, runMigrations, startEmbeddedPostgres, type EmbeddedDatabase } from '@parley/api/database';
import { ArticleService, articleChangeAnnouncer, readArticleFolder } from '@parley/api/assist';
import { ENTITIES } from '@parley/api/server';

/**
 * Imports Markdown articles (front matter with title and tags) into the
 * knowledge base of DATABASE_URL, or of the embedded store in DATA_DIR (stop
 * the server first: one process at a time owns it). Importing again updates
 * the articles with the same file names. With REDIS_URL, running servers
 * hear of it at once (articlesChanged); without, within half a minute.
 * Usage: npm run kb:import -- <folder>
 */
async function main() {
  const folder = process.argv[2];
  if (!folder) throw new Error('usage: npm run kb:import -- <folder of .md files>');
  const files = readArticleFolder(resolve(folder));
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.dataDir, () => undefined);
    url = embedded.url;
  }
  const dataSource = createDataSource({ url, entities: ENTITIES, poolSize: 2, applicationName: 'parley-kb-import' });
  const announcer = articleChangeAnnouncer({ url: config.redisUrl, prefix: config.redisPrefix });
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const { created, updated } = await new ArticleService(dataSource, () => announcer.changed()).importArticles(files);
    console.log(`imported ${files.length} articles from ${folder}: ${created} new, ${updated} updated`);
  } finally {
    await announcer.close();
    await dataSource.destroy().catch(() => undefined);
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
