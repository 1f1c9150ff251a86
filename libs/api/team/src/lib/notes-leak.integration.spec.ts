import { randomBytes } from 'node:crypto';
import {
  acceptChat,
  closeChat,
  gql,
  gqlOk,
  sendMessage,
  startChat,
  startFakeModel,
  subscribe,
  until,
  useTestServer,
  waitForSubscriptions,
  type FakeModel,
  type Person,
  type Subscription,
  type TestServer,
} from '@parley/api/testing';

jest.setTimeout(90_000);

/**
 * The leak walk: a customer goes through every surface that could carry a
 * private note (or a label, or why an agent has the chat) and none does.
 * Each surface is a step below; a new surface that shows chats or messages to
 * customers gets its step here.
 */
describe('private notes never reach a customer', () => {
  // A real HTTP receiver as the bot's language model: it keeps every prompt it is sent.
  let model: FakeModel;
  beforeAll(async () => {
    model = await startFakeModel('MODEL: print the return label.');
  });
  // The starter knowledge base: the bot answers, through the model.
  const cast = useTestServer({
    config: () => ({ seedDemo: true, llm: { baseUrl: model.baseUrl, model: 'tiny', timeoutMs: 4000 } }),
    agents: ['Alex'],
    customers: ['Casey'],
  });
  afterAll(() => model?.close());
  let api: TestServer;
  let agent: Person;
  let customer: Person;
  beforeAll(() => ({ api, agents: [agent], customers: [customer] } = cast));
  // Words no real text holds: if any appears in what the customer gets, something leaked.
  const SECRET = `zqnote${randomBytes(6).toString('hex')}`;
  const LABEL = `zqlabel${randomBytes(4).toString('hex')}`;

  const note = (chatId: string, body: string) =>
    gqlOk(api.graphqlUrl, `mutation($c: ID!, $b: String!) { addNote(chatId: $c, body: $b) { id } }`, { c: chatId, b: body }, agent.token);

  it('walks messages, lastMessage, messageAdded, chatUpdated, chats, search, transcripts and the bot prompt as a customer', async () => {
    const seen: unknown[] = [];
    const socket = cast.socket(customer.token);
    const CHAT_FIELDS = `id status subject notes { body author { displayName } } labels assignmentReason lastMessage { kind body } agent { displayName availability maxChats }`;
    const updates: Subscription<unknown> = subscribe(socket, `subscription { chatUpdated { ${CHAT_FIELDS} } }`);
    await waitForSubscriptions(api, 'chatUpdated', 1);

    // 1. While the bot answers: a note, then a question the bot sends to the model with the chat's context.
    const chatId = await startChat(api, customer, 'hi there');
    const live = subscribe(socket, `subscription($c: ID!) { messageAdded(chatId: $c, afterSeq: 0) { kind body } }`, { c: chatId });
    const notes = subscribe(socket, `subscription($c: ID!) { noteAdded(chatId: $c) { body } }`, { c: chatId });
    await note(chatId, `The customer is a reseller (${SECRET}); do not refund`);
    await sendMessage(api, customer, chatId, 'how do i send back shoes i bought');
    await live.waitFor(4, 10_000); // hi there, the bot, the question, the model's answer
    expect(model.bodies.length).toBeGreaterThanOrEqual(1);
    // The bot's prompt.
    for (const prompt of model.bodies) expect(prompt).not.toContain(SECRET);

    // 2. With an agent: notes, labels and a reply, all while the customer listens.
    await sendMessage(api, customer, chatId, 'I want to talk to a person please');
    // The bot hands over (its notice says when the team is back) before the agent takes the chat.
    await live.waitFor(6, 10_000);
    await acceptChat(api, agent, chatId);
    await note(chatId, `Escalate to finance: ${SECRET}`);
    await gqlOk(api.graphqlUrl, `mutation($c: ID!, $l: [String!]!) { setChatLabels(chatId: $c, labels: $l) { id } }`, { c: chatId, l: [LABEL] }, agent.token);
    await sendMessage(api, agent, chatId, 'Happy to help with the return.');
    await live.waitFor(8, 10_000);
    // chatUpdated comes to the customer with every message too: the bot's, the agent's reply (and a note added after it).
    await note(chatId, `After the reply: ${SECRET}`);
    await closeChat(api, agent, chatId);
    const lastKinds = () => (updates.values as Array<{ lastMessage: { kind: string; body: string } | null }>).map((c) => c.lastMessage);
    await until(() => lastKinds().some((m) => m?.kind === 'SYSTEM' && /closed/i.test(m.body)), 10_000, () => `no closing notice in ${JSON.stringify(lastKinds())}`);
    expect(lastKinds()).toEqual(
      expect.arrayContaining([
        { kind: 'BOT', body: expect.any(String) },
        { kind: 'CUSTOMER', body: 'I want to talk to a person please' },
        { kind: 'AGENT', body: 'Happy to help with the return.' },
      ]),
    );
    await notes.ended;
    seen.push(live.values, live.errors, updates.values, updates.errors, notes.values);
    // noteAdded refuses customers outright.
    expect(notes.values).toEqual([]);
    expect(JSON.stringify(notes.errors)).toContain('FORBIDDEN');

    // 3. The chat as queries show it: every page of messages (what a transcript is made of), lastMessage, notes, labels, reason.
    const one = await gqlOk(
      api.graphqlUrl,
      `query($c: ID!) { chat(id: $c) { ${CHAT_FIELDS} messages(first: 100) { edges { node { kind body } } pageInfo { hasNextPage } } } }`,
      { c: chatId },
      customer.token,
    );
    expect(one['chat']).toMatchObject({ notes: null, labels: [], assignmentReason: null, agent: { availability: null, maxChats: null } });
    expect(one['chat'].messages.pageInfo.hasNextPage).toBe(false);
    const bodies = (one['chat'].messages.edges as Array<{ node: { kind: string; body: string } }>).map((e) => e.node);
    // Every message but the note (the bot's answer may land before or after the customer's next line).
    expect(bodies.map((m) => m.kind).sort()).toEqual(['AGENT', 'BOT', 'BOT', 'CUSTOMER', 'CUSTOMER', 'CUSTOMER', 'SYSTEM', 'SYSTEM', 'SYSTEM']);
    seen.push(one);
    seen.push(await gqlOk(api.graphqlUrl, `{ chats(first: 10) { edges { node { ${CHAT_FIELDS} } } } }`, {}, customer.token));
    seen.push(await gql(api.graphqlUrl, `query($c: ID!) { chat(id: $c) { notes { body author { displayName } } } }`, { c: chatId }, customer.token));

    // 4. Search, once the schema has it: the note's own words find nothing, and the label filter is ignored for customers.
    const queryFields = await gqlOk(api.graphqlUrl, `{ __type(name: "Query") { fields { name } } }`, {}, customer.token);
    if ((queryFields['__type'].fields as Array<{ name: string }>).some((f) => f.name === 'searchChats')) {
      const byNote = await gqlOk(api.graphqlUrl, `query($q: String) { searchChats(query: $q) { edges { node { ${CHAT_FIELDS} } } } }`, { q: SECRET }, customer.token);
      expect(byNote['searchChats'].edges).toEqual([]);
      seen.push(byNote);
      seen.push(await gql(api.graphqlUrl, `query($l: String) { searchChats(label: $l) { edges { node { ${CHAT_FIELDS} } } } }`, { l: LABEL }, customer.token));
    }

    // 5. Stored messages: what transcripts (by email too), reply emails and message.created webhooks are built from.
    const stored = await api.server.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE body LIKE $1`, [`%${SECRET}%`]);
    expect(stored[0].n).toBe(0);

    // EMAILS AND WEBHOOKS: built by the integrations part (its own lib). Their walk belongs here once they
    // exist: a customer's reply-notification email, a transcript email and every webhook body of this chat
    // (chat.created, chat.updated, message.created, chat.rated), each checked for SECRET and LABEL.

    const everything = JSON.stringify(seen);
    expect(everything).toContain('Happy to help with the return.'); // the walk did see the chat
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(LABEL);
    expect(everything).not.toMatch(/accepted|auto-assigned|transferred by/);
  });
});
