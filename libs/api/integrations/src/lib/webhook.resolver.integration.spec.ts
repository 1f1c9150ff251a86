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
import { WebhookResolver } from './webhook.resolver';
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
    return guardRootFields(
      await buildSchema({
        resolvers: [WebhookResolver],
        container: { get: () => resolver },
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
    ];
    const before = await count();
    for (const [source, variables] of operations) {
      expect([source, codes(await run(agent, source, variables))]).toEqual([source, ['FORBIDDEN']]);
      expect([source, codes(await run(customer, source, variables))]).toEqual([source, ['FORBIDDEN']]);
      expect([source, codes(await run(null, source, variables))]).toEqual([source, ['UNAUTHENTICATED']]);
    }
    expect(await count()).toBe(before);
  });

  it('says what is wrong with bad input, and writes nothing', async () => {
    const before = await count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'ftp://example.com/', events: ['chat.created'] }, 'url'],
      [{ url: 'not a url', events: ['chat.created'] }, 'url'],
      [{ url: 'https://user:pw@example.com/', events: ['chat.created'] }, 'url'],
      [{ url: `https://example.com/${'x'.repeat(2001)}`, events: ['chat.created'] }, 'url'],
      [{ url: 'http://127.0.0.1:9/', events: [] }, 'events'],
      [{ url: 'http://127.0.0.1:9/', events: ['chat.created', 'note.created'] }, 'events'],
    ];
    for (const [variables, field] of cases) {
      const result = await run(admin, CREATE, variables);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect((result.errors?.[0].extensions['fields'] as Array<{ field: string }>).map((f) => f.field)).toContain(field);
    }
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
});
