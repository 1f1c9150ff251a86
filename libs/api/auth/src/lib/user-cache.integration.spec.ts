import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LocalPubSub, RedisPubSub, type PubSub, type RequestContext } from '@parley/api/core';
import { createDataSource, runMigrations } from '@parley/api/database';
import { createTestDatabase, until, type TestDatabase } from '@parley/api/testing';
import type { AuthTopics } from './session.service';
import { userCacheOf } from './user-cache';
import { userOf } from './user.loader';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

let database: TestDatabase;
const dataSources: DataSource[] = [];

/** One instance's connections: its own data source, so its own user cache. */
async function instance(pubsub: PubSub<AuthTopics>): Promise<DataSource> {
  const db = createDataSource({ url: database.url, entities: [], poolSize: 2 });
  await db.initialize();
  dataSources.push(db);
  userCacheOf(db).listen(pubsub);
  return db;
}

/** A subscriber's context for one event: its loaders are its own (as graphql-ws gives every event). */
const eventContext = (): RequestContext => ({ viewer: null, requestId: randomUUID() });
const nameOf = async (db: DataSource, id: string) => (await userOf(eventContext(), db, id))?.displayName;

async function addUser(db: DataSource, displayName: string): Promise<string> {
  const id = randomUUID();
  await db.query(`INSERT INTO users (id, email, "emailLower", "displayName", role, "passwordHash") VALUES ($1, $2, $2, $3, 'AGENT', 'x')`, [
    id,
    `${id}@parley.test`,
    displayName,
  ]);
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase('parley_user_cache');
  const db = createDataSource({ url: database.url, entities: [] });
  await db.initialize();
  await runMigrations(db);
  await db.destroy();
});

afterAll(async () => {
  for (const db of dataSources) {
    userCacheOf(db).close();
    await db.destroy();
  }
  await database?.drop();
});

/** Two instances: each reads a user once for all its subscribers, and forgets them when either changes them. */
async function twoInstances(a: DataSource, b: DataSource, pubsubOfA: PubSub<AuthTopics>): Promise<void> {
  const id = await addUser(a, 'Alex');
  expect(await nameOf(a, id)).toBe('Alex');
  expect(await nameOf(b, id)).toBe('Alex');
  // Changed behind the caches' backs: the next events' subscribers get what each instance read once, no new read.
  await a.query(`UPDATE users SET "displayName" = 'Alexandra' WHERE id = $1`, [id]);
  for (let i = 0; i < 3; i++) {
    expect(await nameOf(a, id)).toBe('Alex');
    expect(await nameOf(b, id)).toBe('Alex');
  }
  // Changed through A (a visitor's name, say): A forgets at once, B when the event arrives.
  await userCacheOf(a).changed(id);
  expect(await nameOf(a, id)).toBe('Alexandra');
  await until(async () => (await nameOf(b, id)) === 'Alexandra');

  // Access taken away (deactivation): every instance forgets.
  await a.query(`UPDATE users SET "displayName" = 'Al', active = false WHERE id = $1`, [id]);
  await pubsubOfA.publish('accessRevoked', 'all', { userId: id });
  await until(async () => (await nameOf(a, id)) === 'Al' && (await nameOf(b, id)) === 'Al');
}

describe("the instance's user cache (Message.sender and the other user fields)", () => {
  it('without REDIS_URL: forgets on every change heard in the process', async () => {
    const pubsub = new LocalPubSub<AuthTopics>();
    await twoInstances(await instance(pubsub), await instance(pubsub), pubsub);
  });

  it('with REDIS_URL: two instances hear each other', async () => {
    const prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
    const pubsubs = [new RedisPubSub<AuthTopics>(REDIS_URL, { prefix }), new RedisPubSub<AuthTopics>(REDIS_URL, { prefix })];
    try {
      const [a, b] = [await instance(pubsubs[0]), await instance(pubsubs[1])];
      await Promise.all(pubsubs.map((p) => p.ready('userChanged', 'all')));
      await Promise.all(pubsubs.map((p) => p.ready('accessRevoked', 'all')));
      await twoInstances(a, b, pubsubs[0]);
    } finally {
      for (const db of dataSources.splice(0)) {
        userCacheOf(db).close();
        await db.destroy();
      }
      await Promise.all(pubsubs.map((p) => p.close()));
    }
  });

  it('keeps nothing from a read that began before a change', () => {
    const cache = userCacheOf(createDataSource({ url: database.url, entities: [] }));
    const keep = cache.reading();
    cache.forget('someone');
    keep([{ id: 'someone', displayName: 'Old', role: 'AGENT' as never, createdAt: new Date(), email: 'old@parley.test' }]);
    expect(cache.get('someone')).toBeUndefined();
    const keepNow = cache.reading();
    keepNow([{ id: 'someone', displayName: 'New', role: 'AGENT' as never, createdAt: new Date(), email: 'new@parley.test' }]);
    expect(cache.get('someone')?.displayName).toBe('New');
  });
});
