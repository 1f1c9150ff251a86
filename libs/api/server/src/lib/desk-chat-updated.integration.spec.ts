// What the desk's chatUpdated costs an instance, and that what it shows is
// right: the desk's own subscription document (libs/web/desk/api/data-access),
// executed on an instance that did not make the change (through Redis). Every
// event used to read labels, the assignment reason, the read marks, the last
// message and its files, one statement each (5 an event); the event now
// carries the last message its change wrote, a message known to have no files
// needs no read, and the team's fields are one statement (1 an event).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode } from 'graphql';
import {
  createAgent,
  gqlOk,
  registerCustomer,
  sharedDeployment,
  startTestServer,
  StatementLog,
  subscribe,
  waitForSubscriptions,
  wsClient,
  type Person,
  type Subscription,
  type TestServer,
  type WsClient,
} from '@parley/api/testing';

jest.setTimeout(90_000);

const DESK_GRAPHQL = join(__dirname, '../../../../web/desk/api/data-access/src/lib/graphql');

/** One operation of the desk's documents with the fragments it uses, as the desk sends it. */
function deskOperation(name: string): string {
  const definitions: DefinitionNode[] = ['inbox.graphql', 'fragments.graphql'].flatMap((file) => parse(readFileSync(join(DESK_GRAPHQL, file), 'utf8')).definitions);
  const fragments = new Map(
    definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const operation = definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name);
  if (!operation) throw new Error(`no operation ${name} in the desk's documents`);
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread: (spread) => {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          collect(fragment);
        }
      },
    });
  collect(operation);
  return [operation, ...used.values()].map((d) => print(d)).join('\n');
}

const DESK_CHAT_UPDATED = deskOperation('DeskChatUpdated');
// The same selection read fresh, to compare an event with what a read at that moment shows.
const DESK_CHAT = DESK_CHAT_UPDATED.replace(/subscription DeskChatUpdated\s*\{\s*chatUpdated\s*\{/, 'query DeskChatNow($id: ID!) { chat(id: $id) {');
// A customer asking for everything staff see: they must get none of it.
const CUSTOMER_CHAT_UPDATED = `subscription { chatUpdated {
  id status labels assignmentReason notes { body } customerReadSeq
  lastMessage { seq kind body sender { displayName } attachments { name } }
} }`;

// Every table the desk's chat fields are read from (users are cached per instance, read once a person, not an event).
const DESK_READS = /\b(chats|messages|attachments|chat_labels|chat_assignments|chat_read_marks|chat_ratings|notes)\b/;

type DeskChat = Record<string, any> & { id: string; status: string };

const START = `mutation($input: StartChatInput!) { startChat(input: $input) { id } }`;
const ACCEPT = `mutation($c: ID!) { acceptChat(chatId: $c) { id } }`;
const LABEL = `mutation($c: ID!, $l: [String!]!) { setChatLabels(chatId: $c, labels: $l) { id } }`;
const MARK = `mutation($c: ID!, $s: Int!) { markChatRead(chatId: $c, seq: $s) { id } }`;
const NOTE = `mutation($c: ID!, $b: String!) { addNote(chatId: $c, body: $b) { id } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { seq } }`;

async function upload(api: TestServer, token: string, name: string): Promise<string> {
  const form = new FormData();
  const pdf = '%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n';
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), name);
  const res = await fetch(`${api.url}/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

describe("the desk's chatUpdated, executed on another instance", () => {
  let writer: TestServer;
  let listener: TestServer;
  let agent: Person;
  let customer: Person;
  const sockets: WsClient[] = [];
  const socket = (token: string) => {
    const opened = wsClient(listener.wsUrl, token);
    sockets.push(opened);
    return opened;
  };
  const fresh = async (chatId: string) => (await gqlOk<{ chat: DeskChat }>(writer.graphqlUrl, DESK_CHAT, { id: chatId }, agent.token)).chat;
  const start = async (message: string, attachmentIds?: string[]) =>
    (await gqlOk<{ startChat: { id: string } }>(writer.graphqlUrl, START, { input: { message, attachmentIds } }, customer.token)).startChat.id;

  beforeAll(async () => {
    const shared = sharedDeployment();
    writer = await startTestServer(shared);
    listener = await startTestServer({ ...shared, databaseUrl: writer.database.url });
    [agent, customer] = await Promise.all([createAgent(writer, 'Alex Agent'), registerCustomer(writer, 'Casey Customer')]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await listener?.stop();
    await writer?.stop();
  }, 30_000);

  it('costs one statement an event: a new chat, then its acceptance', async () => {
    const log = new StatementLog(listener);
    const desk: Subscription<DeskChat> = subscribe(socket(agent.token), DESK_CHAT_UPDATED);
    await waitForSubscriptions(listener, 'chatUpdated', 1);
    // A first chat, so that the people the events show are in the listener's user cache.
    await gqlOk(writer.graphqlUrl, ACCEPT, { c: await start('First question') }, agent.token);
    await desk.waitFor(2);

    let chatId = '';
    const started = await log.during(DESK_READS, async () => {
      chatId = await start('Where is my parcel?');
      await desk.waitFor(3);
    });
    const accepted = await log.during(DESK_READS, async () => {
      await gqlOk(writer.graphqlUrl, ACCEPT, { c: chatId }, agent.token);
      await desk.waitFor(4);
    });
    // Each: the team's fields (labels, reason, marks) in one statement; the last message and its files came with the event.
    for (const statements of [started, accepted]) {
      expect(statements).toHaveLength(1);
      for (const table of ['chat_labels', 'chat_assignments', 'chat_read_marks']) expect(statements[0]).toContain(table);
    }
    const [, , queued, active] = desk.values;
    expect(queued).toMatchObject({ id: chatId, status: 'QUEUED', lastMessage: { seq: 1, kind: 'CUSTOMER', body: 'Where is my parcel?', attachments: [] } });
    expect(active).toEqual(await fresh(chatId));
    desk.unsubscribe();
  });

  it('shows what a read at that moment shows: labels, reason, read mark, last message and its files', async () => {
    const desk: Subscription<DeskChat> = subscribe(socket(agent.token), DESK_CHAT_UPDATED);
    await waitForSubscriptions(listener, 'chatUpdated', 1);
    const file = await upload(writer, customer.token, 'invoice.pdf');
    const chatId = await start('My invoice is wrong', [file]);
    const [queued] = await desk.waitFor(1);
    expect(queued).toEqual(await fresh(chatId));
    expect(queued?.['lastMessage']).toMatchObject({ seq: 1, kind: 'CUSTOMER', sender: { displayName: 'Casey Customer' }, attachments: [{ id: file, name: 'invoice.pdf' }] });

    // Changed while it waits, announced by no event of their own: the next event shows them.
    await gqlOk(writer.graphqlUrl, LABEL, { c: chatId, l: ['billing', 'VIP'] }, agent.token);
    await gqlOk(writer.graphqlUrl, MARK, { c: chatId, s: 1 }, customer.token);
    await gqlOk(writer.graphqlUrl, ACCEPT, { c: chatId }, agent.token);
    const [, active] = await desk.waitFor(2);
    expect(active).toMatchObject({
      id: chatId,
      status: 'ACTIVE',
      labels: ['billing', 'VIP'],
      assignmentReason: 'accepted',
      customerReadSeq: 1,
      agent: { displayName: 'Alex Agent' },
      lastMessage: { seq: 2, kind: 'SYSTEM', body: 'Alex Agent joined the chat.', sender: null, attachments: [] },
    });
    expect(active).toEqual(await fresh(chatId));
    desk.unsubscribe();
  });

  it("gives the chat's customer none of the staff's fields, and their own read mark", async () => {
    const mine: Subscription<DeskChat> = subscribe(socket(customer.token), CUSTOMER_CHAT_UPDATED);
    await waitForSubscriptions(listener, 'chatUpdated', 1);
    const chatId = await start('Can I change my address?');
    await mine.waitFor(1);
    await gqlOk(writer.graphqlUrl, NOTE, { c: chatId, b: 'private: asked twice before' }, agent.token);
    await gqlOk(writer.graphqlUrl, LABEL, { c: chatId, l: ['address'] }, agent.token);
    await gqlOk(writer.graphqlUrl, MARK, { c: chatId, s: 1 }, customer.token);
    await gqlOk(writer.graphqlUrl, ACCEPT, { c: chatId }, agent.token);
    await gqlOk(writer.graphqlUrl, SEND, { input: { chatId, body: 'Yes, until it ships.' } }, agent.token);
    const [queued, active, reply] = await mine.waitFor(3);
    const hidden = { labels: [], assignmentReason: null, notes: null };
    expect(queued).toMatchObject({ ...hidden, status: 'QUEUED', customerReadSeq: 0, lastMessage: { seq: 1, kind: 'CUSTOMER', attachments: [] } });
    expect(active).toMatchObject({ ...hidden, status: 'ACTIVE', customerReadSeq: 1, lastMessage: { seq: 2, kind: 'SYSTEM', sender: null, attachments: [] } });
    expect(reply).toMatchObject({ ...hidden, lastMessage: { seq: 3, kind: 'AGENT', body: 'Yes, until it ships.', sender: { displayName: 'Alex Agent' }, attachments: [] } });
    expect(JSON.stringify(mine.values)).not.toContain('private');
    mine.unsubscribe();
  });
});
