import {
  acceptChat,
  createAgent,
  errorCode,
  gql,
  gqlOk,
  login,
  loginAdmin,
  registerCustomer,
  startChat,
  startTestServer,
  subscribe,
  wsClient,
  type Person,
  type TestServer,
  type WsClient,
} from '@parley/api/testing';

jest.setTimeout(60_000);

const TRANSFER = `mutation($c: ID!, $a: ID!) { transferChat(chatId: $c, agentId: $a) { id status agent { id } assignmentReason } }`;
const RELEASE = `mutation($c: ID!) { releaseChat(chatId: $c) { id status agent { id } assignmentReason } }`;
const CHAT = `query($c: ID!) { chat(id: $c) { status agent { id } assignmentReason notes { body author { id } } messages(last: 5) { edges { node { kind body } } } } }`;

describe('transfer, release, takeover, deactivation and notes (one API, real PostgreSQL)', () => {
  let api: TestServer;
  let admin: Person;
  let alex: Person;
  let sam: Person;
  let casey: Person;
  const sockets: WsClient[] = [];

  const run = (who: Person, query: string, variables: Record<string, unknown> = {}) => gql(api.graphqlUrl, query, variables, who.token);
  const ok = (who: Person, query: string, variables: Record<string, unknown> = {}) => gqlOk(api.graphqlUrl, query, variables, who.token);
  const lastSystem = async (chatId: string) => {
    const edges = (await ok(admin, CHAT, { c: chatId }))['chat'].messages.edges as Array<{ node: { kind: string; body: string } }>;
    return edges.filter((e) => e.node.kind === 'SYSTEM').pop()?.node.body;
  };
  const acceptedChat = async (agent: Person) => {
    const chatId = await startChat(api, casey);
    await acceptChat(api, agent, chatId);
    return chatId;
  };

  beforeAll(async () => {
    api = await startTestServer();
    admin = await loginAdmin(api);
    alex = await createAgent(api, 'Alex');
    sam = await createAgent(api, 'Sam');
    casey = await registerCustomer(api, 'Casey');
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await api?.stop();
  });

  it("transfers: the chat's agent to another, with a SYSTEM message and the reason; the errors each rule gives", async () => {
    const chatId = await acceptedChat(alex);
    expect(errorCode(await run(casey, TRANSFER, { c: chatId, a: sam.id }))).toBe('FORBIDDEN');
    expect(errorCode(await run(sam, TRANSFER, { c: chatId, a: sam.id }))).toBe('FORBIDDEN');
    expect(errorCode(await run(alex, TRANSFER, { c: chatId, a: casey.id }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await run(alex, TRANSFER, { c: chatId, a: alex.id }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await run(alex, TRANSFER, { c: chatId, a: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    expect(errorCode(await run(alex, TRANSFER, { c: '00000000-0000-4000-8000-000000000000', a: sam.id }))).toBe('NOT_FOUND');
    // Nothing half-written by any of those.
    expect((await ok(admin, CHAT, { c: chatId }))['chat']).toMatchObject({ status: 'ACTIVE', agent: { id: alex.id }, assignmentReason: 'accepted' });

    const moved = (await ok(alex, TRANSFER, { c: chatId, a: sam.id }))['transferChat'];
    expect(moved).toEqual({ id: chatId, status: 'ACTIVE', agent: { id: sam.id }, assignmentReason: 'transferred by Alex' });
    expect(await lastSystem(chatId)).toBe('Alex transferred the chat to Sam.');
    // Alex no longer has it.
    expect(errorCode(await run(alex, TRANSFER, { c: chatId, a: alex.id }))).toBe('FORBIDDEN');
    // Closed chats stay where they are.
    await ok(sam, `mutation($c: ID!) { closeChat(chatId: $c) { id } }`, { c: chatId });
    expect(errorCode(await run(sam, TRANSFER, { c: chatId, a: alex.id }))).toBe('CHAT_CLOSED');
    expect(errorCode(await run(admin, TRANSFER, { c: chatId, a: admin.id }))).toBe('CHAT_CLOSED');
  });

  it('takeover: an admin transfers an ACTIVE or a QUEUED chat to themself; agents only hand on their own', async () => {
    const active = await acceptedChat(alex);
    const taken = (await ok(admin, TRANSFER, { c: active, a: admin.id }))['transferChat'];
    expect(taken).toMatchObject({ status: 'ACTIVE', agent: { id: admin.id }, assignmentReason: 'taken over' });
    expect(await lastSystem(active)).toMatch(/took over the chat\.$/);

    const queued = await startChat(api, casey);
    expect(errorCode(await run(alex, TRANSFER, { c: queued, a: sam.id }))).toBe('FORBIDDEN');
    const handed = (await ok(admin, TRANSFER, { c: queued, a: sam.id }))['transferChat'];
    expect(handed).toMatchObject({ status: 'ACTIVE', agent: { id: sam.id } });
  });

  it("releases: the chat's agent or an admin puts an ACTIVE chat back in the queue", async () => {
    const chatId = await acceptedChat(alex);
    expect(errorCode(await run(casey, RELEASE, { c: chatId }))).toBe('FORBIDDEN');
    expect(errorCode(await run(sam, RELEASE, { c: chatId }))).toBe('FORBIDDEN');
    const released = (await ok(alex, RELEASE, { c: chatId }))['releaseChat'];
    expect(released).toEqual({ id: chatId, status: 'QUEUED', agent: null, assignmentReason: null });
    expect(await lastSystem(chatId)).toBe('Alex put the chat back in the queue; another agent will be with you shortly.');
    expect(errorCode(await run(admin, RELEASE, { c: chatId }))).toBe('BAD_USER_INPUT');

    await acceptChat(api, sam, chatId);
    expect((await ok(admin, RELEASE, { c: chatId }))['releaseChat']).toMatchObject({ status: 'QUEUED' });
    expect(await lastSystem(chatId)).toMatch(/moved the chat from Sam back to the queue/);
    await ok(admin, `mutation($c: ID!) { closeChat(chatId: $c) { id } }`, { c: chatId });
    expect(errorCode(await run(admin, RELEASE, { c: chatId }))).toBe('CHAT_CLOSED');
  });

  it('accepting waits for the capacity lock auto-assignment holds (so it is counted)', async () => {
    const chatId = await startChat(api, casey);
    await ok(alex, `mutation { setAvailability(availability: ONLINE) { id } }`);
    const runner = api.server.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`SELECT "userId" FROM agent_profiles WHERE "userId" = $1 FOR UPDATE`, [alex.id]);
    let done = false;
    const accepting = acceptChat(api, alex, chatId).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 700));
    expect(done).toBe(false);
    await runner.commitTransaction();
    await runner.release();
    await accepting;
    expect(done).toBe(true);
  });

  it('User.availability and maxChats: for agents and admins about agents and admins, null for customers; active for everyone', async () => {
    const chatId = await acceptedChat(alex);
    const query = `query($c: ID!) { chat(id: $c) { agent { availability maxChats active } customer { availability maxChats active } } }`;
    expect((await ok(casey, query, { c: chatId }))['chat']).toEqual({
      agent: { availability: null, maxChats: null, active: true },
      customer: { availability: null, maxChats: null, active: true },
    });
    expect((await ok(sam, query, { c: chatId }))['chat']).toEqual({
      agent: { availability: 'OFFLINE', maxChats: 5, active: true },
      customer: { availability: null, maxChats: null, active: true },
    });
  });

  it('deactivation: admins only, never themselves; tokens end, ACTIVE chats go back to the queue; reactivation lets them sign in again', async () => {
    const dana = await createAgent(api, 'Dana');
    const chatId = await acceptedChat(dana);
    const socket = wsClient(api.wsUrl, dana.token);
    sockets.push(socket);
    subscribe(socket, `subscription { chatUpdated { id } }`);
    await new Promise((r) => setTimeout(r, 300));

    const DEACTIVATE = `mutation($u: ID!) { deactivateUser(userId: $u) { id active } }`;
    expect(errorCode(await run(alex, DEACTIVATE, { u: dana.id }))).toBe('FORBIDDEN');
    expect(errorCode(await run(casey, DEACTIVATE, { u: dana.id }))).toBe('FORBIDDEN');
    expect(errorCode(await run(admin, DEACTIVATE, { u: admin.id }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await run(admin, DEACTIVATE, { u: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');

    expect((await ok(admin, DEACTIVATE, { u: dana.id }))['deactivateUser']).toEqual({ id: dana.id, active: false });
    const closed = await Promise.race([socket.closed, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 1000))]);
    expect(closed.code).toBe(4403);
    expect(errorCode(await run(dana, `{ queueLength }`))).toBe('UNAUTHENTICATED');
    await expect(login(api, dana.email, dana.password)).rejects.toThrow(/UNAUTHENTICATED/);
    expect((await ok(admin, CHAT, { c: chatId }))['chat']).toMatchObject({ status: 'QUEUED', agent: null });
    expect((await ok(admin, `{ agents { id active } }`))['agents']).toContainEqual({ id: dana.id, active: false });

    expect((await ok(admin, `mutation($u: ID!) { reactivateUser(userId: $u) { id active } }`, { u: dana.id }))['reactivateUser']).toEqual({ id: dana.id, active: true });
    const again = await login(api, dana.email, dana.password);
    expect((await ok(again, `{ queueLength }`))['queueLength']).toBeGreaterThanOrEqual(1);
    // Deactivated people cannot be handed chats.
    await ok(admin, `mutation($u: ID!) { deactivateUser(userId: $u) { id } }`, { u: dana.id });
    expect(errorCode(await run(admin, TRANSFER, { c: chatId, a: dana.id }))).toBe('BAD_USER_INPUT');
  });

  it('notes: agents and admins add them to open chats and see them live; customers can do neither', async () => {
    const chatId = await acceptedChat(alex);
    const ADD = `mutation($c: ID!, $b: String!) { addNote(chatId: $c, body: $b) { id chatId body author { id displayName } createdAt } }`;
    const watcher = wsClient(api.wsUrl, sam.token);
    const customerSocket = wsClient(api.wsUrl, casey.token);
    sockets.push(watcher, customerSocket);
    const live = subscribe(watcher, `subscription($c: ID!) { noteAdded(chatId: $c) { body author { id } } }`, { c: chatId });
    const refused = subscribe(customerSocket, `subscription($c: ID!) { noteAdded(chatId: $c) { body } }`, { c: chatId });
    await new Promise((r) => setTimeout(r, 300));

    expect(errorCode(await run(casey, ADD, { c: chatId, b: 'mine' }))).toBe('FORBIDDEN');
    expect(errorCode(await run(alex, ADD, { c: chatId, b: '   ' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await run(alex, ADD, { c: chatId, b: 'x'.repeat(4001) }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await run(alex, ADD, { c: '00000000-0000-4000-8000-000000000000', b: 'x' }))).toBe('NOT_FOUND');
    const note = (await ok(alex, ADD, { c: chatId, b: '  Refund approved by finance  ' }))['addNote'];
    expect(note).toMatchObject({ chatId, body: 'Refund approved by finance', author: { id: alex.id, displayName: 'Alex' } });
    // Any agent or admin may note, not only the chat's agent.
    await ok(sam, ADD, { c: chatId, b: 'Second note' });

    expect(await live.waitFor(2)).toEqual([
      { body: 'Refund approved by finance', author: { id: alex.id } },
      { body: 'Second note', author: { id: sam.id } },
    ]);
    await refused.ended;
    expect(refused.values).toEqual([]);
    expect(JSON.stringify(refused.errors)).toContain('FORBIDDEN');

    expect((await ok(admin, CHAT, { c: chatId }))['chat'].notes.map((n: { body: string }) => n.body)).toEqual(['Refund approved by finance', 'Second note']);
    expect((await ok(casey, CHAT, { c: chatId }))['chat'].notes).toBeNull();
    await ok(alex, `mutation($c: ID!) { closeChat(chatId: $c) { id } }`, { c: chatId });
    expect(errorCode(await run(admin, ADD, { c: chatId, b: 'too late' }))).toBe('CHAT_CLOSED');
  });
});
