import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@parley/api/testing';
import { createDataSource, inTransaction, runMigrations } from '@parley/api/database';
import { JobQueue } from '@parley/api/jobs';
import { ChatStatus, MessageKind, type ChatEvent, type ChatRow } from '@parley/api/chat';
import { WebhookReceiver } from '../testing/webhook-receiver';
import { AddressGuard } from './address-guard';
import { WebhookDeliverer } from './webhook.delivery';
import { WebhookRepository } from './webhook.repository';
import { newWebhookSecret } from './webhook.service';
import { SecretBox } from './secret-box';

const secrets = new SecretBox(randomBytes(32));

/** Counts the attempts this worker won. */
class CountingRepository extends WebhookRepository {
  won = 0;
  override async claimHead(webhookId: string, chatId: string, leaseSeconds: number) {
    const claimed = await super.claimHead(webhookId, chatId, leaseSeconds);
    if (claimed) this.won++;
    return claimed;
  }
}

// A fresh, migrated database per file: slow on a busy machine, whichever Jest config runs it.
jest.setTimeout(60_000);

/** Two delivery workers on one database, racing for the same lanes, against a real receiver. */
describe('webhook delivery workers', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const receiver = new WebhookReceiver();
  let webhookId: string;
  const jobs: JobQueue[] = [];

  const chat = (id: string): ChatRow => ({
    id,
    subject: null,
    status: ChatStatus.QUEUED,
    customerId: randomUUID(),
    agentId: null,
    lastSeq: 1,
    botActive: false,
    createdAt: new Date(),
    updatedAt: new Date(),
    closedAt: null,
  });
  const events = (chatId: string, n: number): ChatEvent[] =>
    Array.from({ length: n }, (_, i) => ({
      type: 'message.created' as const,
      chat: chat(chatId),
      message: { id: randomUUID(), chatId, seq: i + 1, kind: MessageKind.CUSTOMER, senderId: null, body: `m${i + 1}`, clientMessageId: null, createdAt: new Date(), notice: null },
    }));
  const worker = (repository: WebhookRepository, options = {}) => {
    const queue = new JobQueue({ url: database.url });
    jobs.push(queue);
    return new WebhookDeliverer(repository, queue, new AddressGuard(false), { warn: () => undefined, info: () => undefined }, options);
  };
  /** Drains the lane until it is empty, stepping back while the other worker holds it. */
  const drain = async (deliverer: WebhookDeliverer, chatId: string) => {
    for (;;) {
      const wait = await deliverer.drainLane(webhookId, chatId);
      if (!wait) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase('parley_webhook_delivery');
    dataSource = createDataSource({ url: database.url, entities: [], poolSize: 6 });
    await dataSource.initialize();
    await runMigrations(dataSource);
    await receiver.start();
    receiver.secret = newWebhookSecret();
    webhookId = randomUUID();
    await dataSource.query(`INSERT INTO webhooks (id, url, events, secret) VALUES ($1, $2, '{message.created}', $3)`, [webhookId, receiver.url, receiver.secret]);
  });

  afterAll(async () => {
    await receiver.stop();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('never sends one attempt twice at once: each event goes out once, in order, whichever worker takes it', async () => {
    receiver.holdMs = 15;
    const chats = [randomUUID(), randomUUID(), randomUUID()];
    const repository = new WebhookRepository(dataSource, secrets);
    for (const chatId of chats) await inTransaction(dataSource, (runner) => repository.writeEvents(runner, chatId, events(chatId, 12)));
    const a = new CountingRepository(dataSource, secrets);
    const b = new CountingRepository(dataSource, secrets);
    const [first, second] = [worker(a), worker(b)];
    await Promise.all(chats.flatMap((chatId) => [drain(first, chatId), drain(second, chatId)]));
    expect(receiver.overlaps).toBe(0);
    expect(receiver.received).toHaveLength(36);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(36);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    for (const chatId of chats) expect(receiver.accepted(chatId).map((r) => r.data.message?.['seq'])).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // Both took part: the lease, not luck, kept them apart.
    expect(a.won).toBeGreaterThan(0);
    expect(b.won).toBeGreaterThan(0);
    expect(a.won + b.won).toBe(36);
  });

  it('gives an attempt whose worker died back after its lease, and ignores that worker if it answers late', async () => {
    receiver.holdMs = 0;
    const chatId = randomUUID();
    const repository = new WebhookRepository(dataSource, secrets);
    await inTransaction(dataSource, (runner) => repository.writeEvents(runner, chatId, events(chatId, 2)));
    // A worker takes the first event for one second, then "dies" before settling it.
    const dead = await repository.claimHead(webhookId, chatId, 1);
    if (!dead) throw new Error('the first event was not taken');
    const survivor = worker(repository);
    expect(await survivor.drainLane(webhookId, chatId)).toEqual(expect.any(Date));
    expect(receiver.accepted(chatId)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await survivor.drainLane(webhookId, chatId)).toBeNull();
    expect(receiver.accepted(chatId).map((r) => r.data.message?.['seq'])).toEqual([1, 2]);
    // The dead worker's late word changes nothing: its attempt number is no longer the row's.
    await repository.failed(dead.id, dead.attempts, { status: 500 }, 60, 86_400);
    const [row] = await dataSource.query(`SELECT state, attempts, status FROM webhook_deliveries WHERE id = $1`, [dead.id]);
    expect(row).toEqual({ state: 'delivered', attempts: 2, status: 200 });
  });

  it('gives an event up once it is older than the give-up age, and lets the next of the chat go', async () => {
    const chatId = randomUUID();
    const repository = new WebhookRepository(dataSource, secrets);
    await inTransaction(dataSource, (runner) => repository.writeEvents(runner, chatId, events(chatId, 2)));
    let first = '';
    receiver.answer = ({ id, chatId: chat }) => {
      if (chat !== chatId) return 200;
      first ||= id;
      return id === first ? 500 : 200;
    };
    // An event that has failed for a day: made old here instead of waiting for it.
    await dataSource.query(`UPDATE webhook_deliveries SET "createdAt" = now() - interval '25 hours' WHERE "chatId" = $1`, [chatId]);
    expect(await worker(repository).drainLane(webhookId, chatId)).toBeNull();
    const states = await dataSource.query(`SELECT state FROM webhook_deliveries WHERE "chatId" = $1 ORDER BY position`, [chatId]);
    expect(states.map((s: { state: string }) => s.state)).toEqual(['failed', 'delivered']);
    receiver.answer = () => 200;
  });

  it('trims settled deliveries older than the log keeps, and never a pending one', async () => {
    const chatId = randomUUID();
    const repository = new WebhookRepository(dataSource, secrets);
    await inTransaction(dataSource, (runner) => repository.writeEvents(runner, chatId, events(chatId, 3)));
    const ids: Array<{ id: string }> = await dataSource.query(`SELECT id FROM webhook_deliveries WHERE "chatId" = $1 ORDER BY position`, [chatId]);
    await dataSource.query(`UPDATE webhook_deliveries SET "createdAt" = now() - interval '31 days' WHERE "chatId" = $1`, [chatId]);
    await dataSource.query(`UPDATE webhook_deliveries SET state = 'delivered' WHERE id = $1`, [ids[0].id]);
    await dataSource.query(`UPDATE webhook_deliveries SET state = 'failed' WHERE id = $1`, [ids[1].id]);
    expect(await repository.prune(30, 100)).toBe(2);
    const left = await dataSource.query(`SELECT id, state FROM webhook_deliveries WHERE "chatId" = $1`, [chatId]);
    expect(left).toEqual([{ id: ids[2].id, state: 'pending' }]);
    await dataSource.query(`DELETE FROM webhook_deliveries WHERE "chatId" = $1`, [chatId]);
  });

  it('holds a paused webhook\'s waiting deliveries and writes it no new ones; resumed, sends them in order, signed with a rotated secret only', async () => {
    receiver.holdMs = 0;
    const chatId = randomUUID();
    const repository = new WebhookRepository(dataSource, secrets);
    const deliverer = worker(repository);
    const written = events(chatId, 3);
    await inTransaction(dataSource, (runner) => repository.writeEvents(runner, chatId, written.slice(0, 2)));
    await repository.update(webhookId, { url: null, events: null, active: false });
    await inTransaction(dataSource, (runner) => repository.writeEvents(runner, chatId, written.slice(2)));
    const rows = async () => dataSource.query(`SELECT state FROM webhook_deliveries WHERE "chatId" = $1 ORDER BY position`, [chatId]);
    expect(await rows()).toEqual([{ state: 'pending' }, { state: 'pending' }]);
    // Paused: no job takes its lane, and the sweep does not count it as overdue.
    await deliverer.runChat(chatId);
    expect(receiver.accepted(chatId)).toHaveLength(0);
    expect(await repository.overdueChats(0, 1000)).not.toContain(chatId);
    expect(await repository.claimHead(webhookId, chatId, 30)).toBeNull();

    const oldSecret = receiver.secret;
    const fresh = newWebhookSecret();
    await repository.replaceSecret(webhookId, fresh);
    receiver.secret = fresh;
    await repository.update(webhookId, { url: null, events: null, active: true });
    expect(await repository.pendingChats(webhookId, 10)).toContain(chatId);
    await drain(deliverer, chatId);
    const accepted = receiver.accepted(chatId);
    expect(accepted.map((r) => r.data.message?.['seq'])).toEqual([1, 2]);
    expect(accepted.every((r) => r.verified)).toBe(true);
    for (const r of accepted) {
      const body = JSON.stringify({ type: r.type, timestamp: r.timestamp, data: r.data });
      const headers = r.headers as Record<string, string>;
      expect(() => new Webhook(fresh).verify(body, headers)).not.toThrow();
      expect(() => new Webhook(oldSecret).verify(body, headers)).toThrow();
    }
  });
});
