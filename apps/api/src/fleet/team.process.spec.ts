import {
  createAgentAt,
  errorCode,
  gql,
  gqlOk,
  loginAt,
  registerAt,
  sleep,
  startChatAt,
  startFleet,
  subscribe,
  until,
  wsClient,
  type Account,
  type Fleet,
  type WsClient,
} from '@parley/api/testing';
import { WS_CLOSE_UNAUTHORIZED } from '@parley/shared/limits';

// Two API processes sharing a database and a private Redis, presence shortened to 2 seconds (PRESENCE_GRACE_SECONDS):
// the team's rules must hold whichever instance a socket, a request or a job lands on.
const GRACE_SECONDS = 2;
let fleet: Fleet;
let admin: Account;

const api = (i: number) => fleet.apis[i];
const ok = (i: number, who: Account, query: string, variables: Record<string, unknown> = {}) => gqlOk(api(i).graphqlUrl, query, variables, who.token);
const socketFor = (i: number, who: Account): WsClient => {
  const socket = wsClient(api(i).wsUrl, who.token);
  fleet.sockets.push(socket);
  subscribe(socket, `subscription { chatUpdated { id } }`);
  return socket;
};
const availabilityOf = async (who: Account) =>
  ((await ok(1, admin, `{ agents { id availability } }`))['agents'] as Array<{ id: string; availability: string }>).find((a) => a.id === who.id)?.availability;
const agentsOf = async (chatIds: string[]) =>
  (await fleet.query<{ agentId: string | null }>(`SELECT "agentId" FROM chats WHERE id = ANY($1::uuid[]) ORDER BY "createdAt"`, [chatIds])).map((r) => r.agentId);

beforeAll(async () => {
  fleet = await startFleet(2, { PRESENCE_GRACE_SECONDS: String(GRACE_SECONDS) });
  admin = await loginAt(api(0).graphqlUrl, fleet.settings.adminEmail, fleet.settings.adminPassword);
}, 120_000);

afterAll(async () => {
  await fleet?.stop();
}, 60_000);

it('an agent whose sockets all close counts OFFLINE once the grace period is over, and their chats move (AUTO)', async () => {
  await ok(0, admin, `mutation { updateTeamSettings(routing: AUTO) { routing } }`);
  const watcher = wsClient(api(1).wsUrl, admin.token);
  fleet.sockets.push(watcher);
  const changes = subscribe<{ id: string; availability: string }>(watcher, `subscription { availabilityChanged { id availability } }`);
  const leaving = await createAgentAt(api(0).graphqlUrl, admin.token, 'Leaving');
  const staying = await createAgentAt(api(0).graphqlUrl, admin.token, 'Staying');
  const customer = await registerAt(api(1).graphqlUrl, 'Casey');
  // Leaving has a socket on each instance and is the only one ONLINE: the chats go to them.
  const leavingSockets = [socketFor(0, leaving), socketFor(1, leaving)];
  await ok(0, leaving, `mutation { setAvailability(availability: ONLINE) { id } }`);
  await until(async () => (await availabilityOf(leaving)) === 'ONLINE', 5000, () => 'Leaving ONLINE');
  const chats = [await startChatAt(api(1).graphqlUrl, customer, 'first'), await startChatAt(api(0).graphqlUrl, customer, 'second')];
  await until(async () => (await agentsOf(chats)).every((id) => id === leaving.id), 10_000, () => 'chats assigned to Leaving');
  socketFor(1, staying);
  await ok(1, staying, `mutation { setAvailability(availability: ONLINE) { id } }`);

  const closedAt = Date.now();
  await Promise.all(leavingSockets.map((s) => s.dispose()));
  await sleep(1000);
  // Within the grace period: still ONLINE, still theirs (a reload of the desk must not cost anyone their chats).
  expect(await availabilityOf(leaving)).toBe('ONLINE');
  expect(await agentsOf(chats)).toEqual([leaving.id, leaving.id]);

  await until(async () => (await agentsOf(chats)).every((id) => id === staying.id), 15_000, () => 'chats moved to Staying');
  expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000);
  expect(await availabilityOf(leaving)).toBe('OFFLINE');
  await until(() => changes.values.some((c) => c.id === leaving.id && c.availability === 'OFFLINE'), 5000, () => JSON.stringify(changes.values));
  const reasons = await ok(0, admin, `query($c: ID!) { chat(id: $c) { assignmentReason messages(last: 3) { edges { node { kind body } } } } }`, { c: chats[0] });
  expect(reasons['chat'].assignmentReason).toMatch(/^auto-assigned: \d of 5 open chats/);
  expect(reasons['chat'].messages.edges.map((e: { node: { body: string } }) => e.node.body)).toEqual([
    'Leaving joined the chat.',
    'Leaving is no longer available; another agent will be with you shortly.',
    'Staying joined the chat.',
  ]);
  await ok(0, admin, `mutation { updateTeamSettings(routing: MANUAL) { routing } }`);
  await ok(1, staying, `mutation { setAvailability(availability: OFFLINE) { id } }`);
}, 60_000);

it('two instances racing on one queue: auto-assignment and hands accepting at once never give a chat twice nor anyone past capacity', async () => {
  const agents = [await createAgentAt(api(0).graphqlUrl, admin.token, 'Ana'), await createAgentAt(api(1).graphqlUrl, admin.token, 'Ben')];
  // Cat takes chats by hand only (not ONLINE: never auto-assigned), on both instances.
  const cat = await createAgentAt(api(0).graphqlUrl, admin.token, 'Cat');
  for (const [i, agent] of agents.entries()) {
    socketFor(i, agent);
    await ok(i, admin, `mutation($a: ID!) { setAgentCapacity(agentId: $a, maxChats: 3) { id } }`, { a: agent.id });
    await ok(i, agent, `mutation { setAvailability(availability: ONLINE) { id } }`);
  }
  await ok(0, admin, `mutation { updateTeamSettings(routing: AUTO) { routing } }`);
  const customers = await Promise.all(Array.from({ length: 4 }, (_, i) => registerAt(api(i % 2).graphqlUrl, `Racer ${i}`)));
  // Twelve chats started on both instances at once; Cat tries every third one on the other instance as soon as it exists.
  const outcomes: string[] = [];
  const chats = await Promise.all(
    Array.from({ length: 12 }, async (_, i) => {
      const chatId = await startChatAt(api(i % 2).graphqlUrl, customers[i % 4], `race ${i}`);
      if (i % 3 === 0) {
        const res = await gql(api((i + 1) % 2).graphqlUrl, `mutation($c: ID!) { acceptChat(chatId: $c) { agent { id } } }`, { c: chatId }, cat.token);
        outcomes.push(errorCode(res) ?? (res.data?.['acceptChat'].agent.id === cat.id ? 'accepted' : 'other'));
      }
      return chatId;
    }),
  );
  const ids = agents.map((a) => a.id);
  await until(async () => (await agentsOf(chats)).filter((id) => id && ids.includes(id)).length === 6, 15_000, () => 'six chats auto-assigned');
  await sleep(1500);
  // Either Cat took the chat or someone else had it first: nothing else.
  expect(outcomes.every((o) => o === 'accepted' || o === 'CONFLICT')).toBe(true);
  const counts = await fleet.query<{ agentId: string; n: number }>(
    `SELECT "agentId", count(*)::int AS n FROM chats WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE' GROUP BY "agentId"`,
    [chats],
  );
  const byAgent = new Map(counts.map((c) => [c.agentId, c.n]));
  expect([byAgent.get(ids[0]), byAgent.get(ids[1])]).toEqual([3, 3]);
  expect(byAgent.get(cat.id) ?? 0).toBe(outcomes.filter((o) => o === 'accepted').length);
  // Every chat that has an agent was joined once, and only once.
  const joined = await fleet.query<{ id: string; agentId: string | null; n: number }>(
    `SELECT c.id, c."agentId", (SELECT count(*)::int FROM messages m WHERE m."chatId" = c.id AND m.kind = 'SYSTEM' AND m.body LIKE '% joined the chat.') AS n
     FROM chats c WHERE c.id = ANY($1::uuid[])`,
    [chats],
  );
  for (const row of joined) expect({ id: row.id, n: row.n }).toEqual({ id: row.id, n: row.agentId ? 1 : 0 });
  await ok(0, admin, `mutation { updateTeamSettings(routing: MANUAL) { routing } }`);
  for (const [i, agent] of agents.entries()) await ok(i, agent, `mutation { setAvailability(availability: OFFLINE) { id } }`);
}, 60_000);

it('deactivation ends the account\'s tokens and sockets on both instances within a second; its ACTIVE chats go back to the queue', async () => {
  const dana = await createAgentAt(api(0).graphqlUrl, admin.token, 'Dana');
  const customer = await registerAt(api(0).graphqlUrl, 'Casey');
  const chatId = await startChatAt(api(0).graphqlUrl, customer, 'help');
  await ok(1, dana, `mutation($c: ID!) { acceptChat(chatId: $c) { id } }`, { c: chatId });
  const sockets = [socketFor(0, dana), socketFor(1, dana)];
  await sleep(500);

  const started = Date.now();
  await ok(0, admin, `mutation($u: ID!) { deactivateUser(userId: $u) { id active } }`, { u: dana.id });
  const closes = await Promise.all(
    sockets.map((s) => Promise.race([s.closed, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 1000))])),
  );
  expect(closes.map((c) => c.code)).toEqual([WS_CLOSE_UNAUTHORIZED, WS_CLOSE_UNAUTHORIZED]);
  expect(Date.now() - started).toBeLessThan(2000);
  for (const i of [0, 1]) expect(errorCode(await gql(api(i).graphqlUrl, `{ queueLength }`, {}, dana.token))).toBe('UNAUTHENTICATED');
  expect(await agentsOf([chatId])).toEqual([null]);
  const user = await ok(1, admin, `{ agents { id active availability } }`);
  expect(user['agents']).toContainEqual({ id: dana.id, active: false, availability: 'OFFLINE' });
}, 30_000);
