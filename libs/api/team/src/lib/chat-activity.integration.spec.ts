import {
  acceptChat,
  errorCode,
  gql,
  gqlOk,
  sendMessage,
  startChat,
  subscribe,
  subscriptionCount,
  wsClient,
  useTestServer,
  waitForSubscriptions,
  type Person,
  type TestServer,
} from '@parley/api/testing';
import { LocalPubSub, Role } from '@parley/api/core';
import { ChatService } from '@parley/api/chat';
import { ChatActivityRepository } from './chat-activity.repository';
import { ChatActivityService } from './chat-activity.service';
import type { ChatActivityTopics } from './chat-activity.topics';
import type { ChatRatedEvent } from './chat-activity.type';

const MARK = `mutation($id: ID!, $seq: Int!) { markChatRead(chatId: $id, seq: $seq) { id customerReadSeq agentReadSeq unreadCount } }`;
const MARKS = `query($id: ID!) { chat(id: $id) { customerReadSeq agentReadSeq unreadCount } }`;
const RECEIPTS = `subscription($id: ID!) { readReceipts(chatId: $id) { chatId seq user { id } } }`;
const RATE = `mutation($id: ID!, $rating: Int!, $comment: String) { rateChat(chatId: $id, rating: $rating, comment: $comment) { id rating ratingComment } }`;
const CLOSE = `mutation($id: ID!) { closeChat(chatId: $id) { id status } }`;
const RATING = `query($id: ID!) { chat(id: $id) { rating ratingComment } }`;

const cast = useTestServer({ agents: ['Alex Agent', 'Olive Other'], customers: ['Casey Customer', 'Otto Outsider'] });
let api: TestServer;
let admin: Person;
let agent: Person;
let otherAgent: Person;
let customer: Person;
let otherCustomer: Person;
const sockets = cast.sockets;

beforeAll(() => {
  ({ api, admin, agents: [agent, otherAgent], customers: [customer, otherCustomer] } = cast);
});

/** A chat with four messages: the customer's (1), the agent joining (2), two of the agent's (3, 4). */
async function chatWithFourMessages(): Promise<string> {
  const chatId = await startChat(api, customer, 'My parcel never came');
  await acceptChat(api, agent, chatId);
  await sendMessage(api, agent, chatId, 'Sorry to hear that.');
  await sendMessage(api, agent, chatId, 'Let me look it up.');
  return chatId;
}

const mark = (who: Person, chatId: string, seq: number) => gql(api.graphqlUrl, MARK, { id: chatId, seq }, who.token);

describe('read marks', () => {
  it('move up only, and a seq past the last message means the last', async () => {
    const chatId = await chatWithFourMessages();
    expect((await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 3 }, customer.token))['markChatRead']).toMatchObject({
      customerReadSeq: 3,
      agentReadSeq: 0,
      unreadCount: 1,
    });
    // Down: nothing changes.
    expect((await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 1 }, customer.token))['markChatRead']).toMatchObject({ customerReadSeq: 3, unreadCount: 1 });
    expect((await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 0 }, customer.token))['markChatRead']).toMatchObject({ customerReadSeq: 3 });
    // Past the end: the last message.
    expect((await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 1000 }, customer.token))['markChatRead']).toMatchObject({
      customerReadSeq: 4,
      unreadCount: 0,
    });
    // A new message: one unread for the customer; the agent's own mark is their own.
    await sendMessage(api, agent, chatId, 'Found it.');
    expect((await gqlOk(api.graphqlUrl, MARKS, { id: chatId }, customer.token))['chat']).toMatchObject({ customerReadSeq: 4, agentReadSeq: 0, unreadCount: 1 });
    // After the agent's mark (2) come only the agent's own messages (3 to 5): none of them is unread to the agent.
    expect((await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 2 }, agent.token))['markChatRead']).toMatchObject({
      customerReadSeq: 4,
      agentReadSeq: 2,
      unreadCount: 0,
    });
    // The customer writes (6): unread to the agent, not to the customer, who still has the agent's 5 to read.
    await sendMessage(api, customer, chatId, 'Thanks!');
    expect((await gqlOk(api.graphqlUrl, MARKS, { id: chatId }, customer.token))['chat']).toMatchObject({ customerReadSeq: 4, unreadCount: 1 });
    expect((await gqlOk(api.graphqlUrl, MARKS, { id: chatId }, agent.token))['chat']).toMatchObject({ agentReadSeq: 2, unreadCount: 1 });
    // Everyone but the customer counts from the agent's mark, leaving out the agent's own messages.
    expect((await gqlOk(api.graphqlUrl, MARKS, { id: chatId }, admin.token))['chat']).toMatchObject({ unreadCount: 1 });
    expect((await gqlOk(api.graphqlUrl, MARKS, { id: chatId }, otherAgent.token))['chat']).toMatchObject({ unreadCount: 1 });
    // Read to the end, nothing is unread.
    expect((await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 6 }, customer.token))['markChatRead']).toMatchObject({ unreadCount: 0 });
  });

  it('never move down when many marks race: the highest stays', async () => {
    const chatId = await chatWithFourMessages();
    const seqs = [2, 4, 1, 3, 4, 2, 1, 3, 2, 4, 1, 3];
    await Promise.all(seqs.map((seq) => mark(customer, chatId, seq)));
    expect((await gqlOk(api.graphqlUrl, MARKS, { id: chatId }, customer.token))['chat']).toMatchObject({ customerReadSeq: 4, unreadCount: 0 });
    const rows = await api.server.dataSource.query(`SELECT seq FROM chat_read_marks WHERE "chatId" = $1`, [chatId]);
    expect(rows).toEqual([{ seq: 4 }]);
  });

  it("belong to the chat's customer and its agent only, with the contract's codes", async () => {
    const chatId = await chatWithFourMessages();
    expect(errorCode(await mark(otherCustomer, chatId, 1))).toBe('FORBIDDEN');
    expect(errorCode(await mark(otherAgent, chatId, 1))).toBe('FORBIDDEN');
    expect(errorCode(await mark(admin, chatId, 1))).toBe('FORBIDDEN');
    expect(errorCode(await mark(customer, chatId, -1))).toBe('BAD_USER_INPUT');
    expect(errorCode(await mark(customer, '00000000-0000-4000-8000-000000000000', 1))).toBe('NOT_FOUND');
    expect(errorCode(await mark(customer, 'nope', 1))).toBe('NOT_FOUND');
    expect(errorCode(await gql(api.graphqlUrl, MARK, { id: chatId, seq: 1 }))).toBe('UNAUTHENTICATED');
    // Nothing was written by any of them.
    expect(await api.server.dataSource.query(`SELECT 1 FROM chat_read_marks WHERE "chatId" = $1`, [chatId])).toEqual([]);
  });

  it('are heard live by the customer, the agent and admins, never as the viewer\'s own', async () => {
    const chatId = await chatWithFourMessages();
    const open = (who: Person) => {
      const ws = wsClient(api.wsUrl, who.token);
      sockets.push(ws);
      return subscribe<{ chatId: string; seq: number; user: { id: string } }>(ws, RECEIPTS, { id: chatId });
    };
    const customerSub = open(customer);
    const agentSub = open(agent);
    const adminSub = open(admin);
    const outsider = open(otherAgent);
    const stranger = open(otherCustomer);
    await outsider.ended;
    await stranger.ended;
    expect(JSON.stringify(outsider.errors)).toContain('FORBIDDEN');
    expect(JSON.stringify(stranger.errors)).toContain('FORBIDDEN');
    // Marks move once the three subscriptions listen (the server counts them once their streams are open).
    await waitForSubscriptions(api, 'readReceipts', 3);

    await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 3 }, customer.token);
    await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 2 }, customer.token); // not a move: no receipt
    await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 4 }, agent.token);
    expect(await agentSub.waitFor(1)).toEqual([{ chatId, seq: 3, user: { id: customer.id } }]);
    expect(await customerSub.waitFor(1)).toEqual([{ chatId, seq: 4, user: { id: agent.id } }]);
    expect(await adminSub.waitFor(2)).toEqual([
      { chatId, seq: 3, user: { id: customer.id } },
      { chatId, seq: 4, user: { id: agent.id } },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(agentSub.values).toHaveLength(1);
    expect(customerSub.values).toHaveLength(1);
  });
});

describe('read receipts after a transfer', () => {
  it('stop reaching the agent who handed the chat on, and reach the new one, whose mark starts afresh', async () => {
    const chatId = await chatWithFourMessages();
    await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 4 }, agent.token);
    const open = (who: Person) => {
      const ws = wsClient(api.wsUrl, who.token);
      sockets.push(ws);
      return subscribe<{ seq: number; user: { id: string } }>(ws, RECEIPTS, { id: chatId });
    };
    const before = await subscriptionCount(api, 'readReceipts');
    const former = open(agent);
    await waitForSubscriptions(api, 'readReceipts', before + 1);
    await gqlOk(api.graphqlUrl, `mutation($id: ID!, $to: ID!) { transferChat(chatId: $id, agentId: $to) { id } }`, { id: chatId, to: otherAgent.id }, admin.token);
    expect((await gqlOk(api.graphqlUrl, MARKS, { id: chatId }, customer.token))['chat']).toMatchObject({ agentReadSeq: 0 });
    const current = open(otherAgent);
    await waitForSubscriptions(api, 'readReceipts', before + 2);
    await gqlOk(api.graphqlUrl, MARK, { id: chatId, seq: 5 }, customer.token);
    expect(await current.waitFor(1)).toEqual([{ chatId, seq: 5, user: { id: customer.id } }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(former.values).toEqual([]);
    // The agent who left may no longer move a mark there.
    expect(errorCode(await mark(agent, chatId, 5))).toBe('FORBIDDEN');
  });
});

describe('ratings', () => {
  it('are the customer\'s, once the chat is CLOSED; rating again replaces', async () => {
    const chatId = await chatWithFourMessages();
    const rate = (who: Person, rating: number, comment?: string | null) => gql(api.graphqlUrl, RATE, { id: chatId, rating, comment }, who.token);
    // Not CLOSED yet: its own customer is told the chat's state conflicts (CONFLICT), and nothing is stored.
    const early = await rate(customer, 5);
    expect(errorCode(early)).toBe('CONFLICT');
    expect(early.errors?.[0]?.message).toBe('A chat can be rated once it is closed.');
    expect(errorCode(await rate(otherCustomer, 5))).toBe('FORBIDDEN');
    expect((await api.server.dataSource.query(`SELECT count(*)::int AS n FROM chat_ratings WHERE "chatId" = $1`, [chatId]))[0].n).toBe(0);
    await gqlOk(api.graphqlUrl, CLOSE, { id: chatId }, customer.token);

    expect(errorCode(await rate(customer, 0))).toBe('BAD_USER_INPUT');
    expect(errorCode(await rate(customer, 6))).toBe('BAD_USER_INPUT');
    const tooLong = await rate(customer, 4, 'x'.repeat(1001));
    expect(errorCode(tooLong)).toBe('BAD_USER_INPUT');
    expect(tooLong.errors?.[0]?.extensions?.['fields']).toEqual([{ field: 'comment', message: expect.any(String) }]);
    expect(errorCode(await rate(agent, 5))).toBe('FORBIDDEN');
    expect(errorCode(await rate(admin, 5))).toBe('FORBIDDEN');
    expect(errorCode(await rate(otherCustomer, 5))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, RATE, { id: '00000000-0000-4000-8000-000000000000', rating: 5 }, customer.token))).toBe('NOT_FOUND');
    expect((await gqlOk(api.graphqlUrl, RATING, { id: chatId }, customer.token))['chat']).toEqual({ rating: null, ratingComment: null });

    expect((await rate(customer, 4, `  ${'é'.repeat(1000)}  `)).data?.['rateChat']).toEqual({ id: chatId, rating: 4, ratingComment: 'é'.repeat(1000) });
    expect((await rate(customer, 2, null)).data?.['rateChat']).toEqual({ id: chatId, rating: 2, ratingComment: null });
    expect((await gqlOk(api.graphqlUrl, RATING, { id: chatId }, agent.token))['chat']).toEqual({ rating: 2, ratingComment: null });
  });

  it('are published as chatRated (what webhooks send as chat.rated), on the topic and to in-process listeners', async () => {
    const chatId = await chatWithFourMessages();
    await gqlOk(api.graphqlUrl, CLOSE, { id: chatId }, agent.token);
    const pubsub = new LocalPubSub<ChatActivityTopics>();
    const db = api.server.dataSource;
    const service = new ChatActivityService(db, new ChatService(db, new LocalPubSub()), new ChatActivityRepository(db), pubsub);
    const published: ChatRatedEvent[] = [];
    // A recorder writes in the rating's own transaction (here: whether the rating is visible there yet), then hears of the commit.
    const recorded: Array<{ rating: unknown; inTransaction: unknown }> = [];
    const committed: string[] = [];
    service.useRecorder({
      record: async (runner, event) => {
        const [row] = await runner.query(`SELECT rating, now() <> statement_timestamp() AS "inTransaction" FROM chat_ratings WHERE "chatId" = $1`, [event.chat.id]);
        recorded.push(row);
      },
      committed: (id) => committed.push(id),
    });
    pubsub.subscribe('chatRated', 'all', (event) => published.push(event));
    const heard = new Promise<ChatRatedEvent>((resolve) => service.onRated(async (event) => resolve(event)));
    const viewer = { id: customer.id, role: Role.CUSTOMER, expiresAt: Math.floor(Date.now() / 1000) + 60 };
    await service.rate(viewer, chatId, 3, ' Slow, but solved. ');
    expect(published).toEqual([
      { chat: expect.objectContaining({ id: chatId, status: 'CLOSED', customerId: customer.id, agentId: agent.id }), rating: 3, ratingComment: 'Slow, but solved.', ratedAt: expect.any(Date) },
    ]);
    expect(await heard).toEqual(published[0]);
    expect(recorded).toEqual([{ rating: 3, inTransaction: true }]);
    expect(committed).toEqual([chatId]);
    // A refused rating publishes nothing.
    await expect(service.rate(viewer, chatId, 9, null)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(published).toHaveLength(1);
  });
});
