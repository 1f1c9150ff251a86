import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { RedisPubSub, Role, type Viewer } from '@parley/api/core';
import { createDataSource, runMigrations } from '@parley/api/database';
import { createTestDatabase, startRedis, type RedisProcess, type TestDatabase } from '@parley/api/testing';
import { AddressGuard } from './address-guard';
import { SecretBox } from './secret-box';
import { WebhookRepository } from './webhook.repository';
import { WebhookService } from './webhook.service';
import { WEBHOOK_LIST_MAX_AGE_MS, WebhookSubscriptions, type WebhookTopics } from './webhook.subscriptions';

jest.setTimeout(60_000);

/**
 * Two instances' lists of wanted events on one database and a private Redis:
 * a webhook created or deleted on one is known to the other at once, by
 * announcement, long before the slow safety-net refresh would catch it.
 */
describe('which events webhooks take, across instances', () => {
  let database: TestDatabase;
  let redis: RedisProcess;
  let dataSource: DataSource;
  const buses: RedisPubSub<WebhookTopics>[] = [];
  const lists: WebhookSubscriptions[] = [];
  let admin: Viewer;


  beforeAll(async () => {
    database = await createTestDatabase('parley_webhook_lists');
    redis = await startRedis();
    dataSource = createDataSource({ url: database.url, entities: [], poolSize: 4 });
    await dataSource.initialize();
    await runMigrations(dataSource);
    const id = randomUUID();
    await dataSource.query(`INSERT INTO users (id, email, "emailLower", "displayName", role, "passwordHash") VALUES ($1, $2, $2, 'Admin', 'ADMIN', 'x')`, [id, `${id}@parley.test`]);
    admin = { id, role: Role.ADMIN, expiresAt: Math.floor(Date.now() / 1000) + 3600 };
  });

  afterAll(async () => {
    for (const list of lists) list.stop();
    for (const bus of buses) await bus.close();
    await dataSource?.destroy();
    await redis?.stop();
    await database?.drop();
  });

  it('learns of a webhook created or deleted on another instance at once, not at the next refresh', async () => {
    expect(WEBHOOK_LIST_MAX_AGE_MS).toBeGreaterThanOrEqual(60_000);
    const prefix = `test-${randomUUID()}:`;
    const busA = new RedisPubSub<WebhookTopics>(redis.url, { prefix });
    const busB = new RedisPubSub<WebhookTopics>(redis.url, { prefix });
    buses.push(busA, busB);
    const repository = new WebhookRepository(dataSource, new SecretBox(randomBytes(32)));
    const a = new WebhookSubscriptions(repository, busA);
    const b = new WebhookSubscriptions(repository, busB);
    lists.push(a, b);
    await Promise.all([a.start(), b.start()]);
    expect(b.wants('chat.rated')).toBe(false);

    const service = new WebhookService(repository, a, new AddressGuard(false), false);
    const soon = async (check: () => boolean) => {
      const until = Date.now() + 5_000;
      while (!check()) {
        if (Date.now() > until) throw new Error('not told in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const { webhook } = await service.create(admin, 'http://127.0.0.1:9/hook', ['chat.rated']);
    expect(a.wants('chat.rated')).toBe(true);
    await soon(() => b.wants('chat.rated'));
    await service.delete(admin, webhook.id);
    expect(a.wants('chat.rated')).toBe(false);
    await soon(() => !b.wants('chat.rated'));
  });
});
