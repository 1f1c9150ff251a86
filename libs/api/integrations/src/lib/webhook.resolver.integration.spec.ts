import { randomBytes, randomUUID } from 'node:crypto';
import { graphql, type GraphQLError, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@parley/api/testing';
import { formatError, guardRootFields, LocalPubSub, Role, roleAuthChecker, type RequestContext, type Viewer } from '@parley/api/core';
import { createDataSource, runMigrations } from '@parley/api/database';
import { AddressGuard } from './address-guard';
import { WebhookRepository } from './webhook.repository';
import { WebhookFieldResolver, WebhookResolver } from './webhook.resolver';
import { WebhookService } from './webhook.service';
import { WebhookSubscriptions, type WebhookTopics } from './webhook.subscriptions';
import { SecretBox } from './secret-box';

const secrets = new SecretBox(randomBytes(32));

// A fresh, migrated database per file: slow on a busy machine, whichever Jest config runs it.
jest.setTimeout(60_000);

/**
 * The webhook operations in a schema of their own (the server's schema takes
 * them once the whole integrations part, email included, is built), run in
 * process against a real, migrated PostgreSQL.
 */
describe('the webhook operations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let schema: GraphQLSchema;
  let productionSchema: GraphQLSchema;
  let admin: Viewer;
  let agent: Viewer;
  let customer: Viewer;

  const build = async (production: boolean) => {
    const repository = new WebhookRepository(dataSource, secrets);
    const subscriptions = new WebhookSubscriptions(repository, new LocalPubSub<WebhookTopics>());
    const service = new WebhookService(repository, subscriptions, new AddressGuard(production), production);
    const resolver = new WebhookResolver(service);
    const fields = new WebhookFieldResolver(service);
    return guardRootFields(
      await buildSchema({
        resolvers: [WebhookResolver, WebhookFieldResolver],
        container: { get: (type) => (type === WebhookFieldResolver ? fields : resolver) },
        authChecker: roleAuthChecker,
        scalarsMap: [{ type: Date, scalar: DateTimeISOResolver }],
        pubSub: { publish: () => undefined, subscribe: () => { throw new Error('unused'); } },
      }),
    );
  };
  const run = (viewer: Viewer | null, source: string, variableValues: Record<string, unknown> = {}, on = schema) =>
    graphql({ schema: on, source, variableValues, contextValue: { viewer, requestId: 'test' } satisfies RequestContext });
  // As a client sees them: through the server's one error formatter.
  const codes = (result: { errors?: readonly GraphQLError[] }) => (result.errors ?? []).map((e) => formatError(e.toJSON(), e).extensions?.['code']);
  const addUser = async (role: Role): Promise<Viewer> => {
    const id = randomUUID();
    await dataSource.query(`INSERT INTO users (id, email, "emailLower", "displayName", role, "passwordHash") VALUES ($1, $2, $2, 'Someone', $3, 'x')`, [
      id,
      `${id}@parley.test`,
      role,
    ]);
    return { id, role, expiresAt: Math.floor(Date.now() / 1000) + 3600 };
  };
  const CREATE = `mutation($url: String!, $events: [String!]!) { createWebhook(url: $url, events: $events) { secret webhook { id url events active createdAt } } }`;
  const count = async () => Number((await dataSource.query(`SELECT count(*) AS n FROM webhooks`))[0].n);

  beforeAll(async () => {
    database = await createTestDatabase('parley_webhooks_gql');
    dataSource = createDataSource({ url: database.url, entities: [], poolSize: 4 });
    await dataSource.initialize();
    await runMigrations(dataSource);
    schema = await build(false);
    productionSchema = await build(true);
    admin = await addUser(Role.ADMIN);
    agent = await addUser(Role.AGENT);
    customer = await addUser(Role.CUSTOMER);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('lets admins create a webhook and shows its secret once: whsec_ and the base64 of 32 bytes', async () => {
    const created = await run(admin, CREATE, { url: 'http://127.0.0.1:9/hook', events: ['chat.created', 'message.created', 'message.created'] });
    expect(created.errors).toBeUndefined();
    const { secret, webhook } = (created.data as any).createWebhook;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(webhook).toMatchObject({ url: 'http://127.0.0.1:9/hook', events: ['chat.created', 'message.created'], active: true });
    const listed = await run(admin, `{ webhooks { id url events active } }`);
    expect((listed.data as any).webhooks).toContainEqual({ id: webhook.id, url: webhook.url, events: webhook.events, active: true });
    // The secret is never shown again: no field of Webhook holds it.
    expect(JSON.stringify(listed.data)).not.toContain(secret.slice(6, 20));
    const log = await run(admin, `query($id: ID!) { webhookDeliveries(webhookId: $id, first: 5) { id } }`, { id: webhook.id });
    expect((log.data as any).webhookDeliveries).toEqual([]);
    expect((await run(admin, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: webhook.id })).data).toEqual({ deleteWebhook: true });
    expect(codes(await run(admin, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: webhook.id }))).toEqual(['NOT_FOUND']);
  });

  it('refuses everyone but admins, in every operation', async () => {
    const [{ id }] = await dataSource.query(`INSERT INTO webhooks (id, url, events, secret) VALUES ($1, 'http://127.0.0.1:9/', '{chat.created}', 'whsec_x') RETURNING id`, [
      randomUUID(),
    ]);
    const operations: Array<[string, Record<string, unknown>]> = [
      [`{ webhooks { id } }`, {}],
      [`query($id: ID!) { webhookDeliveries(webhookId: $id) { id } }`, { id }],
      [CREATE, { url: 'http://127.0.0.1:9/', events: ['chat.created'] }],
      [`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id }],
      [`mutation($id: ID!) { updateWebhook(id: $id, active: false) { id } }`, { id }],
      [`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, { id }],
    ];
    const before = await count();
    for (const [source, variables] of operations) {
      expect([source, codes(await run(agent, source, variables))]).toEqual([source, ['FORBIDDEN']]);
      expect([source, codes(await run(customer, source, variables))]).toEqual([source, ['FORBIDDEN']]);
      expect([source, codes(await run(null, source, variables))]).toEqual([source, ['UNAUTHENTICATED']]);
    }
    expect(await count()).toBe(before);
  });

  describe('lastDelivery', () => {
    const LIST = `{ webhooks { id lastDelivery { id messageId event status attempts deliveredAt createdAt } } }`;
    const addDelivery = async (webhookId: string, event: string, createdAt: string, status: number | null) => {
      const id = randomUUID();
      await dataSource.query(
        `INSERT INTO webhook_deliveries (id, "webhookId", "chatId", "messageId", event, data, "createdAt", status, state, attempts, "deliveredAt")
         VALUES ($1, $2, $3, $4, $5, '{}', $6, $7, $8, 1, CASE WHEN $8 = 'delivered' THEN $6::timestamptz END)`,
        [id, webhookId, randomUUID(), `msg_${id.replace(/-/g, '')}`, event, createdAt, status, status === 200 ? 'delivered' : 'pending'],
      );
      return id;
    };

    it("gives each webhook's newest delivery, or null, reading the log once for the whole list", async () => {
      await dataSource.query(`DELETE FROM webhooks`);
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const created = await run(admin, CREATE, { url: `http://127.0.0.1:9/last-${i}`, events: ['chat.created'] });
        ids.push((created.data as any).createWebhook.webhook.id);
      }
      await addDelivery(ids[0], 'chat.created', '2026-01-01T10:00:00.000Z', 200);
      const newest = await addDelivery(ids[0], 'chat.updated', '2026-01-01T11:00:00.000Z', 500);
      const only = await addDelivery(ids[1], 'message.created', '2026-01-02T09:30:00.000Z', 200);
      await addDelivery(ids[2], 'chat.created', '2026-01-01T08:00:00.000Z', null);
      const pool = (dataSource.driver as any).master as { query: (...args: unknown[]) => unknown };
      const original = pool.query;
      const logged: string[] = [];
      pool.query = function (this: unknown, ...args: unknown[]) {
        const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
        if (typeof text === 'string' && text.includes('webhook_deliveries')) logged.push(text);
        return original.apply(this, args as never);
      };
      let listed;
      try {
        listed = await run(admin, LIST);
      } finally {
        pool.query = original;
      }
      expect(listed.errors).toBeUndefined();
      const byId = new Map(((listed.data as any).webhooks as Array<{ id: string; lastDelivery: any }>).map((w) => [w.id, w.lastDelivery]));
      expect(byId.get(ids[0])).toMatchObject({ id: newest, event: 'chat.updated', status: 500, attempts: 1, deliveredAt: null, createdAt: '2026-01-01T11:00:00.000Z' });
      expect(byId.get(ids[1])).toMatchObject({ id: only, status: 200, deliveredAt: '2026-01-02T09:30:00.000Z' });
      expect(byId.get(ids[2])).toMatchObject({ status: null, event: 'chat.created' });
      expect(byId.get(ids[3])).toBeNull();
      // one statement for four webhooks, not one each
      expect(logged).toHaveLength(1);
      // the same as the log's first entry
      const log = await run(admin, `query($id: ID!) { webhookDeliveries(webhookId: $id, first: 1) { id } }`, { id: ids[0] });
      expect((log.data as any).webhookDeliveries).toEqual([{ id: newest }]);
    });

    it('is for admins only: an agent or a customer sees no webhook and no delivery', async () => {
      const created = await run(admin, CREATE, { url: 'http://127.0.0.1:9/last-hidden', events: ['chat.created'] });
      const id = (created.data as any).createWebhook.webhook.id;
      await addDelivery(id, 'chat.created', '2026-01-03T10:00:00.000Z', 200);
      for (const viewer of [agent, customer]) {
        const result = await run(viewer, LIST);
        expect(codes(result)).toEqual(['FORBIDDEN']);
        expect(result.data).toBeNull();
      }
      expect(codes(await run(null, LIST))).toEqual(['UNAUTHENTICATED']);
      // the batch the field reads through refuses them too
      const repository = new WebhookRepository(dataSource, secrets);
      const service = new WebhookService(repository, new WebhookSubscriptions(repository, new LocalPubSub<WebhookTopics>()), new AddressGuard(false), false);
      await expect(service.lastDeliveries(agent, [id])).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect((await service.lastDeliveries(admin, [id])).get(id)).toMatchObject({ event: 'chat.created', status: 200 });
    });
  });

  it('says what is wrong with bad input, and writes nothing', async () => {
    const before = await count();
    // each with a stable reason a client words in its own language
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ url: 'ftp://example.com/', events: ['chat.created'] }, 'url', 'notHttp'],
      [{ url: 'not a url', events: ['chat.created'] }, 'url', 'notUrl'],
      [{ url: 'https://user:pw@example.com/', events: ['chat.created'] }, 'url', 'credentials'],
      [{ url: 'https://example.com/#top', events: ['chat.created'] }, 'url', 'fragment'],
      [{ url: `https://example.com/${'x'.repeat(2001)}`, events: ['chat.created'] }, 'url', 'tooLong'],
      [{ url: 'http://127.0.0.1:9/', events: [] }, 'events', 'none'],
      [{ url: 'http://127.0.0.1:9/', events: ['chat.created', 'note.created'] }, 'events', 'unknown'],
    ];
    for (const [variables, field, reason] of cases) {
      const result = await run(admin, CREATE, variables);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions['fields']).toContainEqual({ field, reason, message: expect.any(String) });
    }
    const refused = await run(admin, CREATE, { url: 'https://10.0.0.1/hook', events: ['chat.created'] }, productionSchema);
    expect(refused.errors?.[0].extensions['fields']).toEqual([{ field: 'url', reason: 'privateAddress', message: expect.any(String) }]);
    expect(codes(await run(admin, `query($id: ID!) { webhookDeliveries(webhookId: $id, first: 0) { id } }`, { id: randomUUID() }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(admin, `query($id: ID!) { webhookDeliveries(webhookId: $id) { id } }`, { id: randomUUID() }))).toEqual(['NOT_FOUND']);
    expect(codes(await run(admin, `mutation { deleteWebhook(id: "nope") }`))).toEqual(['NOT_FOUND']);
    expect(await count()).toBe(before);
  });

  it('in production takes only https URLs of public hosts: loopback, private and link-local ones are refused', async () => {
    const before = await count();
    for (const url of [
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://[::1]/hook',
      'https://10.0.0.1/hook',
      'https://192.168.0.10/hook',
      'https://172.20.1.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://0x7f000001/hook',
      'https://2130706433/hook',
      'https://0.0.0.0/hook',
      'http://93.184.215.14/hook',
    ]) {
      const result = await run(admin, CREATE, { url, events: ['chat.created'] }, productionSchema);
      expect([url, codes(result)]).toEqual([url, ['BAD_USER_INPUT']]);
    }
    expect(await count()).toBe(before);
    const ok = await run(admin, CREATE, { url: 'https://93.184.215.14/hook', events: ['chat.created'] }, productionSchema);
    expect(ok.errors).toBeUndefined();
  });

  describe('updateWebhook and rotateWebhookSecret', () => {
    const UPDATE = `mutation($id: ID!, $url: String, $events: [String!], $active: Boolean) {
      updateWebhook(id: $id, url: $url, events: $events, active: $active) { id url events active } }`;
    const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { id url active } } }`;
    const sealedOf = async (id: string) => (await dataSource.query(`SELECT "secretSealed" AS s FROM webhooks WHERE id = $1`, [id]))[0].s as string;
    const create = async (on = schema) => (await run(admin, CREATE, { url: 'https://93.184.215.14/in', events: ['chat.created'] }, on)).data as any;

    it('changes what is given and keeps the rest: the URL, the events, paused and active again', async () => {
      const { webhook } = (await create()).createWebhook;
      const moved = await run(admin, UPDATE, { id: webhook.id, url: 'http://127.0.0.1:9/other', events: ['chat.updated', 'chat.rated', 'chat.rated'] });
      expect(moved.errors).toBeUndefined();
      expect((moved.data as any).updateWebhook).toEqual({ id: webhook.id, url: 'http://127.0.0.1:9/other', events: ['chat.updated', 'chat.rated'], active: true });
      const paused = await run(admin, UPDATE, { id: webhook.id, active: false });
      expect((paused.data as any).updateWebhook).toEqual({ id: webhook.id, url: 'http://127.0.0.1:9/other', events: ['chat.updated', 'chat.rated'], active: false });
      expect((await run(admin, `{ webhooks { id active } }`)).data!['webhooks']).toContainEqual({ id: webhook.id, active: false });
      const resumed = await run(admin, UPDATE, { id: webhook.id, active: true });
      expect((resumed.data as any).updateWebhook.active).toBe(true);
    });

    it('checks the URL and events as registration does (in production: no private address), and changes nothing when refused', async () => {
      const { webhook } = (await create(productionSchema)).createWebhook;
      const cases: Array<[Record<string, unknown>, string, GraphQLSchema]> = [
        [{ url: 'ftp://example.com/' }, 'url', schema],
        [{ url: 'https://user:pw@example.com/' }, 'url', schema],
        [{ events: [] }, 'events', schema],
        [{ events: ['note.created'] }, 'events', schema],
        [{ url: 'https://169.254.169.254/latest/meta-data', active: false }, 'url', productionSchema],
        [{ url: 'https://10.0.0.1/hook' }, 'url', productionSchema],
        [{ url: 'http://93.184.215.14/hook' }, 'url', productionSchema],
      ];
      for (const [variables, field, on] of cases) {
        const result = await run(admin, UPDATE, { id: webhook.id, ...variables }, on);
        expect([variables, codes(result)]).toEqual([variables, ['BAD_USER_INPUT']]);
        expect((result.errors?.[0].extensions['fields'] as Array<{ field: string }>).map((f) => f.field)).toContain(field);
      }
      const [row] = await dataSource.query(`SELECT url, events, active FROM webhooks WHERE id = $1`, [webhook.id]);
      expect(row).toEqual({ url: 'https://93.184.215.14/in', events: ['chat.created'], active: true });
      expect(codes(await run(admin, UPDATE, { id: randomUUID(), active: false }))).toEqual(['NOT_FOUND']);
      expect(codes(await run(admin, UPDATE, { id: 'nope', active: false }))).toEqual(['NOT_FOUND']);
    });

    it('rotates the signing secret: a new one shown once, sealed in place of the old', async () => {
      const { webhook, secret } = (await create()).createWebhook;
      const before = await sealedOf(webhook.id);
      const rotated = await run(admin, ROTATE, { id: webhook.id });
      expect(rotated.errors).toBeUndefined();
      const next = (rotated.data as any).rotateWebhookSecret;
      expect(next.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
      expect(next.secret).not.toBe(secret);
      expect(next.webhook).toEqual({ id: webhook.id, url: webhook.url, active: true });
      const after = await sealedOf(webhook.id);
      expect(after).not.toBe(before);
      expect(secrets.open(after, webhook.id)).toBe(next.secret);
      expect(codes(await run(admin, ROTATE, { id: randomUUID() }))).toEqual(['NOT_FOUND']);
    });
  });

  it('seals again with the current key what an earlier key sealed, and opens the rest only with keys it knows', async () => {
    const oldMaterial = randomBytes(32);
    const oldRepository = new WebhookRepository(dataSource, new SecretBox(oldMaterial));
    const created = await oldRepository.create({ url: 'http://127.0.0.1:9/old', events: ['chat.created'], secret: 'whsec_b2xk', createdById: admin.id });
    const newMaterial = randomBytes(48);
    const rotated = new WebhookRepository(dataSource, new SecretBox(newMaterial, [oldMaterial]));
    // Only the row the earlier key sealed (the others' key is neither current nor listed).
    expect(await rotated.resealWithCurrentKey()).toBe(1);
    const [row] = await dataSource.query(`SELECT "secretSealed" AS s FROM webhooks WHERE id = $1`, [created.id]);
    expect(row.s.split('.')[1]).toBe(new SecretBox(newMaterial).keyId);
    // The new key alone opens it now; the old one no longer does.
    expect(new SecretBox(newMaterial).open(row.s, created.id)).toBe('whsec_b2xk');
    expect(() => new SecretBox(oldMaterial).open(row.s, created.id)).toThrow();
    expect(await rotated.resealWithCurrentKey()).toBe(0);
  });
});
