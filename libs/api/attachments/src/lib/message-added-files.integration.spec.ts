// What a desk's messageAdded costs in files: a message sent without any is
// published marked so (`attached: false`), and its attachments are answered
// without a read, on the instance that sent it and on another one (the mark
// crosses Redis); a message sent with files is read and shows them.
import {
  acceptChat,
  createAgent,
  gqlOk,
  registerCustomer,
  sharedDeployment,
  startChat,
  startTestServer,
  StatementLog,
  subscribe,
  waitForSubscriptions,
  wsClient,
  type Person,
  type TestServer,
  type WsClient,
} from '@parley/api/testing';

jest.setTimeout(90_000);

// The desk's own selection of a message (DeskMessage, libs/web/desk/api/data-access).
const DESK_MESSAGE = `id chatId seq kind body clientMessageId createdAt sender { id displayName role }
  attachments { id name contentType size url width height thumbnailUrl }`;
const MESSAGE_ADDED = `subscription($chatId: ID!, $afterSeq: Int) { messageAdded(chatId: $chatId, afterSeq: $afterSeq) { ${DESK_MESSAGE} } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { ${DESK_MESSAGE} } }`;
// Message.attachments' read (AttachmentRepository.forMessages).
const FILES_READ = /FROM attachments WHERE "messageId"/;

type Event = Record<string, any> & { seq: number; attachments: Array<Record<string, unknown>> };

const PDF = '%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n';

async function upload(api: TestServer, token: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), name);
  const res = await fetch(`${api.url}/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Sends on `writer`, an agent listens on `listener` (the same instance, or another one of the deployment). */
function deliverySuite(servers: () => Promise<{ writer: TestServer; listener: TestServer }>): void {
  let writer: TestServer;
  let listener: TestServer;
  let agent: Person;
  let customer: Person;
  let chatId: string;
  const sockets: WsClient[] = [];
  const send = async (body: string, attachmentIds?: string[]) =>
    (await gqlOk<{ sendMessage: Event }>(writer.graphqlUrl, SEND, { input: { chatId, body, attachmentIds } }, customer.token)).sendMessage;

  beforeAll(async () => {
    ({ writer, listener } = await servers());
    [agent, customer] = await Promise.all([createAgent(writer, 'Alex Agent'), registerCustomer(writer, 'Casey Customer')]);
    chatId = await startChat(writer, customer, 'Hello');
    await acceptChat(writer, agent, chatId);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    if (listener !== writer) await listener?.stop();
    await writer?.stop();
  }, 30_000);

  it("answers a file-less message's attachments without reading them, and reads those of a message with files", async () => {
    const socket = wsClient(listener.wsUrl, agent.token);
    sockets.push(socket);
    const desk = subscribe<Event>(socket, MESSAGE_ADDED, { chatId });
    await waitForSubscriptions(listener, 'messageAdded', 1);
    const log = new StatementLog(listener);

    let answer: Event | undefined;
    const plain = await log.during(FILES_READ, async () => {
      answer = await send('Where is my parcel?');
      await desk.waitFor(1);
    });
    // Neither the event (one execution for the desk's group) nor, on its own instance, the mutation's answer read files.
    expect(plain).toEqual([]);
    expect(desk.values[0]).toMatchObject({ seq: 3, kind: 'CUSTOMER', body: 'Where is my parcel?', sender: { displayName: 'Casey Customer' }, attachments: [] });
    expect(answer).toMatchObject({ seq: 3, attachments: [] });

    const file = await upload(writer, customer.token, 'invoice.pdf');
    const withFile = await log.during(FILES_READ, async () => {
      await send('Here is the invoice', [file]);
      await desk.waitFor(2);
    });
    expect(withFile.length).toBeGreaterThanOrEqual(1);
    expect(desk.values[1]).toMatchObject({
      seq: 4,
      body: 'Here is the invoice',
      attachments: [{ id: file, name: 'invoice.pdf', contentType: 'application/pdf', size: PDF.length, url: expect.stringContaining(file) }],
    });
    // The mark is the server's own: never a field of what subscribers are sent.
    expect(JSON.stringify(desk.values)).not.toContain('attached');
    expect(desk.errors).toEqual([]);
  });

  it('reads the files of stored messages it replays (no mark there)', async () => {
    const socket = wsClient(listener.wsUrl, agent.token);
    sockets.push(socket);
    const log = new StatementLog(listener);
    const replay = await log.during(FILES_READ, async () => {
      const desk = subscribe<Event>(socket, MESSAGE_ADDED, { chatId, afterSeq: 2 });
      const [plain, withFile] = await desk.waitFor(2);
      expect(plain).toMatchObject({ seq: 3, attachments: [] });
      expect(withFile).toMatchObject({ seq: 4, attachments: [{ name: 'invoice.pdf' }] });
      desk.unsubscribe();
    });
    expect(replay.length).toBeGreaterThanOrEqual(1);
  });
}

describe("the desk's messageAdded on the instance that sent the message", () => {
  deliverySuite(async () => {
    const api = await startTestServer();
    return { writer: api, listener: api };
  });
});

describe("the desk's messageAdded on another instance (through Redis)", () => {
  deliverySuite(async () => {
    const shared = sharedDeployment();
    const writer = await startTestServer(shared);
    const listener = await startTestServer({ ...shared, databaseUrl: writer.database.url });
    return { writer, listener };
  });
});
