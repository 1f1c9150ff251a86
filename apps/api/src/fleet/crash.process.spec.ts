import {
  gql,
  MESSAGES,
  pool,
  registerAt,
  SEND,
  sleep,
  startApi,
  startFleet,
  startChatAt,
  subscribe,
  until,
  wsClient,
  type Account,
  type ApiInstance,
  type Fleet,
  type FleetSettings,
  type RedisProcess,
  type Subscription,
  type WsClient,
} from '@parley/api/testing';

// Crashes and orderly stops of real API processes sharing PostgreSQL and Redis.
let fleet: Fleet;
let redis: RedisProcess;
let doomed: ApiInstance;
let survivor: ApiInstance;
let settings: FleetSettings;
let sockets: WsClient[];

beforeAll(async () => {
  fleet = await startFleet();
  ({ redis, settings, sockets } = fleet);
  [doomed, survivor] = fleet.apis;
}, 120_000);

afterAll(() => fleet?.stop(), 60_000);

interface Watched {
  customer: Account;
  chatId: string;
  subscription: Subscription<{ seq: number; body: string }>;
}

describe('an instance killed with SIGKILL in the middle of a load', () => {
  it('loses no acknowledged message; retried sends are stored once; subscribers catch up on the other instance', async () => {
    const customers = await Promise.all(Array.from({ length: 10 }, (_, i) => registerAt(doomed.graphqlUrl, `crash${i}`)));
    const chats: Array<{ customer: Account; chatId: string }> = [];
    for (let i = 0; i < 40; i++) {
      const customer = customers[i % customers.length];
      chats.push({ customer, chatId: await startChatAt(doomed.graphqlUrl, customer, `chat ${i}`) });
    }
    const socketOf = new Map<string, WsClient>();
    for (const customer of customers) {
      const socket = wsClient(doomed.wsUrl, customer.token);
      sockets.push(socket);
      socketOf.set(customer.id, socket);
    }
    const watched: Watched[] = chats.map((c) => ({ ...c, subscription: subscribe(socketOf.get(c.customer.id) as WsClient, MESSAGES, { chatId: c.chatId, afterSeq: 1 }) }));

    let killed = false;
    let unanswered = 0;
    const acknowledged: Array<{ chatId: string; seq: number; body: string; clientMessageId: string }> = [];
    const crash = (async () => {
      await sleep(1500);
      await doomed.kill();
      killed = true;
    })();
    await pool(chats, 40, async ({ customer, chatId }) => {
      for (let n = 0; n < 60 && !(killed && n >= 30); n++) {
        const input = { chatId, body: `m${n}`, clientMessageId: `${chatId}-${n}` };
        let answer;
        try {
          answer = await gql(killed ? survivor.graphqlUrl : doomed.graphqlUrl, SEND, { input }, customer.token);
        } catch {
          // No answer: the client cannot know whether it was stored. Retry elsewhere with the same clientMessageId.
          unanswered++;
          answer = await gql(survivor.graphqlUrl, SEND, { input }, customer.token);
        }
        if (answer.errors?.length || !answer.data) throw new Error(`send failed: ${JSON.stringify(answer.errors)}`);
        acknowledged.push({ chatId, ...answer.data['sendMessage'] });
        await sleep(20);
      }
    });
    await crash;
    expect(unanswered).toBeGreaterThan(0);

    // Every acknowledged message is committed, and no clientMessageId was stored twice.
    const stored = await fleet.query<{ chatId: string; seq: number; body: string; clientMessageId: string | null }>(
      `SELECT "chatId", seq, body, "clientMessageId" FROM messages WHERE "chatId" = ANY($1::uuid[]) AND seq > 1 ORDER BY "chatId", seq`,
      [chats.map((c) => c.chatId)],
    );
    const storedKeys = new Set(stored.map((m) => `${m.chatId}/${m.seq}/${m.body}`));
    expect(acknowledged.filter((a) => !storedKeys.has(`${a.chatId}/${a.seq}/${a.body}`))).toEqual([]);
    const ids = stored.filter((m) => m.clientMessageId).map((m) => m.clientMessageId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of acknowledged) expect(a.clientMessageId).toBe(`${a.chatId}-${a.body.slice(1)}`);

    // The sockets to the dead instance are gone; subscribers reconnect to the survivor after the last seq they saw.
    let ended = 0;
    for (const w of watched) void w.subscription.ended.then(() => ended++);
    await until(() => ended === watched.length, 10_000, () => `${watched.length - ended} subscriptions still open on the killed instance`);
    const resumed = new Map<string, WsClient>();
    for (const customer of customers) {
      const socket = wsClient(survivor.wsUrl, customer.token);
      sockets.push(socket);
      resumed.set(customer.id, socket);
    }
    const afterReconnect = watched.map((w) => {
      const lastSeen = w.subscription.values.at(-1)?.seq ?? 1;
      return { ...w, before: w.subscription.values.slice(), again: subscribe(resumed.get(w.customer.id) as WsClient, MESSAGES, { chatId: w.chatId, afterSeq: lastSeen }) };
    });
    const truth = new Map<string, Array<{ seq: number; body: string }>>(chats.map((c) => [c.chatId, []]));
    for (const m of stored) truth.get(m.chatId)?.push({ seq: m.seq, body: m.body });
    await until(
      () => afterReconnect.every((w) => w.before.length + w.again.values.length >= (truth.get(w.chatId)?.length ?? 0)),
      30_000,
      () => 'subscribers did not catch up after reconnecting',
    );
    await sleep(300);
    const problems = afterReconnect
      .map((w) => ({ chatId: w.chatId, got: [...w.before, ...w.again.values].map(({ seq, body }) => ({ seq, body })), expected: truth.get(w.chatId) }))
      .filter(({ got, expected }) => JSON.stringify(got) !== JSON.stringify(expected))
      .map(({ chatId, got, expected }) => `${chatId}: stored ${expected?.map((m) => m.seq)}; got ${got.map((m) => m.seq)}`);
    expect(problems).toEqual([]);
  }, 180_000);
});

describe('SIGTERM', () => {
  it('turns readiness off, closes sockets with 1001 and exits within 10 s', async () => {
    const customer = await registerAt(survivor.graphqlUrl, 'leaving');
    const chatId = await startChatAt(survivor.graphqlUrl, customer, 'hello');
    const socket = wsClient(survivor.wsUrl, customer.token);
    sockets.push(socket);
    const live = subscribe(socket, MESSAGES, { chatId, afterSeq: 0 });
    await live.waitFor(1);
    expect(await survivor.isReady()).toBe(true);

    const started = Date.now();
    survivor.proc.child.kill('SIGTERM');
    await until(async () => !(await survivor.isReady()), 5000, () => 'still ready after SIGTERM');
    expect((await socket.closed).code).toBe(1001);
    expect(await survivor.proc.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('still exits within 10 s when Redis is gone', async () => {
    const instance = await startApi(settings);
    await redis.stop();
    const started = Date.now();
    expect(await instance.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await redis.start();
  }, 60_000);
});

