// What a new website visitor costs the server, step by step, as the widget
// takes them (and as the benchmark's visitors scenario does): the session, the
// socket, startChat with the first message, messageAdded from seq 0 until that
// message arrives. Counted on a real server: the statements each step sends to
// PostgreSQL (one round trip each) and the frames the socket is sent.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { gqlOk, startTestServer, StatementLog, type TestServer } from '@parley/api/testing';

const START_SESSION = `mutation Visit($input: VisitorSessionInput) { startVisitorSession(input: $input) { token user { id } } }`;
const START_CHAT = `mutation Start($input: StartChatInput!) { startChat(input: $input) { id } }`;
const FIRST_MESSAGES = `subscription First($chatId: ID!, $afterSeq: Int) { messageAdded(chatId: $chatId, afterSeq: $afterSeq) { seq body } }`;

interface Frame {
  type: string;
  id?: string;
  payload?: any;
}

/** A graphql-transport-ws socket as the widget opens it, keeping every frame the server sends. */
class RawSocket {
  readonly frames: Frame[] = [];
  private readonly waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  static async open(api: TestServer, token: string): Promise<RawSocket> {
    const ws = new WebSocket(api.wsUrl, 'graphql-transport-ws', { perMessageDeflate: false });
    const socket = new RawSocket(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await socket.frame((f) => f.type === 'connection_ack');
    return socket;
  }

  /** The first frame (already sent or still to come) that `matches`. */
  async frame(matches: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such frame; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 50);
      });
    }
  }

  subscribe(id: string, chatId: string, afterSeq: number): void {
    this.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: FIRST_MESSAGES, variables: { chatId, afterSeq } } }));
  }

  close(): void {
    this.ws.terminate();
  }
}

/** What a statement is, in a word or two (a change here should be seen and explained). */
function kind(text: string): string {
  if (/^WITH stored_user AS \( INSERT INTO users/.test(text)) return 'store visitor';
  if (/INSERT INTO chats/.test(text)) return 'start chat';
  if (/FROM chats c WHERE c.id = \$1\) .* FROM messages m/.test(text)) return 'chat with replay';
  if (/^SELECT .* FROM chats c WHERE c.id = \$1$/.test(text)) return 'chat';
  if (/FROM messages/.test(text)) return 'messages';
  if (/^SELECT routing\b.* FROM team_settings/.test(text)) return 'routing mode';
  return text.slice(0, 80);
}

// The server's own timers (the webhook outbox's sweeps) read their tables whenever they are due: not the visitor's.
const BACKGROUND = /\bwebhook_deliveries\b/;
/** The statements `work` sends, less the server's background work. */
const statementsOf = async (work: () => Promise<unknown>) => (await log.during(/./, work)).filter((text) => !BACKGROUND.test(text));

let api: TestServer;
let log: StatementLog;
beforeAll(async () => {
  api = await startTestServer();
  log = new StatementLog(api);
}, 30_000);
afterAll(async () => {
  await api?.stop();
}, 30_000);

const sockets: RawSocket[] = [];
afterAll(() => sockets.forEach((socket) => socket.close()));

async function visitor(name: string): Promise<{ token: string; id: string }> {
  const { startVisitorSession } = await gqlOk(api.graphqlUrl, START_SESSION, { input: { displayName: name } });
  return { token: startVisitorSession.token, id: startVisitorSession.user.id };
}

async function openSocket(token: string): Promise<RawSocket> {
  const socket = await RawSocket.open(api, token);
  sockets.push(socket);
  return socket;
}

describe("a new visitor's first message", () => {
  it('costs 3 statements in all: none for the session and the socket, 2 for startChat, 1 for messageAdded; 2 frames on the socket', async () => {
    // Someone wrote before: what an instance reads once (whether there are articles, so a bot) is read.
    const earlier = await visitor('Earlier');
    await gqlOk(api.graphqlUrl, START_CHAT, { input: { message: 'first of the day' } }, earlier.token);

    const body = `Hello, visitor ${randomUUID()} here`;
    let session = { token: '', id: '' };
    expect(await statementsOf(async () => (session = await visitor('Sam')))).toEqual([]);

    let socket: RawSocket | undefined;
    expect(await statementsOf(async () => (socket = await openSocket(session.token)))).toEqual([]);
    if (!socket) throw new Error('no socket');

    let chatId = '';
    const starting = await statementsOf(async () => {
      chatId = (await gqlOk(api.graphqlUrl, START_CHAT, { input: { message: body, clientMessageId: randomUUID() } }, session.token))['startChat'].id;
    });
    // Routing's question whether it assigns, a second at most old, is counted below: not every chat asks it.
    expect(starting.map(kind).filter((k) => k !== 'routing mode')).toEqual(['store visitor', 'start chat']);

    const open = socket;
    const subscribing = await statementsOf(async () => {
      open.subscribe('1', chatId, 0);
      await open.frame((f) => f.id === '1' && f.type === 'next');
    });
    // The chat (who may see it, its lastSeq) and the replay's first page in one statement.
    expect(subscribing.map(kind)).toEqual(['chat with replay']);

    // connection_ack and the message: nothing else was written to the socket.
    expect(open.frames).toEqual([
      { type: 'connection_ack' },
      { id: '1', type: 'next', payload: { data: { messageAdded: { seq: 1, body } } } },
    ]);
  });

  it('asks whether routing assigns once a second at most, however many visitors start chats one after another', async () => {
    const visitors = await Promise.all(Array.from({ length: 20 }, (_, i) => visitor(`Busy ${i}`)));
    const started = Date.now();
    const statements = await statementsOf(async () => {
      for (const v of visitors) await gqlOk(api.graphqlUrl, START_CHAT, { input: { message: 'one after another' } }, v.token);
    });
    const seconds = Math.ceil((Date.now() - started) / 1000);
    const kinds = statements.map(kind);
    expect(kinds.filter((k) => k === 'start chat')).toHaveLength(20);
    // Each read is kept for a second: one in each second the starts (and their listeners) took, and one more.
    expect(kinds.filter((k) => k === 'routing mode').length).toBeLessThanOrEqual(seconds + 1);
  });

  it("refuses someone else's chat with the contract's code, before any of its messages is sent; an unknown chat is not found", async () => {
    const owner = await visitor('Owner');
    const chatId = (await gqlOk(api.graphqlUrl, START_CHAT, { input: { message: 'only for me' } }, owner.token))['startChat'].id;

    // A stranger not stored yet, and one stored by a chat of their own.
    const unstored = await visitor('Stranger');
    const stored = await visitor('Other');
    await gqlOk(api.graphqlUrl, START_CHAT, { input: { message: 'my own chat' } }, stored.token);
    for (const stranger of [unstored, stored]) {
      const socket = await openSocket(stranger.token);
      socket.subscribe('s', chatId, 0);
      socket.subscribe('u', randomUUID(), 0);
      // Each ends at once: one result with the error and no data, then complete.
      await socket.frame((f) => f.id === 's' && f.type === 'complete');
      await socket.frame((f) => f.id === 'u' && f.type === 'complete');
      const results = socket.frames.filter((f) => f.type === 'next').sort((a, b) => String(a.id).localeCompare(String(b.id)));
      expect(results.map((f) => [f.id, f.payload.data ?? null, f.payload.errors.map((e: { extensions?: { code?: string } }) => e.extensions?.code)])).toEqual([
        ['s', null, ['FORBIDDEN']],
        ['u', null, ['NOT_FOUND']],
      ]);
    }

    // The owner, on a socket of their own, gets the message.
    const own = await openSocket(owner.token);
    own.subscribe('o', chatId, 0);
    expect((await own.frame((f) => f.id === 'o')).payload).toEqual({ data: { messageAdded: { seq: 1, body: 'only for me' } } });
  });
});
