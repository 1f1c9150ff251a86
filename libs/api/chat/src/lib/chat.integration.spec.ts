import { randomUUID } from 'node:crypto';
import {
  acceptChat,
  errorCode,
  gql,
  gqlOk,
  sendMessage,
  startChat,
  subscribe,
  useTestServer,
  type Person,
  type TestServer,
} from '@parley/api/testing';
import { TokenService } from '@parley/api/auth';

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id seq body kind clientMessageId sender { id } chat { id } } }`;
const START = `mutation($input: StartChatInput!) { startChat(input: $input) { id status subject botActive customer { id } agent { id } lastMessage { seq body kind } } }`;
const ACCEPT = `mutation($id: ID!) { acceptChat(chatId: $id) { id status agent { id displayName } } }`;
const CLOSE = `mutation($id: ID!) { closeChat(chatId: $id) { id status closedAt } }`;
const TYPING = `mutation($id: ID!, $typing: Boolean!) { setTyping(chatId: $id, typing: $typing) }`;
const MESSAGES = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  chat(id: $id) { id messages(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { seq body } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
const MESSAGE_ADDED = `subscription($id: ID!, $after: Int) { messageAdded(chatId: $id, afterSeq: $after) { id seq body kind chatId sender { id } } }`;

const cast = useTestServer({ agents: ['Alex Agent', 'Blake Agent'], customers: ['Casey Customer', 'Dana Customer'] });
let api: TestServer;
let admin: Person;
let agent: Person;
let otherAgent: Person;
let customer: Person;
let otherCustomer: Person;
const openSocket = (token?: string) => cast.socket(token);

beforeAll(() => {
  ({ api, admin, agents: [agent, otherAgent], customers: [customer, otherCustomer] } = cast);
});

describe('starting a chat', () => {
  it('opens a QUEUED chat whose first message is the customer\'s', async () => {
    const data = await gqlOk(api.graphqlUrl, START, { input: { subject: ' Order 1234 ', message: '  Where is my order?  ' } }, customer.token);
    expect(data['startChat']).toMatchObject({
      status: 'QUEUED',
      subject: 'Order 1234',
      // No article in the knowledge base, so no bot: the chat needs a person at once.
      botActive: false,
      customer: { id: customer.id },
      agent: null,
      lastMessage: { seq: 1, body: 'Where is my order?', kind: 'CUSTOMER' },
    });
  });

  it('is idempotent with a clientMessageId, also when two starts race', async () => {
    const clientMessageId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => gqlOk(api.graphqlUrl, START, { input: { message: 'double click', clientMessageId } }, customer.token)),
    );
    const ids = new Set(results.map((r) => r['startChat'].id));
    expect(ids.size).toBe(1);
    const again = await gqlOk(api.graphqlUrl, START, { input: { message: 'double click', clientMessageId } }, customer.token);
    expect(again['startChat'].id).toBe([...ids][0]);
    const page = await gqlOk(api.graphqlUrl, MESSAGES, { id: again['startChat'].id }, customer.token);
    expect(page['chat'].messages.edges).toHaveLength(1);
  });

  it('is for customers only', async () => {
    const res = await gql(api.graphqlUrl, START, { input: { message: 'hi' } }, agent.token);
    expect(errorCode(res)).toBe('FORBIDDEN');
  });

  it('rejects bad input with the fields named and writes nothing', async () => {
    const before = await countRows('chats');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ message: '   ' }, 'message'],
      [{ message: 'x'.repeat(4001) }, 'message'],
      [{ message: 'ok', subject: 's'.repeat(201) }, 'subject'],
      [{ message: 'ok', clientMessageId: '' }, 'clientMessageId'],
      [{ message: 'ok', clientMessageId: 'c'.repeat(65) }, 'clientMessageId'],
      [{ message: 'nul \u0000 inside' }, 'input.message'],
    ];
    for (const [input, field] of cases) {
      const res = await gql(api.graphqlUrl, START, { input }, customer.token);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions?.['fields']).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect(await countRows('chats')).toBe(before);
  });

  it('accepts exactly 4000 characters (emoji count as one)', async () => {
    const body = '😀'.repeat(4000);
    const data = await gqlOk(api.graphqlUrl, START, { input: { message: body } }, customer.token);
    expect(data['startChat'].lastMessage.body).toBe(body);
  });
});

describe('the queue and accepting', () => {
  it('lists QUEUED chats oldest first, to agents and admins only', async () => {
    const first = await startChat(api, otherCustomer, 'queue one');
    const second = await startChat(api, otherCustomer, 'queue two');
    const data = await gqlOk(api.graphqlUrl, `{ queue { id status } }`, {}, agent.token);
    const ids = data['queue'].map((c: { id: string }) => c.id);
    expect(ids.indexOf(first)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(first)).toBeLessThan(ids.indexOf(second));
    expect(data['queue'].every((c: { status: string }) => c.status === 'QUEUED')).toBe(true);
    expect(errorCode(await gql(api.graphqlUrl, `{ queue { id } }`, {}, customer.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, `{ queue { id } }`))).toBe('UNAUTHENTICATED');
  });

  it('gives a chat to exactly one of several agents accepting at once', async () => {
    const chatId = await startChat(api, customer, 'race me');
    const agents = [agent, otherAgent, admin];
    const results = await Promise.all(agents.map((a) => gql(api.graphqlUrl, ACCEPT, { id: chatId }, a.token)));
    const winners = results.filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(2);
    const page = await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId }, customer.token);
    const bodies = page['chat'].messages.edges.map((e: any) => e.node.body);
    expect(bodies).toEqual(['race me', `${winners[0].data!['acceptChat'].agent.displayName} joined the chat.`]);
  });

  it('is for agents and admins, and not for closed chats', async () => {
    const chatId = await startChat(api, customer, 'who accepts?');
    expect(errorCode(await gql(api.graphqlUrl, ACCEPT, { id: chatId }, customer.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, ACCEPT, { id: randomUUID() }, agent.token))).toBe('NOT_FOUND');
    expect(errorCode(await gql(api.graphqlUrl, ACCEPT, { id: 'not-a-uuid' }, agent.token))).toBe('NOT_FOUND');
    await gqlOk(api.graphqlUrl, CLOSE, { id: chatId }, customer.token);
    expect(errorCode(await gql(api.graphqlUrl, ACCEPT, { id: chatId }, agent.token))).toBe('CHAT_CLOSED');
  });
});

describe('sending messages', () => {
  let chatId: string;
  beforeAll(async () => {
    chatId = await startChat(api, customer, 'I need help');
    await acceptChat(api, agent, chatId);
  });

  it('lets the customer and the accepting agent write, with kind and sender', async () => {
    const fromCustomer = await gqlOk(api.graphqlUrl, SEND, { input: { chatId, body: 'hello?' } }, customer.token);
    const fromAgent = await gqlOk(api.graphqlUrl, SEND, { input: { chatId, body: 'Hi, how can I help?' } }, agent.token);
    expect(fromCustomer['sendMessage']).toMatchObject({ kind: 'CUSTOMER', sender: { id: customer.id }, chat: { id: chatId } });
    expect(fromAgent['sendMessage']).toMatchObject({ kind: 'AGENT', sender: { id: agent.id } });
    expect(fromAgent['sendMessage'].seq).toBe(fromCustomer['sendMessage'].seq + 1);
  });

  it('refuses everyone else', async () => {
    const input = { chatId, body: 'let me in' };
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input }, otherAgent.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input }, admin.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input }, otherCustomer.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input }, 'not-a-token'))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input: { chatId: randomUUID(), body: 'x' } }, customer.token))).toBe('NOT_FOUND');
  });

  it('is idempotent per clientMessageId, also for identical sends racing', async () => {
    const clientMessageId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => gqlOk(api.graphqlUrl, SEND, { input: { chatId, body: 'once', clientMessageId } }, customer.token)),
    );
    expect(new Set(results.map((r) => r['sendMessage'].id)).size).toBe(1);
    expect(results[0]['sendMessage'].clientMessageId).toBe(clientMessageId);
    const after = await sendMessage(api, customer, chatId, 'next');
    // No seq was spent on the duplicates.
    expect(after.seq).toBe(results[0]['sendMessage'].seq + 1);
    // The same clientMessageId from the other participant is a different message.
    const agents = await sendMessage(api, agent, chatId, 'agent side', clientMessageId);
    expect(agents.id).not.toBe(results[0]['sendMessage'].id);
  });

  it('numbers 20 concurrent senders 1..n with no gap and no duplicate', async () => {
    const chat = await startChat(api, customer, 'busy chat');
    await acceptChat(api, agent, chat);
    const sends = Array.from({ length: 20 }, (_, i) => sendMessage(api, i % 2 ? agent : customer, chat, `m${i}`));
    const sent = await Promise.all(sends);
    const seqs = sent.map((m) => m.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 3));
    const stored = await api.server.dataSource.query(`SELECT seq FROM messages WHERE "chatId" = $1 ORDER BY seq`, [chat]);
    expect(stored.map((r: { seq: number }) => r.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
  });

  it('rejects bad bodies with the field named', async () => {
    for (const body of ['', '   ', 'x'.repeat(4001)]) {
      const res = await gql(api.graphqlUrl, SEND, { input: { chatId, body } }, customer.token);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions?.['fields']).toEqual([expect.objectContaining({ field: 'body' })]);
    }
  });
});

describe('closing', () => {
  it('closes once, adds a SYSTEM message, and makes the chat read-only', async () => {
    const chatId = await startChat(api, customer, 'close me');
    await acceptChat(api, agent, chatId);
    expect(errorCode(await gql(api.graphqlUrl, CLOSE, { id: chatId }, otherAgent.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, CLOSE, { id: chatId }, otherCustomer.token))).toBe('FORBIDDEN');
    const closed = await gqlOk(api.graphqlUrl, CLOSE, { id: chatId }, agent.token);
    expect(closed['closeChat']).toMatchObject({ status: 'CLOSED', closedAt: expect.any(String) });
    const again = await gqlOk(api.graphqlUrl, CLOSE, { id: chatId }, customer.token);
    expect(again['closeChat']).toEqual(closed['closeChat']);
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input: { chatId, body: 'still there?' } }, customer.token))).toBe('CHAT_CLOSED');
    expect(errorCode(await gql(api.graphqlUrl, TYPING, { id: chatId, typing: true }, customer.token))).toBe('CHAT_CLOSED');
    const page = await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId }, customer.token);
    const last = page['chat'].messages.edges.at(-1).node;
    expect(last.body).toBe('Chat closed by Alex Agent.');
  });

  it('lets an admin close any chat, and an agent only the chats they accepted', async () => {
    const queued = await startChat(api, customer, 'unaccepted');
    expect(errorCode(await gql(api.graphqlUrl, CLOSE, { id: queued }, agent.token))).toBe('FORBIDDEN');
    expect((await gqlOk(api.graphqlUrl, CLOSE, { id: queued }, admin.token))['closeChat'].status).toBe('CLOSED');
  });
});

describe('reading', () => {
  let chatId: string;
  beforeAll(async () => {
    chatId = await startChat(api, customer, 'm1');
    await acceptChat(api, agent, chatId); // seq 2
    for (let i = 3; i <= 130; i++) await sendMessage(api, i % 2 ? customer : agent, chatId, `m${i}`);
  });

  const seqs = (data: any) => data['chat'].messages.edges.map((e: any) => e.node.seq);

  it('gives the newest 50 by default, oldest first', async () => {
    const data = await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId }, customer.token);
    expect(seqs(data)).toEqual(Array.from({ length: 50 }, (_, i) => 81 + i));
    expect(data['chat'].messages.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  it('pages forward with first/after and backward with last/before, without overlap', async () => {
    const page1 = await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId, first: 100 }, agent.token);
    expect(seqs(page1)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(page1['chat'].messages.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const page2 = await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId, first: 100, after: page1['chat'].messages.pageInfo.endCursor }, agent.token);
    expect(seqs(page2)).toEqual(Array.from({ length: 30 }, (_, i) => i + 101));
    expect(page2['chat'].messages.pageInfo.hasNextPage).toBe(false);

    const back1 = await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId, last: 20 }, customer.token);
    expect(seqs(back1)).toEqual(Array.from({ length: 20 }, (_, i) => i + 111));
    const back2 = await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId, last: 20, before: back1['chat'].messages.pageInfo.startCursor }, customer.token);
    expect(seqs(back2)).toEqual(Array.from({ length: 20 }, (_, i) => i + 91));
  });

  it('rejects out-of-range sizes, first with last, and foreign cursors', async () => {
    for (const vars of [{ first: 0 }, { first: 101 }, { last: 101 }, { first: 5, last: 5 }, { after: 'bogus' }, { before: 'e30' }]) {
      const res = await gql(api.graphqlUrl, MESSAGES, { id: chatId, ...vars }, customer.token);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
    }
  });

  it('gives the same pages whether the chat query reads its page ahead or the field reads it, and reports bad page arguments on the field', async () => {
    // `chat(id) { messages }` reads the page with the chat; in the chat list, under aliases or a directive, the field reads it itself.
    const PAGE = `edges { cursor node { seq body sender { id } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
    const inList = `query($first: Int, $after: String, $last: Int, $before: String) { chats(first: 2) { edges { node { id
      messages(first: $first, after: $after, last: $last, before: $before) { ${PAGE} } } } } }`;
    const twice = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { chat(id: $id) {
      a: messages(first: $first, after: $after, last: $last, before: $before) { ${PAGE} } b: messages(last: 1) { edges { node { seq } } } } }`;
    const included = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { chat(id: $id) {
      messages(first: $first, after: $after, last: $last, before: $before) @include(if: true) { ${PAGE} } } }`;
    const middle = (await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId, first: 60 }, agent.token))['chat'].messages.pageInfo.endCursor;
    const requests = [{}, { first: 10 }, { first: 50, after: middle }, { last: 7, before: middle }, { last: 50 }, { after: middle }, { before: middle }];
    for (const vars of requests) {
      const ahead = (await gqlOk(api.graphqlUrl, MESSAGES.replace('node { seq body }', 'node { seq body sender { id } }'), { id: chatId, ...vars }, agent.token))['chat'].messages;
      const listed = (await gqlOk(api.graphqlUrl, inList, vars, agent.token))['chats'].edges.find((e: any) => e.node.id === chatId).node.messages;
      const aliased = (await gqlOk(api.graphqlUrl, twice, { id: chatId, ...vars }, agent.token))['chat'];
      const withDirective = (await gqlOk(api.graphqlUrl, included, { id: chatId, ...vars }, agent.token))['chat'].messages;
      expect(ahead.edges.length).toBeGreaterThan(0);
      // seq 2 is the SYSTEM message of the accept; after it customer and agent take turns.
      for (const { node } of ahead.edges) expect(node.sender).toEqual(node.seq === 2 ? null : { id: node.seq % 2 ? customer.id : agent.id });
      expect(listed).toEqual(ahead);
      expect(aliased.a).toEqual(ahead);
      expect(aliased.b.edges.map((e: any) => e.node.seq)).toEqual([130]);
      expect(withDirective).toEqual(ahead);
    }
    const bad = await gql(api.graphqlUrl, MESSAGES, { id: chatId, first: 5, last: 5 }, customer.token);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.path).toEqual(['chat', 'messages']);
  });

  it('reads the same chat with its page as without it, and no chat for an unknown id', async () => {
    const CHAT = `id subject status botActive createdAt updatedAt closedAt customer { id displayName } agent { id displayName }`;
    const alone = (await gqlOk(api.graphqlUrl, `query($id: ID!) { chat(id: $id) { ${CHAT} } }`, { id: chatId }, customer.token))['chat'];
    const withPage = (await gqlOk(api.graphqlUrl, `query($id: ID!) { chat(id: $id) { ${CHAT} messages(last: 2) { edges { node { seq } } } } }`, { id: chatId }, customer.token))['chat'];
    expect(alone).toMatchObject({ id: chatId, status: 'ACTIVE', customer: { id: customer.id }, agent: { id: agent.id } });
    expect(withPage).toEqual({ ...alone, messages: { edges: [{ node: { seq: 129 } }, { node: { seq: 130 } }] } });
    const unknown = await gqlOk(api.graphqlUrl, MESSAGES, { id: randomUUID() }, customer.token);
    expect(unknown['chat']).toBeNull();
  });

  it('shows a customer only their own chats, and never another customer\'s', async () => {
    const mine = await gqlOk(api.graphqlUrl, `{ chats(first: 100) { edges { node { customer { id } } } } }`, {}, customer.token);
    expect(mine['chats'].edges.length).toBeGreaterThan(0);
    expect(mine['chats'].edges.every((e: any) => e.node.customer.id === customer.id)).toBe(true);
    expect(errorCode(await gql(api.graphqlUrl, MESSAGES, { id: chatId }, otherCustomer.token))).toBe('FORBIDDEN');
    expect((await gqlOk(api.graphqlUrl, `query($id: ID!) { chat(id: $id) { id } }`, { id: randomUUID() }, customer.token))['chat']).toBeNull();
  });

  it('lists chats most recently updated first, 20 a page, by status, with working cursors', async () => {
    const all: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const data: any = await gqlOk(api.graphqlUrl, `query($after: String) { chats(after: $after) { edges { node { id updatedAt } } pageInfo { hasNextPage endCursor } } }`, { after }, agent.token);
      expect(data['chats'].edges.length).toBeLessThanOrEqual(20);
      all.push(...data['chats'].edges.map((e: any) => e.node.id));
      const times = data['chats'].edges.map((e: any) => Date.parse(e.node.updatedAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      if (!data['chats'].pageInfo.hasNextPage) break;
      after = data['chats'].pageInfo.endCursor;
    }
    const [{ count }] = await api.server.dataSource.query(`SELECT count(*)::int AS count FROM chats`);
    expect(all).toHaveLength(count);
    expect(new Set(all).size).toBe(count);
    const queued = await gqlOk(api.graphqlUrl, `{ chats(status: QUEUED, first: 100) { edges { node { status } } } }`, {}, agent.token);
    expect(queued['chats'].edges.every((e: any) => e.node.status === 'QUEUED')).toBe(true);
    expect(errorCode(await gql(api.graphqlUrl, `{ chats(first: 0) { edges { cursor } } }`, {}, agent.token))).toBe('BAD_USER_INPUT');
  });

  it('shows emails to the user themself and to staff only', async () => {
    const q = `query($id: ID!) { chat(id: $id) { customer { email } agent { email } } }`;
    const asCustomer = await gqlOk(api.graphqlUrl, q, { id: chatId }, customer.token);
    expect(asCustomer['chat']).toEqual({ customer: { email: customer.email }, agent: { email: null } });
    const asAgent = await gqlOk(api.graphqlUrl, q, { id: chatId }, otherAgent.token);
    expect(asAgent['chat']).toEqual({ customer: { email: customer.email }, agent: { email: agent.email } });
  });
});

describe('live updates over graphql-ws', () => {
  it('refuses a socket without a valid token with 4403', async () => {
    for (const token of [undefined, 'garbage']) {
      const ws = openSocket(token);
      subscribe(ws, `subscription { chatUpdated { id } }`);
      expect((await ws.closed).code).toBe(4403);
    }
  });

  it('closes the socket with 4403 when its token expires', async () => {
    const shortLived = await new TokenService(api.config.jwtSecret, 2).issueAccessToken({ id: customer.id, role: 'CUSTOMER' as any });
    const ws = openSocket(shortLived.token);
    const chats = subscribe(ws, `subscription { chatUpdated { id } }`);
    const started = Date.now();
    expect((await ws.closed).code).toBe(4403);
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(chats.values).toHaveLength(0);
  });

  it('delivers messages live, in order, to customer and agent', async () => {
    const chatId = await startChat(api, customer, 'live?');
    await acceptChat(api, agent, chatId);
    const customerSub = subscribe(openSocket(customer.token), MESSAGE_ADDED, { id: chatId });
    const agentSub = subscribe(openSocket(agent.token), MESSAGE_ADDED, { id: chatId });
    await sleep(300);
    for (let i = 0; i < 5; i++) await sendMessage(api, i % 2 ? agent : customer, chatId, `live ${i}`);
    const [a, b] = await Promise.all([customerSub.waitFor(5), agentSub.waitFor(5)]);
    expect(a.map((m: any) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(b.map((m: any) => m.body)).toEqual(['live 0', 'live 1', 'live 2', 'live 3', 'live 4']);
  });

  it('takes the chat written into the subscription itself, and answers queries sent over the socket', async () => {
    const chatId = await startChat(api, customer, 'inline?');
    await acceptChat(api, agent, chatId);
    const socket = openSocket(agent.token);
    // Arguments are read from the document, not only from variables of the same name.
    const sub = subscribe(socket, `subscription { messageAdded(chatId: "${chatId}") { chatId body sender { id } } }`);
    await sleep(300);
    await sendMessage(api, customer, chatId, 'inline');
    expect(await sub.waitFor(1)).toEqual([{ chatId, body: 'inline', sender: { id: customer.id } }]);
    const viaSocket = subscribe(socket, `query($chat: ID!) { chat(id: $chat) { messages(last: 1) { edges { node { body } } } } }`, { chat: chatId });
    expect(await viaSocket.waitFor(1)).toEqual([{ messages: { edges: [{ node: { body: 'inline' } }] } }]);
  });

  it('replays after afterSeq and then goes live with no gap and no duplicate while messages keep arriving', async () => {
    const chatId = await startChat(api, customer, 'm1');
    await acceptChat(api, agent, chatId);
    for (let i = 3; i <= 40; i++) await sendMessage(api, customer, chatId, `m${i}`);
    // Keep sending while the subscription replays.
    const sending = (async () => {
      for (let i = 41; i <= 100; i++) await sendMessage(api, i % 2 ? customer : agent, chatId, `m${i}`);
    })();
    const sub = subscribe(openSocket(agent.token), MESSAGE_ADDED, { id: chatId, after: 10 });
    await sending;
    const got = await sub.waitFor(90, 10000);
    await sleep(200);
    expect(sub.values.map((m: any) => m.seq)).toEqual(Array.from({ length: 90 }, (_, i) => i + 11));
    expect(got.every((m: any) => m.chatId === chatId)).toBe(true);
  });

  it('refuses another customer\'s chat', async () => {
    const chatId = await startChat(api, customer, 'private');
    const sub = subscribe(openSocket(otherCustomer.token), MESSAGE_ADDED, { id: chatId, after: 0 });
    await sub.ended;
    expect(sub.values).toHaveLength(0);
    expect(JSON.stringify(sub.errors)).toContain('FORBIDDEN');
  });

  it('tells agents of every new chat and a customer only of their own', async () => {
    const agentSub = subscribe(openSocket(agent.token), `subscription { chatUpdated { id status customer { id } } }`);
    const otherSub = subscribe(openSocket(otherCustomer.token), `subscription { chatUpdated { id status } }`);
    await sleep(300);
    const chatId = await startChat(api, customer, 'new one');
    await acceptChat(api, agent, chatId);
    const events = await agentSub.waitFor(2);
    expect(events.map((c: any) => [c.id, c.status])).toEqual([
      [chatId, 'QUEUED'],
      [chatId, 'ACTIVE'],
    ]);
    await sleep(200);
    expect(otherSub.values).toHaveLength(0);
  });

  it('tells a customer of each new message in their chats (one subscription for the whole list), and agents only of changes', async () => {
    const FIELDS = `id status lastMessage { seq body kind }`;
    const mine = subscribe(openSocket(customer.token), `subscription { chatUpdated { ${FIELDS} } }`);
    const other = subscribe(openSocket(otherCustomer.token), `subscription { chatUpdated { ${FIELDS} } }`);
    const inbox = subscribe(openSocket(agent.token), `subscription { chatUpdated { ${FIELDS} } }`);
    await sleep(300);
    const chatId = await startChat(api, customer, 'list test');
    await acceptChat(api, agent, chatId);
    await mine.waitFor(2);
    await sendMessage(api, agent, chatId, 'A reply for the list');
    await sendMessage(api, customer, chatId, 'And my answer');
    const events = (await mine.waitFor(4)).filter((c: any) => c.id === chatId);
    expect(events.map((c: any) => [c.status, c.lastMessage.kind, c.lastMessage.body])).toEqual([
      ['QUEUED', 'CUSTOMER', 'list test'],
      ['ACTIVE', 'SYSTEM', expect.any(String)],
      ['ACTIVE', 'AGENT', 'A reply for the list'],
      ['ACTIVE', 'CUSTOMER', 'And my answer'],
    ]);
    await sleep(200);
    expect(mine.values).toHaveLength(4);
    // Agents' inboxes get the chat's changes, not every message of every chat.
    expect(inbox.values.filter((c: any) => c.id === chatId).map((c: any) => c.status)).toEqual(['QUEUED', 'ACTIVE']);
    expect(other.values).toHaveLength(0);
  });

  it('relays typing to the other side only', async () => {
    const chatId = await startChat(api, customer, 'typing test');
    await acceptChat(api, agent, chatId);
    const q = `subscription($id: ID!) { typingChanged(chatId: $id) { chatId typing user { id displayName } } }`;
    const agentSees = subscribe(openSocket(agent.token), q, { id: chatId });
    const customerSees = subscribe(openSocket(customer.token), q, { id: chatId });
    await sleep(300);
    await gqlOk(api.graphqlUrl, TYPING, { id: chatId, typing: true }, customer.token);
    await gqlOk(api.graphqlUrl, TYPING, { id: chatId, typing: false }, customer.token);
    const events = await agentSees.waitFor(2);
    expect(events).toEqual([
      { chatId, typing: true, user: { id: customer.id, displayName: 'Casey Customer' } },
      { chatId, typing: false, user: { id: customer.id, displayName: 'Casey Customer' } },
    ]);
    expect(customerSees.values).toHaveLength(0);
    expect(errorCode(await gql(api.graphqlUrl, TYPING, { id: chatId, typing: true }, otherAgent.token))).toBe('FORBIDDEN');
  });
});

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function countRows(table: 'chats' | 'messages'): Promise<number> {
  const [{ count }] = await api.server.dataSource.query(`SELECT count(*)::int AS count FROM ${table}`);
  return count;
}
