import {
  createAgentAt,
  gqlOk,
  MESSAGES,
  pool,
  registerAt,
  SEND,
  sleep,
  startFleet,
  startChatAt,
  subscribe,
  until,
  wsClient,
  type Account,
  type FleetSettings,
  type ApiInstance,
  type Fleet,
  type RedisProcess,
  type Subscription,
  type TestDatabase,
  type WsClient,
} from '@parley/api/testing';
import { Client } from 'pg';
import { WS_CLOSE_UNAUTHORIZED } from '@parley/shared/limits';

// Two API processes share one PostgreSQL database and a private Redis: senders on one, subscribers on the other.
let fleet: Fleet;
let database: TestDatabase;
let redis: RedisProcess;
let senderSide: ApiInstance;
let subscriberSide: ApiInstance;
let settings: FleetSettings;
let sockets: WsClient[];

beforeAll(async () => {
  fleet = await startFleet();
  ({ database, redis, settings, sockets } = fleet);
  [senderSide, subscriberSide] = fleet.apis;
}, 120_000);

afterAll(() => fleet?.stop(), 60_000);

interface Conversation {
  customer: Account;
  chatId: string;
  subscription: Subscription<{ seq: number; body: string }>;
}

/** `chats` chats from `customers` customers started on the sender side, each watched from the subscriber side after seq 1. */
async function conversations(customers: number, chats: number): Promise<Conversation[]> {
  const people = await Promise.all(Array.from({ length: customers }, (_, i) => registerAt(senderSide.graphqlUrl, `customer${i}`)));
  const all: Conversation[] = [];
  await pool(
    Array.from({ length: chats }, (_, i) => i),
    10,
    async (i) => {
      const customer = people[i % customers];
      const chatId = await startChatAt(senderSide.graphqlUrl, customer, `chat ${i}`);
      all.push({ customer, chatId, subscription: undefined as never });
    },
  );
  const socketOf = new Map<string, WsClient>();
  for (const person of people) {
    const socket = wsClient(subscriberSide.wsUrl, person.token);
    sockets.push(socket);
    socketOf.set(person.id, socket);
  }
  for (const conversation of all) {
    conversation.subscription = subscribe(socketOf.get(conversation.customer.id) as WsClient, MESSAGES, { chatId: conversation.chatId, afterSeq: 1 });
  }
  return all;
}

/** What the database holds after the first message, per chat: the truth every subscriber must end with. */
async function committed(chatIds: string[]): Promise<Map<string, Array<{ seq: number; body: string }>>> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ chatId: string; seq: number; body: string }>(
      `SELECT "chatId", seq, body FROM messages WHERE "chatId" = ANY($1::uuid[]) AND seq > 1 ORDER BY "chatId", seq`,
      [chatIds],
    );
    const byChat = new Map(chatIds.map((id) => [id, [] as Array<{ seq: number; body: string }>]));
    for (const row of rows) byChat.get(row.chatId)?.push({ seq: row.seq, body: row.body });
    return byChat;
  } finally {
    await client.end();
  }
}

/**
 * Every acknowledged send is committed, and every subscriber received exactly
 * what is committed after seq 1: once each, in seq order.
 */
async function expectExactDelivery(all: Conversation[], acknowledged: Map<string, Array<{ seq: number; body: string }>>, timeoutMs: number) {
  const truth = await committed(all.map((c) => c.chatId));
  const problems: string[] = [];
  for (const [chatId, acks] of acknowledged) {
    const stored = truth.get(chatId) ?? [];
    for (const ack of acks) if (!stored.some((m) => m.seq === ack.seq && m.body === ack.body)) problems.push(`${chatId}: acknowledged ${ack.seq} not stored`);
  }
  await until(
    () => all.every(({ chatId, subscription }) => subscription.values.length >= (truth.get(chatId)?.length ?? 0) || subscription.errors.length > 0),
    timeoutMs,
    () => {
      const short = all.filter(({ chatId, subscription }) => subscription.values.length < (truth.get(chatId)?.length ?? 0));
      return `${short.length} chats still missing messages, e.g. ${short[0]?.chatId}: ${short[0]?.subscription.values.length}/${truth.get(short[0]?.chatId)?.length}`;
    },
  );
  // Anything extra (a duplicate) would have arrived by now along with the rest.
  await sleep(300);
  for (const { chatId, subscription } of all) {
    const expected = truth.get(chatId) ?? [];
    const got = subscription.values.map(({ seq, body }) => ({ seq, body }));
    if (subscription.errors.length) problems.push(`${chatId}: ${JSON.stringify(subscription.errors)}`);
    else if (JSON.stringify(got) !== JSON.stringify(expected)) problems.push(`${chatId}: stored ${expected.map((m) => m.seq).join(',')}; got ${got.map((m) => m.seq).join(',')}`);
  }
  expect(problems).toEqual([]);
  return truth;
}

describe('two instances sharing PostgreSQL and Redis', () => {
  it('delivers every message of 200 chats sent on one instance to subscribers on the other: none lost, twice or out of order', async () => {
    const all = await conversations(20, 200);
    const perChat = 8;
    const acknowledged = new Map<string, Array<{ seq: number; body: string }>>();
    await pool(all, 25, async ({ customer, chatId }) => {
      const acks: Array<{ seq: number; body: string }> = [];
      acknowledged.set(chatId, acks);
      for (let n = 0; n < perChat; n++) {
        const data = await gqlOk(senderSide.graphqlUrl, SEND, { input: { chatId, body: `m${n}`, clientMessageId: `${chatId}-${n}` } }, customer.token);
        acks.push(data['sendMessage']);
      }
    });
    const truth = await expectExactDelivery(all, acknowledged, 60_000);
    expect([...truth.values()].reduce((n, list) => n + list.length, 0)).toBeGreaterThanOrEqual(200 * perChat);
    for (const { subscription } of all) subscription.unsubscribe();
  }, 240_000);

  it('carries typing from one instance to the other, and a sign-out on one closes the user\'s sockets on the other', async () => {
    const [talker] = await conversations(1, 1);
    // The customer watches their own chat's typing events on the subscriber side; an agent types on the sender side.
    const agent = await createAgentAt(senderSide.graphqlUrl, { email: settings.adminEmail, password: settings.adminPassword }, 'Typist');
    await gqlOk(senderSide.graphqlUrl, `mutation($id: ID!) { acceptChat(chatId: $id) { id } }`, { id: talker.chatId }, agent.token);
    const socket = wsClient(subscriberSide.wsUrl, talker.customer.token);
    sockets.push(socket);
    const typing = subscribe<{ typing: boolean }>(socket, `subscription($id: ID!) { typingChanged(chatId: $id) { typing } }`, { id: talker.chatId });
    // Typing is not replayed: repeat until the subscription is live on the other side (bounded).
    for (let i = 0; i < 50 && typing.values.length === 0; i++) {
      await gqlOk(senderSide.graphqlUrl, `mutation($id: ID!) { setTyping(chatId: $id, typing: true) }`, { id: talker.chatId }, agent.token);
      await sleep(100);
    }
    expect(typing.values[0]).toEqual({ typing: true });

    await gqlOk(senderSide.graphqlUrl, `mutation { logout }`, {}, talker.customer.token);
    expect((await socket.closed).code).toBe(WS_CLOSE_UNAUTHORIZED);
    talker.subscription.unsubscribe();
  }, 60_000);

  it('still delivers every committed message when Redis is stopped for 5 s under load, then started again', async () => {
    const all = await conversations(10, 40);
    const acknowledged = new Map<string, Array<{ seq: number; body: string }>>(all.map(({ chatId }) => [chatId, []]));
    let outageOver = false;
    let sentDuringOutage = 0;
    let redisDown = false;
    const outage = (async () => {
      await sleep(1000);
      await redis.stop();
      redisDown = true;
      // Readiness reports the lost Redis so a load balancer can steer away.
      await until(async () => !(await subscriberSide.isReady()), 5000, () => 'readiness still on without Redis');
      await sleep(5000);
      await redis.start();
      redisDown = false;
      outageOver = true;
    })();
    await pool(all, 40, async ({ customer, chatId }) => {
      const acks = acknowledged.get(chatId) as Array<{ seq: number; body: string }>;
      // Send until Redis is back: the last messages then exist only in the database, with no later one to reveal a gap.
      for (let n = 0; n < 500 && !outageOver; n++) {
        const data = await gqlOk(senderSide.graphqlUrl, SEND, { input: { chatId, body: `m${n}`, clientMessageId: `${chatId}-${n}` } }, customer.token);
        acks.push(data['sendMessage']);
        if (redisDown) sentDuringOutage++;
        await sleep(50);
      }
    });
    await outage;
    expect(sentDuringOutage).toBeGreaterThan(40);
    await expectExactDelivery(all, acknowledged, 60_000);
    await until(() => subscriberSide.isReady(), 10_000, () => 'readiness did not come back with Redis');
    for (const { subscription } of all) subscription.unsubscribe();
  }, 240_000);
});
