import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@parley/api/testing';
import { LocalPubSub, Role, type Viewer } from '@parley/api/core';
import { createDataSource, inTransaction, runMigrations } from '@parley/api/database';
import { ChatService, HandoverWaitKind, MessageNoticeCode, type ChatTopics, type SendMessageInput, type StartChatInput } from '@parley/api/chat';
import { WebhookOutbox } from './webhook.outbox';
import { eventData, WebhookRepository } from './webhook.repository';
import { WebhookSubscriptions, type WebhookTopics } from './webhook.subscriptions';
import { SecretBox } from './secret-box';

const secrets = new SecretBox(randomBytes(32));

interface OutboxRow {
  event: string;
  data: { chat: Record<string, unknown>; message?: Record<string, unknown> };
}

// A fresh, migrated database per file: slow on a busy machine, whichever Jest config runs it.
jest.setTimeout(60_000);

/**
 * The outbox as the chat domain fills it, in process against a real PostgreSQL:
 * which writes record which events, that the record is part of the change's
 * own transaction, and that nothing is written while nobody subscribes.
 */
describe('the webhook outbox in the chat\'s transactions', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let chats: ChatService;
  let repository: WebhookRepository;
  let subscriptions: WebhookSubscriptions;
  const kicked: string[] = [];
  let customer: Viewer;
  let agent: Viewer;
  let webhookId: string;

  const addUser = async (role: Role, name: string): Promise<Viewer> => {
    const id = randomUUID();
    await dataSource.query(`INSERT INTO users (id, email, "emailLower", "displayName", role, "passwordHash") VALUES ($1, $2, $2, $3, $4, 'x')`, [
      id,
      `${id}@parley.test`,
      name,
      role,
    ]);
    return { id, role, expiresAt: Math.floor(Date.now() / 1000) + 3600 };
  };
  const outbox = (chatId: string): Promise<OutboxRow[]> =>
    dataSource.query(`SELECT event, data FROM webhook_deliveries WHERE "chatId" = $1 ORDER BY position`, [chatId]);
  const start = (message = 'Hello') => chats.startChat(customer, { message } as StartChatInput);
  const send = (who: Viewer, chatId: string, body: string) => chats.sendMessage(who, { chatId, body } as SendMessageInput);

  beforeAll(async () => {
    database = await createTestDatabase('parley_webhook_outbox');
    dataSource = createDataSource({ url: database.url, entities: [], poolSize: 4 });
    await dataSource.initialize();
    await runMigrations(dataSource);
    chats = new ChatService(dataSource, new LocalPubSub<ChatTopics>());
    repository = new WebhookRepository(dataSource, secrets);
    subscriptions = new WebhookSubscriptions(repository, new LocalPubSub<WebhookTopics>());
    chats.events.use(new WebhookOutbox(repository, subscriptions, (chatId) => kicked.push(chatId)));
    customer = await addUser(Role.CUSTOMER, 'Casey');
    agent = await addUser(Role.AGENT, 'Alex');
    webhookId = (await repository.create({ url: 'http://127.0.0.1:9/', events: ['chat.created', 'chat.updated', 'message.created', 'chat.rated'], secret: 'whsec_x', createdById: agent.id })).id;
    await subscriptions.start();
  });

  afterAll(async () => {
    subscriptions?.stop();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('records a new chat and its first message, with the data the JavaScript and SQL builders agree on, and starts delivery', async () => {
    const chat = await start('My order is late');
    const rows = await outbox(chat.id);
    expect(rows.map((r) => r.event)).toEqual(['chat.created', 'message.created']);
    const [message] = await dataSource.query(`SELECT id, "chatId", seq, kind, "senderId", body, "clientMessageId", "createdAt" FROM messages WHERE "chatId" = $1`, [chat.id]);
    expect(rows[0].data).toEqual(eventData({ type: 'chat.created', chat }));
    expect(rows[1].data).toEqual(eventData({ type: 'message.created', chat, message }));
    expect(kicked).toContain(chat.id);
  });

  it('records a sent message from inside the one send statement, exactly as the other paths write it', async () => {
    const chat = await start();
    await chats.acceptChat(agent, chat.id);
    const sent = await send(agent, chat.id, 'On it');
    const rows = await outbox(chat.id);
    expect(rows.map((r) => r.event)).toEqual(['chat.created', 'message.created', 'chat.updated', 'message.created', 'message.created']);
    const after = await chats.findChat(chat.id);
    if (!after) throw new Error('no chat');
    // The SQL-built data (send statement) matches the JavaScript-built one for the same rows, field for field.
    expect(rows[4].data).toEqual(eventData({ type: 'message.created', chat: after, message: sent }));
    expect(rows[2].data.chat).toMatchObject({ status: 'ACTIVE', agentId: agent.id });
    expect(rows[3].data.message).toMatchObject({ kind: 'SYSTEM', seq: 2 });
  });

  it('records the bot\'s replies, and a bot stop as its notice alone (no status or agent changed)', async () => {
    const chat = await start();
    await dataSource.query(`UPDATE chats SET "botActive" = true WHERE id = $1`, [chat.id]);
    await chats.appendBotMessage(chat.id, 'Have you tried turning it off and on?');
    await chats.stopBot(chat.id, { code: MessageNoticeCode.PERSON_REQUESTED, wait: HandoverWaitKind.SHORTLY });
    await chats.closeChat(customer, chat.id);
    const rows = await outbox(chat.id);
    expect(rows.map((r) => `${r.event}${r.data.message ? `:${r.data.message['kind']}` : `:${r.data.chat['status']}`}`)).toEqual([
      'chat.created:QUEUED',
      'message.created:CUSTOMER',
      'message.created:BOT',
      'message.created:SYSTEM',
      'chat.updated:CLOSED',
      'message.created:SYSTEM',
    ]);
    expect(rows[4].data.chat['closedAt']).toEqual(expect.any(String));
  });

  it('records chat.rated through the ratings hook, with the rating and its comment', async () => {
    const chat = await chats.closeChat(customer, (await start()).id);
    await inTransaction(dataSource, (runner) => chats.events.chatRated(runner, chat, { rating: 4, ratingComment: 'Quick and kind' }));
    const rows = await outbox(chat.id);
    expect(rows.map((r) => r.event).at(-1)).toBe('chat.rated');
    expect(rows.at(-1)?.data.chat).toMatchObject({ id: chat.id, status: 'CLOSED', rating: 4, ratingComment: 'Quick and kind' });
    // Only chat.rated carries the rating fields.
    expect(rows[0].data.chat).not.toHaveProperty('rating');
  });

  it('writes the events in the change\'s own transaction: when the outbox cannot be written, neither is the change', async () => {
    const chat = await start();
    const before = (await chats.findChat(chat.id))?.lastSeq;
    await dataSource.query(`CREATE FUNCTION refuse_outbox() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'outbox refused'; END $$ LANGUAGE plpgsql`);
    await dataSource.query(`CREATE TRIGGER refuse_outbox BEFORE INSERT ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION refuse_outbox()`);
    try {
      await expect(send(customer, chat.id, 'lost with its event')).rejects.toThrow();
      await expect(chats.closeChat(customer, chat.id)).rejects.toThrow();
      await expect(start('never started')).rejects.toThrow();
    } finally {
      await dataSource.query(`DROP TRIGGER refuse_outbox ON webhook_deliveries`);
      await dataSource.query(`DROP FUNCTION refuse_outbox()`);
    }
    const now = await chats.findChat(chat.id);
    expect(now?.lastSeq).toBe(before);
    expect(now?.status).toBe('QUEUED');
    const [lost] = await dataSource.query(`SELECT count(*) AS n FROM messages WHERE body IN ('lost with its event', 'never started')`);
    expect(Number(lost.n)).toBe(0);
  });

  it('writes nothing, and sends the plain statement, while no active webhook takes the event', async () => {
    await repository.delete(webhookId);
    await subscriptions.changed();
    expect(chats.events.sendStatementPart({ message: 'inserted', chat: 'bumped' })).toBeNull();
    kicked.length = 0;
    const chat = await start();
    await send(customer, chat.id, 'quiet');
    await chats.closeChat(customer, chat.id);
    expect(await outbox(chat.id)).toEqual([]);
    expect(kicked).toEqual([]);
  });
});
