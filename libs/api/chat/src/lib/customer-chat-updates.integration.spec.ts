// A customer's chatUpdated with each new message: the event carries the chat
// as the message left it and the message itself, so however many tabs the
// customer has open, no subscriber reads the chat or its last message again,
// on the sending instance or on another one (through Redis, Dates included).
import {
  closeChat,
  createAgent,
  registerCustomer,
  sendMessage,
  sharedDeployment,
  startAcceptedChat,
  startChat,
  startTestServer,
  subscribe,
  StatementLog,
  useTestServer,
  waitForSubscriptions,
  wsClient,
  type Person,
  type Subscription,
  type TestServer,
  type WsClient,
} from '@parley/api/testing';

jest.setTimeout(60_000);

const CHAT_UPDATED = `subscription { chatUpdated {
  id status updatedAt closedAt rating agent { displayName }
  lastMessage { seq kind body createdAt sender { displayName } }
} }`;

interface ChatEvent {
  id: string;
  status: string;
  updatedAt: string;
  closedAt: string | null;
  rating: number | null;
  agent: { displayName: string } | null;
  lastMessage: { seq: number; kind: string; body: string; createdAt: string; sender: { displayName: string } | null };
}

// What the chatUpdated selection above would read: the chat, its last message, its rating.
const READS_A_CHAT = /\b(chats|messages|chat_ratings)\b/;

const sockets: WsClient[] = [];
afterAll(() => Promise.all(sockets.map((s) => s.dispose())));

/** The customer's site in three tabs and the widget: four sockets of theirs. */
function tabs(api: TestServer, customer: Person): WsClient[] {
  const opened = Array.from({ length: 4 }, () => wsClient(api.wsUrl, customer.token));
  sockets.push(...opened);
  return opened;
}

/** The message as the server stored it, read straight from the database (what the event must show). */
async function stored(api: TestServer, chatId: string, seq: number): Promise<{ createdAt: string; updatedAt: string }> {
  const [row] = await api.server.dataSource.query(
    `SELECT m."createdAt", c."updatedAt" FROM messages m JOIN chats c ON c.id = m."chatId" WHERE m."chatId" = $1 AND m.seq = $2`,
    [chatId, seq],
  );
  return { createdAt: (row.createdAt as Date).toISOString(), updatedAt: (row.updatedAt as Date).toISOString() };
}

/** The event an agent's reply should bring: the ACTIVE chat and the reply, their times as the database holds them. */
async function replyEvent(api: TestServer, chatId: string, reply: { seq: number }, body: string): Promise<ChatEvent> {
  const truth = await stored(api, chatId, reply.seq);
  return {
    id: chatId,
    status: 'ACTIVE',
    updatedAt: truth.updatedAt,
    closedAt: null,
    rating: null,
    agent: { displayName: 'Alex Agent' },
    lastMessage: { seq: reply.seq, kind: 'AGENT', body, createdAt: truth.createdAt, sender: { displayName: 'Alex Agent' } },
  };
}

describe("a customer's chatUpdated with each new message", () => {
  const cast = useTestServer({ agents: ['Alex Agent'], customers: ['Casey Customer'] });
  let api: TestServer;
  let agent: Person;
  let customer: Person;
  beforeAll(() => ({ api, agents: [agent], customers: [customer] } = cast));

  it('carries the current last message and status, and no subscriber reads the chat for it', async () => {
    const log = new StatementLog(api);
    const chatId = await startAcceptedChat(api, customer, agent, 'Where is my parcel?');
    const open = tabs(api, customer);

    // The same sockets open, none subscribed: what a message costs in reads with nobody listening.
    const quiet = await log.during(READS_A_CHAT, () => sendMessage(api, agent, chatId, 'Let me look it up.'));

    const updates: Array<Subscription<ChatEvent>> = open.map((socket) => subscribe(socket, CHAT_UPDATED));
    await waitForSubscriptions(api, 'chatUpdated', 4);
    let reply: { seq: number } = { seq: 0 };
    const listened = await log.during(READS_A_CHAT, async () => {
      reply = await sendMessage(api, agent, chatId, 'It left the depot this morning.');
      await Promise.all(updates.map((update) => update.waitFor(1)));
    });
    // Four subscribers, not one more read than with none.
    expect(listened).toEqual(quiet);
    const expected = await replyEvent(api, chatId, reply, 'It left the depot this morning.');
    for (const update of updates) expect(update.values).toEqual([expected]);

    // The customer's own message comes back to their other tabs the same way.
    const own = await sendMessage(api, customer, chatId, 'Thank you!');
    for (const update of updates) {
      const [, second] = await update.waitFor(2);
      expect(second?.lastMessage).toMatchObject({ seq: own.seq, kind: 'CUSTOMER', body: 'Thank you!', sender: { displayName: 'Casey Customer' } });
    }

    // A change of state after it: the close, its SYSTEM message the last one.
    await closeChat(api, agent, chatId);
    for (const update of updates) {
      const [, , closed] = await update.waitFor(3);
      expect(closed).toMatchObject({ status: 'CLOSED', lastMessage: { seq: own.seq + 1, kind: 'SYSTEM' } });
      expect(closed?.closedAt).toEqual(expect.any(String));
      update.unsubscribe();
    }
  });

  it("shows another customer nothing of the chat", async () => {
    const other = await registerCustomer(api, 'Other Customer');
    const [socket] = tabs(api, other);
    const theirs = subscribe<ChatEvent>(socket as WsClient, CHAT_UPDATED);
    const mine = subscribe<ChatEvent>((tabs(api, customer))[0] as WsClient, CHAT_UPDATED);
    await waitForSubscriptions(api, 'chatUpdated', 2);
    const chatId = await startChat(api, customer, 'Another question');
    await sendMessage(api, customer, chatId, 'About my invoice');
    await mine.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(theirs.values).toEqual([]);
  });
});

describe('across two instances (Redis)', () => {
  let sender: TestServer;
  let listener: TestServer;
  let agent: Person;
  let customer: Person;

  beforeAll(async () => {
    const shared = sharedDeployment();
    sender = await startTestServer(shared);
    listener = await startTestServer({ ...shared, databaseUrl: sender.database.url });
    [agent, customer] = await Promise.all([createAgent(sender, 'Alex Agent'), registerCustomer(sender, 'Casey Customer')]);
  }, 60_000);
  afterAll(async () => {
    await listener?.stop();
    await sender?.stop();
  }, 30_000);

  it('the event arrives whole, its times as stored, and the other instance reads nothing for it', async () => {
    const log = new StatementLog(listener);
    const chatId = await startAcceptedChat(sender, customer, agent, 'Is the shop open on Sunday?');
    const updates: Array<Subscription<ChatEvent>> = tabs(listener, customer).slice(0, 2).map((socket) => subscribe(socket, CHAT_UPDATED));
    await waitForSubscriptions(listener, 'chatUpdated', 2);
    let reply: { seq: number } = { seq: 0 };
    const reads = await log.during(READS_A_CHAT, async () => {
      reply = await sendMessage(sender, agent, chatId, 'From ten to four.');
      await Promise.all(updates.map((update) => update.waitFor(1)));
    });
    expect(reads).toEqual([]);
    const expected = await replyEvent(sender, chatId, reply, 'From ten to four.');
    for (const update of updates) expect(update.values[0]).toEqual(expected);
  });
});
