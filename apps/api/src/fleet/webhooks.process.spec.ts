import { createDataSource } from '@parley/api/database';
import { RedisPubSub, Role, type Viewer } from '@parley/api/core';
import { AddressGuard, SecretBox, WebhookRepository, WebhookService, WebhookSubscriptions, type WebhookTopics } from '@parley/api/integrations';
import { WebhookReceiver, type Received } from '@parley/api/integrations/testing';
import { acceptChatAt, createAgentAt, gqlOk, registerAt, SEND, startChatAt, until, type Account, type Fleet, startFleet } from '@parley/api/testing';
import type { DataSource } from 'typeorm';

// Webhooks end to end: two API processes sharing a database and a private Redis, a real HTTP receiver that
// verifies every signature with the standardwebhooks package, and webhooks registered from outside both
// instances (as an admin's request on a third one would: the instances learn of it through Redis).
let fleet: Fleet;
let dataSource: DataSource;
let pubsub: RedisPubSub<WebhookTopics>;
let subscriptions: WebhookSubscriptions;
let webhooks: WebhookService;
let admin: Viewer;
let agent: Account;
const receiver = new WebhookReceiver();
let webhookId = '';

jest.setTimeout(120_000);

const api = (n: number) => fleet.apis[n % fleet.apis.length].graphqlUrl;
const send = (n: number, who: Account, chatId: string, body: string) => gqlOk(api(n), SEND, { input: { chatId, body } }, who.token);
const close = (n: number, who: Account, chatId: string) => gqlOk(api(n), `mutation($id: ID!) { closeChat(chatId: $id) { id } }`, { id: chatId }, who.token);
const waitFor = (probe: () => boolean, ms = 60_000, what = 'deliveries') =>
  until(probe, ms, () => `${what}: ${JSON.stringify(receiver.received.map((r) => [r.type, r.data.message?.['seq'] ?? null, r.answered]))}`);
/** What an event is, in a few words: its type and, for messages, the seq. */
const label = (r: Received) => (r.data.message ? `${r.type}#${r.data.message['seq']}` : `${r.type}:${r.data.chat['status']}`);

beforeAll(async () => {
  fleet = await startFleet(2);
  dataSource = createDataSource({ url: fleet.database.url, entities: [], poolSize: 2 });
  await dataSource.initialize();
  pubsub = new RedisPubSub<WebhookTopics>(fleet.redis.url, { prefix: 'parley:' });
  // The instances' own key: derived from the deployment's JWT secret (no WEBHOOK_SECRET_KEY set).
  const repository = new WebhookRepository(dataSource, SecretBox.fromConfig({ jwtSecret: new Uint8Array(Buffer.from(fleet.settings.jwtSecret, 'utf8')) }));
  subscriptions = new WebhookSubscriptions(repository, pubsub);
  webhooks = new WebhookService(repository, subscriptions, new AddressGuard(false), false);
  const [row] = await fleet.query<{ id: string }>(`SELECT id FROM users WHERE role = 'ADMIN' LIMIT 1`, []);
  admin = { id: row.id, role: Role.ADMIN, expiresAt: Math.floor(Date.now() / 1000) + 3600 };
  agent = await createAgentAt(api(0), { email: fleet.settings.adminEmail, password: fleet.settings.adminPassword });
  await receiver.start();
  const created = await webhooks.create(admin, receiver.url, ['chat.created', 'chat.updated', 'message.created', 'chat.rated']);
  receiver.secret = created.secret;
  webhookId = created.webhook.id;
  // The instances hear of the new webhook through Redis; give the announcement a moment to arrive.
  await new Promise((r) => setTimeout(r, 500));
}, 180_000);

afterAll(async () => {
  subscriptions?.stop();
  await pubsub?.close();
  await dataSource?.destroy();
  await receiver.stop();
  await fleet?.stop();
}, 60_000);

beforeEach(() => {
  receiver.answer = () => 200;
  receiver.holdMs = 0;
});

it('delivers every event of a conversation in order, each signed as Standard Webhooks says, with the contract fields', async () => {
  const customer = await registerAt(api(0), 'Casey');
  const chatId = await startChatAt(api(0), customer, 'My order is late');
  await acceptChatAt(api(1), agent, chatId);
  await send(1, agent, chatId, 'Let me look into it');
  await send(0, customer, chatId, 'Thanks!');
  await close(1, agent, chatId);
  await waitFor(() => receiver.accepted(chatId).length >= 8);
  const got = receiver.accepted(chatId);
  expect(got.map(label)).toEqual([
    'chat.created:QUEUED',
    'message.created#1',
    'chat.updated:ACTIVE',
    'message.created#2',
    'message.created#3',
    'message.created#4',
    'chat.updated:CLOSED',
    'message.created#5',
  ]);
  for (const r of got) {
    expect(r.verified).toBe(true);
    expect(r.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Number(r.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 120);
    expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(new Date(r.timestamp).toISOString()).toBe(r.timestamp);
  }
  // Every id is its own event.
  expect(new Set(got.map((r) => r.id)).size).toBe(got.length);
  const created = got[0].data.chat;
  expect(Object.keys(created).sort()).toEqual(['agentId', 'closedAt', 'createdAt', 'customerId', 'id', 'status', 'subject', 'updatedAt']);
  expect(created).toMatchObject({ id: chatId, status: 'QUEUED', customerId: customer.id, agentId: null, closedAt: null });
  expect(got[2].data.chat).toMatchObject({ status: 'ACTIVE', agentId: agent.id });
  expect(got[4].data.message).toEqual({
    id: expect.any(String),
    chatId,
    seq: 3,
    kind: 'AGENT',
    body: 'Let me look into it',
    senderId: agent.id,
    createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    attachments: [],
  });
  expect(got[6].data.chat['closedAt']).toEqual(expect.any(String));
  // Only messages a customer sees; the log tells the same story.
  expect(got.filter((r) => r.data.message).every((r) => ['CUSTOMER', 'AGENT', 'BOT', 'SYSTEM'].includes(String(r.data.message?.['kind'])))).toBe(true);
  const log = await webhooks.deliveries(admin, webhookId, 100);
  const mine = log.filter((d) => got.some((r) => r.id === d.messageId));
  expect(mine).toHaveLength(8);
  expect(mine.every((d) => d.status === 200 && d.attempts === 1 && d.deliveredAt)).toBe(true);
});

it('retries after 500s (first within 5 s, then waiting longer), keeps the id, and holds the chat\'s later events back meanwhile', async () => {
  const customer = await registerAt(api(0), 'Robin');
  let failFirst = '';
  receiver.answer = ({ id, type, attempt }) => {
    if (!failFirst && type === 'chat.created') failFirst = id;
    return id === failFirst && attempt <= 2 ? 500 : 200;
  };
  const chatId = await startChatAt(api(0), customer, 'Hello?');
  // Another chat meanwhile is not held back by this one's retries.
  const other = await registerAt(api(1), 'Sam');
  const otherChat = await startChatAt(api(1), other, 'Hi');
  await send(1, customer, chatId, 'Anyone there?');
  await send(0, customer, chatId, 'Still waiting');
  await waitFor(() => receiver.accepted(otherChat).length >= 2, 20_000, 'the other chat');
  expect(receiver.accepted(chatId)).toHaveLength(0);
  await waitFor(() => receiver.accepted(chatId).length >= 4, 60_000);
  const attempts = receiver.received.filter((r) => r.id === failFirst);
  expect(attempts.map((a) => a.answered)).toEqual([500, 500, 200]);
  expect(attempts.every((a) => a.verified)).toBe(true);
  const firstWait = attempts[1].at - attempts[0].at;
  const secondWait = attempts[2].at - attempts[1].at;
  expect(firstWait).toBeLessThan(5_500);
  expect(secondWait).toBeGreaterThan(firstWait);
  expect(receiver.accepted(chatId).map(label)).toEqual(['chat.created:QUEUED', 'message.created#1', 'message.created#2', 'message.created#3']);
  // Nothing of the chat reached the receiver before its first event was through.
  const firstOk = attempts[2].at;
  expect(receiver.received.filter((r) => r.data.chat['id'] === chatId && r.id !== failFirst).every((r) => r.at >= firstOk)).toBe(true);
  const [logged] = (await webhooks.deliveries(admin, webhookId, 100)).filter((d) => d.messageId === failFirst);
  expect(logged).toMatchObject({ event: 'chat.created', status: 200, attempts: 3 });
});

it('loses nothing when every instance restarts while deliveries wait for a retry', async () => {
  const customer = await registerAt(api(0), 'Kim');
  let down = true;
  receiver.answer = () => (down ? 503 : 200);
  const chatId = await startChatAt(api(0), customer, 'First');
  await send(1, customer, chatId, 'Second');
  await send(0, customer, chatId, 'Third');
  await waitFor(() => receiver.received.some((r) => r.data.chat['id'] === chatId), 20_000, 'a first failed attempt');
  for (const instance of fleet.apis) await instance.stop();
  down = false;
  for (const instance of fleet.apis) await instance.restart();
  await waitFor(() => receiver.accepted(chatId).length >= 4, 60_000);
  expect(receiver.accepted(chatId).map(label)).toEqual(['chat.created:QUEUED', 'message.created#1', 'message.created#2', 'message.created#3']);
  expect(receiver.received.filter((r) => r.data.chat['id'] === chatId).every((r) => r.verified)).toBe(true);
});

it('after a crash in the middle of an attempt, sends that event again (same id) once its lease ends, then the rest in order', async () => {
  const customer = await registerAt(api(0), 'Ari');
  let first = '';
  receiver.answer = ({ id, type }) => {
    if (!first && type === 'chat.created') first = id;
    return 200;
  };
  // Answers come slowly, so the crash lands while the first attempt waits for its answer.
  receiver.holdMs = 4_000;
  const chatId = await startChatAt(api(0), customer, 'Before the crash');
  await waitFor(() => receiver.inFlight.has(first), 20_000, 'the first attempt in flight');
  for (const instance of fleet.apis) await instance.kill();
  receiver.holdMs = 0;
  for (const instance of fleet.apis) await instance.restart();
  await send(1, customer, chatId, 'After the crash');
  // The lease (30 s) of the dead attempt must end before anyone takes the event again.
  await waitFor(() => new Set(receiver.accepted(chatId).map((r) => r.id)).size >= 3, 90_000);
  const got = receiver.accepted(chatId);
  expect(got.filter((r) => r.id === first).length).toBeGreaterThanOrEqual(2);
  const once = got.filter((r, i) => got.findIndex((o) => o.id === r.id) === i);
  expect(once.map(label)).toEqual(['chat.created:QUEUED', 'message.created#1', 'message.created#2']);
  expect(got.every((r) => r.verified)).toBe(true);
});

it('with two instances working, never sends one attempt twice at once, and each chat stays in order', async () => {
  // Each answer takes a while, so a second sender of the same attempt would overlap with the first.
  receiver.holdMs = 150;
  const before = receiver.received.length;
  const customers = await Promise.all(Array.from({ length: 6 }, (_, i) => registerAt(api(i), `Many ${i}`)));
  const chats = await Promise.all(customers.map((c, i) => startChatAt(api(i), c, 'start')));
  for (let round = 0; round < 4; round++) {
    await Promise.all(chats.map((chatId, i) => send(i + round, customers[i], chatId, `message ${round}`)));
  }
  await waitFor(() => chats.every((chatId) => receiver.accepted(chatId).length >= 6), 90_000);
  // Give a duplicate time to show up, if there were one.
  await new Promise((r) => setTimeout(r, 2_000));
  const fresh = receiver.received.slice(before);
  expect(receiver.overlaps).toBe(0);
  const ids = fresh.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const chatId of chats) {
    expect(receiver.accepted(chatId).map(label)).toEqual([
      'chat.created:QUEUED',
      'message.created#1',
      'message.created#2',
      'message.created#3',
      'message.created#4',
      'message.created#5',
    ]);
  }
});

it('stops sending once the webhook is deleted, and writes no outbox rows with no webhook left', async () => {
  await webhooks.delete(admin, webhookId);
  await new Promise((r) => setTimeout(r, 500));
  const before = receiver.received.length;
  const customer = await registerAt(api(0), 'Lee');
  const chatId = await startChatAt(api(1), customer, 'Nobody listens');
  await send(0, customer, chatId, 'Still nobody');
  await new Promise((r) => setTimeout(r, 3_000));
  expect(receiver.received.length).toBe(before);
  const [rows] = await fleet.query<{ n: string }>(`SELECT count(*) AS n FROM webhook_deliveries`, []);
  expect(Number(rows.n)).toBe(0);
});
