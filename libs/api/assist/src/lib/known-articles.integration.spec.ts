import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LocalPubSub, RedisPubSub, type PubSub } from '@parley/api/core';
import { createDataSource, runMigrations } from '@parley/api/database';
import { createTestDatabase, until, type TestDatabase } from '@parley/api/testing';
import { ArticleService } from './article.service';
import { articleChangeAnnouncer, KnownArticles, type AssistTopics } from './known-articles';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** One API instance's part: its article service, its cache, and how often the cache read the database. */
interface Instance {
  articles: ArticleService;
  known: KnownArticles;
  reads: () => number;
}

let database: TestDatabase;
let db: DataSource;

beforeAll(async () => {
  database = await createTestDatabase('parley_known_articles');
  db = createDataSource({ url: database.url, entities: [] });
  await db.initialize();
  await runMigrations(db);
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

function instance(pubsub: PubSub<AssistTopics>, now?: () => number): Instance {
  let reads = 0;
  const known: KnownArticles = new KnownArticles(
    () => {
      reads++;
      return articles.hasArticles();
    },
    pubsub,
    now,
  );
  const articles: ArticleService = new ArticleService(db, () => known.changed());
  return { articles, known, reads: () => reads };
}

/** Two instances: reads once each, and each hears the other's changes. */
async function twoInstances(a: Instance, b: Instance): Promise<void> {
  await db.query('DELETE FROM articles');
  expect(await a.known.has()).toBe(false);
  expect(await b.known.has()).toBe(false);
  for (let i = 0; i < 5; i++) await Promise.all([a.known.has(), b.known.has()]);
  expect([a.reads(), b.reads()]).toEqual([1, 1]);

  // Created on A: A knows at once, B once the event reaches it (one more read each).
  const article = await a.articles.create({ title: 'Returns', body: 'Send it back within 30 days.', tags: [] });
  expect(await a.known.has()).toBe(true);
  await until(async () => (await b.known.has()) === true);
  expect([a.reads(), b.reads()]).toEqual([2, 2]);
  for (let i = 0; i < 5; i++) await Promise.all([a.known.has(), b.known.has()]);
  expect([a.reads(), b.reads()]).toEqual([2, 2]);

  // Deleted on B: both read again and find none.
  await b.articles.delete(article.id);
  expect(await b.known.has()).toBe(false);
  await until(async () => (await a.known.has()) === false);

  // Imported on A (kb:import's path): B hears it.
  await a.articles.importArticles([{ slug: `faq-${randomBytes(3).toString('hex')}`, title: 'Shipping', body: 'Two days.', tags: [] }]);
  await until(async () => (await b.known.has()) === true);
  await db.query('DELETE FROM articles');
}

describe('whether there are articles (what startChat asks), read once per instance', () => {
  it('without REDIS_URL: the instance reads once and forgets on every change', async () => {
    const pubsub = new LocalPubSub<AssistTopics>();
    const a = instance(pubsub);
    const b = instance(pubsub);
    try {
      await twoInstances(a, b);
    } finally {
      a.known.close();
      b.known.close();
      await pubsub.close();
    }
  });

  it('with REDIS_URL: two instances on their own Redis connections hear each other', async () => {
    const prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
    const pubsubs = [new RedisPubSub<AssistTopics>(REDIS_URL, { prefix }), new RedisPubSub<AssistTopics>(REDIS_URL, { prefix })];
    const [a, b] = pubsubs.map((p) => instance(p));
    try {
      await Promise.all([a.known.ready(), b.known.ready()]);
      await twoInstances(a, b);
    } finally {
      a.known.close();
      b.known.close();
      await Promise.all(pubsubs.map((p) => p.close()));
    }
  });

  it('with REDIS_URL: kb:import, a process of its own, tells a running instance at once', async () => {
    const prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
    const pubsub = new RedisPubSub<AssistTopics>(REDIS_URL, { prefix });
    // A clock that stands still: the server never looks again by itself, so only the event can tell it.
    const server = instance(pubsub, () => 0);
    const announcer = articleChangeAnnouncer({ url: REDIS_URL, prefix });
    try {
      await server.known.ready();
      await db.query('DELETE FROM articles');
      expect(await server.known.has()).toBe(false);
      // What kb:import runs: an ArticleService of its own, announcing through its own Redis connection.
      await new ArticleService(db, () => announcer.changed()).importArticles([{ slug: `kb-${randomBytes(3).toString('hex')}`, title: 'Warranty', body: 'Two years.', tags: [] }]);
      await until(async () => (await server.known.has()) === true);
      expect(server.reads()).toBe(2);
    } finally {
      server.known.close();
      await announcer.close();
      await pubsub.close();
      await db.query('DELETE FROM articles');
    }
  });
});
