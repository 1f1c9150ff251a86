import { noticeSentence, type MessageNoticeRow } from '@parley/api/chat';
import {
  acceptChat,
  createAgent,
  gqlOk,
  loginAdmin,
  registerCustomer,
  sendMessage,
  startChat,
  startTestServer,
  subscribe,
  wsClient,
  type Person,
  type TestServer,
  type WsClient,
} from '@parley/api/testing';

jest.setTimeout(60_000);

// The default page (a literal `first` costs more than the limit allows at this depth).
const MESSAGE = `fragment Noticed on Message { seq kind body notice { code name by to from wait opensAt timeZone } }`;
const MESSAGES = `query Messages($c: ID!) { chat(id: $c) { messages { edges { node { ...Noticed } } } } } ${MESSAGE}`;
const ADDED = `subscription Added($c: ID!) { messageAdded(chatId: $c, afterSeq: 0) { ...Noticed } } ${MESSAGE}`;

type Notice = { code: string } & Record<string, string | null>;
interface Seen {
  seq: number;
  kind: string;
  body: string;
  notice: Notice | null;
}

/** The notice without its empty fields: what the server stored. */
const stored = (notice: Notice | null): MessageNoticeRow => Object.fromEntries(Object.entries(notice ?? {}).filter(([, v]) => v !== null)) as unknown as MessageNoticeRow;

describe("SYSTEM messages' notices: what happened as data, over a query and messageAdded (one API, real PostgreSQL)", () => {
  let api: TestServer;
  let admin: Person;
  let adminName: string;
  let alex: Person;
  let sam: Person;
  let dana: Person;
  let casey: Person;
  const sockets: WsClient[] = [];
  const ok = (who: Person, query: string, variables: Record<string, unknown> = {}) => gqlOk(api.graphqlUrl, query, variables, who.token);
  const messages = async (who: Person, chatId: string): Promise<Seen[]> =>
    ((await ok(who, MESSAGES, { c: chatId }))['chat'].messages.edges as Array<{ node: Seen }>).map((e) => e.node);

  beforeAll(async () => {
    api = await startTestServer();
    admin = await loginAdmin(api);
    adminName = (await ok(admin, `{ me { displayName } }`))['me'].displayName;
    alex = await createAgent(api, 'Alex');
    sam = await createAgent(api, 'Sam');
    dana = await createAgent(api, 'Dana');
    casey = await registerCustomer(api, 'Casey');
    // A knowledge base: the bot answers new chats, and hands over when asked for a person.
    await ok(admin, `mutation($input: ArticleInput!) { createArticle(input: $input) { id } }`, { input: { title: 'Returns', body: 'Send it back within 30 days.', tags: [] } });
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await api?.stop();
  });

  it('each change of a chat writes its code and names, and a body that is the sentence made from them; person messages have none', async () => {
    const chatId = await startChat(api, casey, 'Where is my parcel?');
    const socket = wsClient(api.wsUrl, casey.token);
    sockets.push(socket);
    const live = subscribe<Seen>(socket, ADDED, { c: chatId });
    await new Promise((r) => setTimeout(r, 300));

    await sendMessage(api, casey, chatId, 'I want to talk to a person');
    const handedOver = async () => (await messages(casey, chatId)).some((m) => m.notice?.code === 'BOT_HANDED_OVER');
    for (let i = 0; i < 50 && !(await handedOver()); i++) await new Promise((r) => setTimeout(r, 100));
    await acceptChat(api, alex, chatId);
    const TRANSFER = `mutation($c: ID!, $a: ID!) { transferChat(chatId: $c, agentId: $a) { id } }`;
    const RELEASE = `mutation($c: ID!) { releaseChat(chatId: $c) { id } }`;
    await ok(alex, TRANSFER, { c: chatId, a: sam.id });
    await ok(admin, TRANSFER, { c: chatId, a: admin.id });
    await ok(admin, RELEASE, { c: chatId });
    await acceptChat(api, sam, chatId);
    await ok(admin, RELEASE, { c: chatId });
    await acceptChat(api, dana, chatId);
    await ok(admin, `mutation($u: ID!) { deactivateUser(userId: $u) { id } }`, { u: dana.id });
    await ok(casey, `mutation($c: ID!) { closeChat(chatId: $c) { id } }`, { c: chatId });

    const read = await messages(casey, chatId);
    const system = read.filter((m) => m.kind === 'SYSTEM');
    const wait = system[0].notice?.['wait'];
    expect(system.map((m) => stored(m.notice))).toEqual([
      { code: 'BOT_HANDED_OVER', wait },
      { code: 'JOINED', name: 'Alex' },
      { code: 'TRANSFERRED', by: 'Alex', to: 'Sam' },
      { code: 'TOOK_OVER', name: adminName },
      { code: 'RETURNED_TO_QUEUE', by: adminName },
      { code: 'JOINED', name: 'Sam' },
      { code: 'MOVED_TO_QUEUE', by: adminName, from: 'Sam' },
      { code: 'JOINED', name: 'Dana' },
      { code: 'AGENT_UNAVAILABLE', name: 'Dana' },
      { code: 'CLOSED', by: 'Casey' },
    ]);
    // Agents offline, no hours set: nobody online.
    expect(wait).toBe('NOBODY_ONLINE');
    for (const m of system) expect(m.body).toBe(noticeSentence(stored(m.notice)));
    expect(system.slice(1, 4).map((m) => m.body)).toEqual(['Alex joined the chat.', 'Alex transferred the chat to Sam.', `${adminName} took over the chat.`]);
    expect(system[9].body).toBe('Chat closed by Casey.');
    // The customer's, the bot's: no notice.
    const others = read.filter((m) => m.kind !== 'SYSTEM');
    expect(new Set(others.map((m) => m.kind))).toEqual(new Set(['CUSTOMER', 'BOT']));
    for (const m of others) expect(m.notice).toBeNull();

    // The same messages live, notices and all.
    await live.waitFor(read.length);
    expect(live.values.slice(0, read.length)).toEqual(read);
    // The agent's view reads the same notices.
    expect((await messages(admin, chatId)).filter((m) => m.kind === 'SYSTEM')).toEqual(system);
  });

  it('asking for a person with the button says so, with the wait as data', async () => {
    const chatId = await startChat(api, casey, 'Hello');
    await ok(casey, `mutation($id: ID!) { requestHuman(chatId: $id) { id } }`, { id: chatId });
    const [notice] = (await messages(casey, chatId)).filter((m) => m.kind === 'SYSTEM');
    expect(notice.notice).toEqual({ code: 'PERSON_REQUESTED', name: null, by: null, to: null, from: null, wait: 'NOBODY_ONLINE', opensAt: null, timeZone: null });
    expect(notice.body).toBe('Nobody from our team is online right now; an agent will answer as soon as one is back. The assistant has stopped answering.');
  });
});
