import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ERROR_CODES } from '@parley/shared/limits';
import {
  acceptChat,
  createAgent,
  errorCode,
  gql,
  gqlOk,
  login,
  registerCustomer,
  sendMessage,
  startTestServer,
  subscribe,
  wsClient,
  type Person,
  type TestServer,
} from '@parley/api/testing';
import { identityHash } from './identity';

const AUTH = 'token refreshToken user { id displayName email role anonymous externalId }';
const START_SESSION = `mutation($input: VisitorSessionInput) { startVisitorSession(input: $input) { ${AUTH} } }`;
const IDENTIFY = `mutation($input: IdentifyVisitorInput!) { identifyVisitor(input: $input) { ${AUTH} } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { ${AUTH} } }`;
const ME = `{ me { id displayName email anonymous externalId } }`;
const CHATS = `{ chats { edges { node { id customer { id } messages { edges { node { body sender { id } } } } } } } }`;
const START_CHAT = `mutation($input: StartChatInput!) { startChat(input: $input) { id customer { id displayName email anonymous } } }`;
const QUEUE = `{ queue { id customer { id displayName email anonymous externalId } } }`;

const identitySecret = new Uint8Array(randomBytes(32));
let api: TestServer;
beforeAll(async () => {
  api = await startTestServer({ identitySecret, accessRecheckSeconds: 1 });
}, 30_000);
afterAll(async () => {
  await api?.stop();
}, 30_000);

interface Session {
  token: string;
  refreshToken: string;
  user: { id: string; displayName: string; email: string | null; role: string; anonymous: boolean; externalId: string | null };
}

const startSession = async (input?: Record<string, unknown>): Promise<Session> =>
  (await gqlOk(api.graphqlUrl, START_SESSION, input ? { input } : {}))['startVisitorSession'];
const identify = async (externalId: string, token?: string, extra: Record<string, unknown> = {}): Promise<Session> =>
  (await gqlOk(api.graphqlUrl, IDENTIFY, { input: { externalId, userHash: identityHash(identitySecret, externalId), ...extra } }, token))['identifyVisitor'];
const stored = async (id: string) => (await api.server.dataSource.query(`SELECT * FROM users WHERE id = $1`, [id]))[0];
const userCount = async () => (await api.server.dataSource.query(`SELECT count(*)::int AS n FROM users`))[0].n as number;
const startChat = async (token: string, message = 'Hello from the widget') =>
  (await gqlOk(api.graphqlUrl, START_CHAT, { input: { message } }, token))['startChat'];
const chatIds = async (token: string) =>
  ((await gqlOk(api.graphqlUrl, CHATS, {}, token))['chats'].edges as Array<{ node: { id: string } }>).map((e) => e.node.id).sort();

describe('startVisitorSession', () => {
  it('signs in an anonymous CUSTOMER who is stored only when they first write', async () => {
    const before = await userCount();
    const session = await startSession({ displayName: '  Sam  ', email: 'sam@example.com' });
    expect(session.user).toMatchObject({ displayName: 'Sam', email: 'sam@example.com', role: 'CUSTOMER', anonymous: true, externalId: null });
    const defaulted = await startSession();
    expect(defaulted.user).toMatchObject({ displayName: 'Visitor', email: null, anonymous: true });
    expect(await userCount()).toBe(before);

    // The token works at once: the visitor, their (empty) list of chats.
    expect((await gqlOk(api.graphqlUrl, ME, {}, session.token))['me']).toMatchObject({ id: session.user.id, displayName: 'Sam', anonymous: true });
    expect(await chatIds(session.token)).toEqual([]);
    expect(await userCount()).toBe(before);

    const chat = await startChat(session.token);
    expect(chat.customer).toMatchObject({ id: session.user.id, displayName: 'Sam', email: 'sam@example.com', anonymous: true });
    const row = await stored(session.user.id);
    expect(row).toMatchObject({ role: 'CUSTOMER', email: 'sam@example.com', emailLower: null, passwordHash: null, externalId: null });
    expect(await userCount()).toBe(before + 1);
    // A second chat (another tab) stores nothing more.
    await startChat(session.token, 'and another thing');
    expect(await chatIds(session.token)).toHaveLength(2);
    expect((await gqlOk(api.graphqlUrl, ME, {}, session.token))['me']).toMatchObject({ id: session.user.id, anonymous: true });
  });

  it('refuses bad input, naming the field, and a password account never learns of a visitor with its email', async () => {
    for (const [input, field] of [
      [{ email: 'not-an-email' }, 'email'],
      [{ displayName: '   ' }, 'displayName'],
      [{ displayName: 'n'.repeat(81) }, 'displayName'],
    ] as const) {
      const res = await gql(api.graphqlUrl, START_SESSION, { input });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions?.['fields'].map((f: { field: string }) => f.field)).toContain(field);
    }
    const address = `shared-${randomUUID().slice(0, 8)}@example.com`;
    const visitor = await startSession({ email: address });
    await startChat(visitor.token);
    // Registering the same address is no conflict, and the visitor cannot sign in with it.
    const registered = await registerCustomer(api);
    expect(registered.id).not.toBe(visitor.user.id);
    const reg = await gql(api.graphqlUrl, `mutation($i: RegisterInput!) { register(input: $i) { user { id } } }`, {
      i: { email: address, password: `owner ${randomUUID()}`, displayName: 'Owner' },
    });
    expect(reg.errors).toBeUndefined();
    const login = await gql(api.graphqlUrl, `mutation($i: LoginInput!) { login(input: $i) { token } }`, { i: { email: address, password: '' } });
    expect(errorCode(login)).toBe('UNAUTHENTICATED');
  });

  it('renews a visitor who has not written yet with the details given later, as the same visitor; a stored one gets a new session', async () => {
    const before = await userCount();
    const first = await startSession();
    // Without a token: someone new.
    expect((await startSession({ displayName: 'Robin' })).user.id).not.toBe(first.user.id);
    // With their own token: the same visitor, the new details, still not stored.
    const renewed = (await gqlOk(api.graphqlUrl, START_SESSION, { input: { displayName: 'Robin', email: 'robin@example.com' } }, first.token))['startVisitorSession'];
    expect(renewed.user).toMatchObject({ id: first.user.id, displayName: 'Robin', email: 'robin@example.com', anonymous: true });
    expect(await userCount()).toBe(before);
    const chat = await startChat(renewed.token, 'hello with my details');
    expect(chat.customer).toMatchObject({ id: first.user.id, displayName: 'Robin', email: 'robin@example.com' });
    // Once stored, asking again starts someone new rather than changing who wrote.
    const later = (await gqlOk(api.graphqlUrl, START_SESSION, { input: { displayName: 'Someone else' } }, renewed.token))['startVisitorSession'];
    expect(later.user.id).not.toBe(first.user.id);
    expect(await stored(first.user.id)).toMatchObject({ displayName: 'Robin' });
  });

  it('works over WebSocket before the visitor is stored: live updates, and a first chat started on the socket', async () => {
    const session = await startSession({ displayName: 'Socket' });
    const ws = wsClient(api.wsUrl, session.token);
    try {
      const chat = await new Promise<Record<string, any>>((resolve, reject) =>
        ws.client.subscribe({ query: START_CHAT, variables: { input: { message: 'over the socket' } } }, {
          next: (result) => (result.errors ? reject(new Error(JSON.stringify(result.errors))) : resolve(result.data?.['startChat'] as Record<string, any>)),
          error: reject,
          complete: () => undefined,
        }),
      );
      expect(chat['customer']).toMatchObject({ id: session.user.id, displayName: 'Socket' });
      expect(await stored(session.user.id)).toBeTruthy();
    } finally {
      await ws.dispose();
    }
  });
});

describe('refreshToken for visitors', () => {
  it('renews a visitor not stored yet without storing them, then continues with stored tokens once they wrote', async () => {
    const before = await userCount();
    const first = await startSession({ displayName: 'Refresher' });
    const renewed: Session = (await gqlOk(api.graphqlUrl, REFRESH, { t: first.refreshToken }))['refreshToken'];
    expect(renewed.user).toMatchObject({ id: first.user.id, displayName: 'Refresher', anonymous: true });
    expect(await userCount()).toBe(before);

    await startChat(renewed.token);
    const afterWriting: Session = (await gqlOk(api.graphqlUrl, REFRESH, { t: renewed.refreshToken }))['refreshToken'];
    expect(afterWriting.user).toMatchObject({ id: first.user.id, anonymous: true });
    expect(await chatIds(afterWriting.token)).toHaveLength(1);
    // The stored kind rotates as for any account.
    const next: Session = (await gqlOk(api.graphqlUrl, REFRESH, { t: afterWriting.refreshToken }))['refreshToken'];
    expect(await chatIds(next.token)).toHaveLength(1);

    // A signed token used again after the visitor was stored: someone has a copy; the session ends.
    expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t: renewed.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, next.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t: next.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('refuses forged and altered signed tokens, and an access token passed as a refresh token', async () => {
    const session = await startSession();
    const [header, payload, signature] = session.refreshToken.split('.');
    const altered = JSON.parse(Buffer.from(payload, 'base64url').toString());
    altered.sub = randomUUID();
    const forged = `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
    for (const t of [forged, session.token, 'a.b.c']) expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t }))).toBe('UNAUTHENTICATED');
  });

  it('ends a visitor session on logout, stored or not', async () => {
    const session = await startSession();
    await gqlOk(api.graphqlUrl, `mutation { logout }`, {}, session.token);
    expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t: session.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, session.token))).toBe('UNAUTHENTICATED');
  });
});

describe('a visitor stored by their first chat', () => {
  const sessionRows = async (userId: string) =>
    (await api.server.dataSource.query(`SELECT "familyId", "revokedAt" FROM refresh_tokens WHERE "userId" = $1`, [userId])) as Array<{ familyId: string; revokedAt: Date | null }>;

  it('has a session on record from then on, which revokeAccess ends with their tokens', async () => {
    const session = await startSession();
    expect(await sessionRows(session.user.id)).toEqual([]);
    await startChat(session.token);
    expect(await sessionRows(session.user.id)).toEqual([{ familyId: expect.any(String), revokedAt: null }]);

    await api.server.auth.revokeAccess(session.user.id);
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, session.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t: session.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('loses a socket opened before they were stored when their session ends in the database, with no message', async () => {
    const session = await startSession();
    const ws = wsClient(api.wsUrl, session.token);
    try {
      subscribe(ws, `subscription { chatUpdated { id } }`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await startChat(session.token);
      await api.server.dataSource.query(`UPDATE refresh_tokens SET "revokedAt" = now() WHERE "userId" = $1`, [session.user.id]);
      expect((await ws.closed).code).toBe(4403);
    } finally {
      await ws.dispose();
    }
  });

  it('is refused when the token claims to be of a visitor not stored but its session is on record and ended', async () => {
    const session = await startSession();
    await startChat(session.token);
    await gqlOk(api.graphqlUrl, `mutation { logout }`, {}, session.token);
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, session.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, START_CHAT, { input: { message: 'again' } }, session.token))).toBe('UNAUTHENTICATED');
    expect((await sessionRows(session.user.id))[0].revokedAt).not.toBeNull();
  });
});

describe('identifyVisitor', () => {
  it('reaches the same CUSTOMER for the same externalId on every device, keeping the host\'s name and email', async () => {
    const externalId = `host-user-${randomUUID()}`;
    const phone = await identify(externalId, undefined, { displayName: 'Dana', email: 'dana@shop.example' });
    expect(phone.user).toMatchObject({ role: 'CUSTOMER', anonymous: false, externalId, displayName: 'Dana', email: 'dana@shop.example' });
    const chat = await startChat(phone.token, 'from my phone');
    const laptop = await identify(externalId);
    expect(laptop.user).toMatchObject({ id: phone.user.id, displayName: 'Dana', externalId });
    expect(await chatIds(laptop.token)).toEqual([chat.id]);
    expect((await gqlOk(api.graphqlUrl, ME, {}, laptop.token))['me']).toMatchObject({ id: phone.user.id, externalId, anonymous: false });
    const renamed = await identify(externalId, undefined, { displayName: 'Dana B.' });
    expect(renamed.user).toMatchObject({ id: phone.user.id, displayName: 'Dana B.', email: 'dana@shop.example' });
    // Racing first sign-ins still make one customer.
    const fresh = `host-user-${randomUUID()}`;
    const racing = await Promise.all([1, 2, 3, 4].map(() => identify(fresh)));
    expect(new Set(racing.map((s) => s.user.id)).size).toBe(1);
    expect(await stored(phone.user.id)).toMatchObject({ passwordHash: null, emailLower: null, externalId });
  });

  it('refuses a wrong, missing or borrowed hash as UNAUTHENTICATED, and bad input as BAD_USER_INPUT', async () => {
    const externalId = `host-user-${randomUUID()}`;
    const before = await userCount();
    const good = identityHash(identitySecret, externalId);
    for (const userHash of ['', good.slice(1), good.toUpperCase(), identityHash(identitySecret, 'someone-else'), identityHash(new Uint8Array(32), externalId)]) {
      expect(errorCode(await gql(api.graphqlUrl, IDENTIFY, { input: { externalId, userHash } }))).toBe('UNAUTHENTICATED');
    }
    expect(errorCode(await gql(api.graphqlUrl, IDENTIFY, { input: { externalId } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, IDENTIFY, { input: { externalId: '', userHash: good } }))).toBe('BAD_USER_INPUT');
    const long = 'x'.repeat(129);
    expect(errorCode(await gql(api.graphqlUrl, IDENTIFY, { input: { externalId: long, userHash: identityHash(identitySecret, long) } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, IDENTIFY, { input: { externalId, userHash: good, email: 'nope' } }))).toBe('BAD_USER_INPUT');
    expect(await userCount()).toBe(before);
  });

  it("moves an anonymous visitor's chats and messages to the identified customer, and ends the anonymous session", async () => {
    const anonymous = await startSession({ displayName: 'Guest' });
    const chat = await startChat(anonymous.token, 'where is my order?');
    const agent = await createAgent(api);
    await acceptChat(api, agent, chat.id);
    await sendMessage(api, agent, chat.id, 'Let me look.');
    const externalId = `host-user-${randomUUID()}`;
    const earlier = await identify(externalId);
    const earlierChat = await startChat(earlier.token, 'an older question');

    const identified = await identify(externalId, anonymous.token);
    expect(identified.user.id).toBe(earlier.user.id);
    expect(await chatIds(identified.token)).toEqual([chat.id, earlierChat.id].sort());
    const listed = (await gqlOk(api.graphqlUrl, CHATS, {}, identified.token))['chats'].edges.find((e: any) => e.node.id === chat.id).node;
    expect(listed.customer.id).toBe(identified.user.id);
    const senders = listed.messages.edges.map((e: any) => [e.node.body, e.node.sender?.id]);
    expect(senders).toEqual(expect.arrayContaining([['where is my order?', identified.user.id], ['Let me look.', agent.id]]));
    expect(await stored(anonymous.user.id)).toBeUndefined();
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, anonymous.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t: anonymous.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('tells chatUpdated subscribers of every moved chat: agents see its new customer, and so do the customer\'s other devices', async () => {
    const agent = await createAgent(api);
    const externalId = `host-user-${randomUUID()}`;
    const otherDevice = await identify(externalId);
    const sockets = [wsClient(api.wsUrl, agent.token), wsClient(api.wsUrl, otherDevice.token)];
    const until = async (condition: () => boolean) => {
      for (const deadline = Date.now() + 10_000; !condition(); await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() > deadline) throw new Error('timed out waiting');
      }
    };
    try {
      const UPDATED = `subscription { chatUpdated { id customer { id externalId anonymous } } }`;
      const [inbox, device] = sockets.map((socket) => subscribe(socket, UPDATED));
      const anonymous = await startSession({ displayName: 'Guest' });
      // Both subscriptions are live once each has seen a chat started after them.
      for (let probes = 0; !(inbox.values.length && device.values.length); probes++) {
        if (probes === 20) throw new Error('the subscriptions never went live');
        await startChat(otherDevice.token, `are you there? ${probes}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const moved = [await startChat(anonymous.token, 'first question'), await startChat(anonymous.token, 'second question')];
      const movedIds = new Set(moved.map((chat) => chat.id));
      await until(() => inbox.values.filter((c: any) => movedIds.has(c.id)).length === 2);
      expect(device.values.filter((c: any) => movedIds.has(c.id))).toEqual([]);

      const identified = await identify(externalId, anonymous.token);
      expect(identified.user.id).toBe(otherDevice.user.id);
      const customer = { id: identified.user.id, externalId, anonymous: false };
      const movedEvents = (values: any[]) => values.filter((c) => movedIds.has(c.id) && c.customer.id === customer.id);
      await until(() => movedEvents(inbox.values).length === 2 && movedEvents(device.values).length === 2);
      for (const values of [inbox.values, device.values]) {
        expect(movedEvents(values)).toEqual(expect.arrayContaining(moved.map((chat) => ({ id: chat.id, customer }))));
      }
      // Each moved chat once.
      await new Promise((r) => setTimeout(r, 300));
      expect(movedEvents(inbox.values)).toHaveLength(2);
      expect(movedEvents(device.values)).toHaveLength(2);
    } finally {
      await Promise.all(sockets.map((s) => s.dispose()));
    }
  });

  it("takes the visitor's unsent uploads along: the identified customer sends them, and no one else can", async () => {
    const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { attachments { id } } }`;
    const START_WITH_FILES = `mutation($input: StartChatInput!) { startChat(input: $input) { id lastMessage { attachments { id } } } }`;
    const upload = async (token: string, text: string, name: string): Promise<string> => {
      const form = new FormData();
      form.append('file', new Blob([text], { type: 'text/plain' }), name);
      const res = await fetch(`${api.url}/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const download = async (token: string, id: string) => (await fetch(`${api.url}/uploads/${id}`, { headers: { authorization: `Bearer ${token}` } })).status;
    // One visitor attaches a file before writing anything (not stored yet); another has written, then attaches one.
    const silent = await startSession();
    const firstFile = await upload(silent.token, 'order 1234\n', 'order.txt');
    const writer = await startSession();
    const chat = await startChat(writer.token, 'my parcel is late');
    const secondFile = await upload(writer.token, 'tracking 5678\n', 'tracking.txt');
    const externalId = `host-user-${randomUUID()}`;
    await identify(externalId, silent.token);
    const identified = await identify(externalId, writer.token);

    // Another customer may neither read nor send them.
    const other = await registerCustomer(api);
    const otherChat = await startChat(other.token, 'my own question');
    expect(await download(other.token, firstFile)).toBe(404);
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input: { chatId: otherChat.id, body: 'not mine', attachmentIds: [firstFile] } }, other.token))).toBe(
      'BAD_USER_INPUT',
    );

    // The identified customer reads and sends both: one starting a chat, one in the chat that moved with them.
    expect([await download(identified.token, firstFile), await download(identified.token, secondFile)]).toEqual([200, 200]);
    const started = (await gqlOk(api.graphqlUrl, START_WITH_FILES, { input: { message: 'the order', attachmentIds: [firstFile] } }, identified.token))['startChat'];
    expect(started.lastMessage.attachments).toEqual([{ id: firstFile }]);
    const sent = (await gqlOk(api.graphqlUrl, SEND, { input: { chatId: chat.id, body: 'the tracking', attachmentIds: [secondFile] } }, identified.token))['sendMessage'];
    expect(sent.attachments).toEqual([{ id: secondFile }]);
    expect(await download(other.token, secondFile)).toBe(404);
  });

  it('leaves a signed-in account and a visitor who never wrote as they are', async () => {
    const customer: Person = await registerCustomer(api);
    const own = await startChat(customer.token, 'my own chat');
    const externalId = `host-user-${randomUUID()}`;
    const identified = await identify(externalId, customer.token);
    expect(identified.user.id).not.toBe(customer.id);
    expect(await chatIds(identified.token)).toEqual([]);
    expect(await chatIds(customer.token)).toEqual([own.id]);

    const before = await userCount();
    const silent = await startSession();
    const again = await identify(externalId, silent.token);
    expect(again.user.id).toBe(identified.user.id);
    expect(await userCount()).toBe(before);
  });

  it('shows agents a customer\'s externalId and anonymity, and no one else', async () => {
    const externalId = `host-user-${randomUUID()}`;
    const person = await identify(externalId);
    const visitor = await startSession({ displayName: 'Anon', email: 'anon@example.com' });
    const personChat = await startChat(person.token);
    const visitorChat = await startChat(visitor.token);
    const agent = await createAgent(api);
    const queue = (await gqlOk(api.graphqlUrl, QUEUE, {}, agent.token))['queue'] as Array<{ id: string; customer: Record<string, unknown> }>;
    expect(queue.find((c) => c.id === personChat.id)?.customer).toMatchObject({ externalId, anonymous: false });
    expect(queue.find((c) => c.id === visitorChat.id)?.customer).toMatchObject({ externalId: null, anonymous: true, email: 'anon@example.com' });
    // A subscription sees the same fields on live events.
    const ws = wsClient(api.wsUrl, agent.token);
    try {
      const updates = subscribe<{ id: string; customer: unknown }>(ws, `subscription { chatUpdated { id customer { externalId anonymous } } }`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await acceptChat(api, agent, personChat.id);
      const [update] = await updates.waitFor(1);
      expect(update).toEqual({ id: personChat.id, customer: { externalId, anonymous: false } });
      updates.unsubscribe();
    } finally {
      await ws.dispose();
    }
  });
});

describe('widgetSettings', () => {
  const READ = `{ widgetSettings { askName askEmail } }`;
  const UPDATE = `mutation($input: WidgetSettingsInput!) { updateWidgetSettings(input: $input) { askName askEmail } }`;

  it('are read by anyone, both off until an admin turns them on, one field at a time', async () => {
    expect((await gqlOk(api.graphqlUrl, READ))['widgetSettings']).toEqual({ askName: false, askEmail: false });
    const admin = await login(api, api.admin.email, api.admin.password);
    expect((await gqlOk(api.graphqlUrl, UPDATE, { input: { askName: true } }, admin.token))['updateWidgetSettings']).toEqual({ askName: true, askEmail: false });
    expect((await gqlOk(api.graphqlUrl, UPDATE, { input: { askEmail: true } }, admin.token))['updateWidgetSettings']).toEqual({ askName: true, askEmail: true });
    const visitor = await startSession();
    expect((await gqlOk(api.graphqlUrl, READ, {}, visitor.token))['widgetSettings']).toEqual({ askName: true, askEmail: true });
    await gqlOk(api.graphqlUrl, UPDATE, { input: { askName: false, askEmail: false } }, admin.token);
    expect((await gqlOk(api.graphqlUrl, READ))['widgetSettings']).toEqual({ askName: false, askEmail: false });
  });

  it('are changed by admins only, and bad input changes nothing', async () => {
    const agent = await createAgent(api);
    const customer = await registerCustomer(api);
    const visitor = await startSession();
    expect(errorCode(await gql(api.graphqlUrl, UPDATE, { input: { askName: true } }))).toBe('UNAUTHENTICATED');
    for (const who of [agent, customer, visitor]) expect(errorCode(await gql(api.graphqlUrl, UPDATE, { input: { askName: true } }, who.token))).toBe('FORBIDDEN');
    const admin = await login(api, api.admin.email, api.admin.password);
    expect(errorCode(await gql(api.graphqlUrl, UPDATE, { input: { askName: 'yes' } }, admin.token))).toBe('BAD_USER_INPUT');
    expect((await gqlOk(api.graphqlUrl, READ))['widgetSettings']).toEqual({ askName: false, askEmail: false });
  });
});

describe('hostile input (property-based)', () => {
  it('answers the visitor operations only with contract codes, and stores nothing for refused input', async () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.constantFrom('', ' ', '\u0000', 'a\u0000b', "'; DROP TABLE users; --", 'x'.repeat(5000), 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.'),
      fc.integer(),
      fc.constant(null),
      fc.object({ maxDepth: 1 }),
    );
    const anonymous = await startSession();
    const operations: Array<[string, (v: Record<string, unknown>) => Record<string, unknown>]> = [
      [START_SESSION, (v) => ({ input: { displayName: v['a'], email: v['b'] } })],
      [IDENTIFY, (v) => ({ input: { externalId: v['a'], userHash: v['b'], email: v['c'], displayName: v['d'] } })],
      [REFRESH, (v) => ({ t: v['a'] })],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations), fc.record({ a: hostile, b: hostile, c: hostile, d: hostile }), fc.boolean(), async ([query, vars], values, signedIn) => {
        const res = await gql(api.graphqlUrl, query, vars(values), signedIn ? anonymous.token : undefined);
        for (const error of res.errors ?? []) expect(ERROR_CODES).toContain(error.extensions?.['code']);
        expect(errorCode(res)).not.toBe('INTERNAL_SERVER_ERROR');
      }),
      { numRuns: 150 },
    );
    expect(await stored(anonymous.user.id)).toBeUndefined();
  }, 60_000);
});

describe('without IDENTITY_SECRET, and with abuse limits on', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({ rateLimitScale: 1 });
  }, 30_000);
  afterAll(async () => {
    await strict?.stop();
  }, 30_000);

  it('refuses every hash', async () => {
    const externalId = 'host-user-1';
    const res = await gql(strict.graphqlUrl, IDENTIFY, { input: { externalId, userHash: identityHash(new Uint8Array(32), externalId) } });
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('limits visitor sessions per address, not for everyone', async () => {
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    // 30 per 10 minutes: below the limits every anonymous request and every mutation spends, so this one decides.
    for (let i = 0; i < 30; i++) await gqlOk(strict.graphqlUrl, START_SESSION, {}, undefined, from('203.0.113.7'));
    const over = await gql(strict.graphqlUrl, START_SESSION, {}, undefined, from('203.0.113.7'));
    expect(errorCode(over)).toBe('RATE_LIMITED');
    expect(over.errors?.[0].extensions?.['retryAfterSeconds']).toBeGreaterThan(60);
    await gqlOk(strict.graphqlUrl, START_SESSION, {}, undefined, from('203.0.113.8'));
  });
});
