import WebSocket from 'ws';
import { createAgent, registerCustomer, sleep, startTestServer, type Person, type TestServer } from '@parley/api/testing';
import { TcpProxy } from '../testing/tcp-proxy.js';
import { ParleyClient, type ParleyClientOptions } from './client.js';
import { isParleyError, ParleyError } from './errors.js';
import type { Session } from './session.js';

// Access tokens of a few seconds, so that renewal (HTTP and socket) happens within a test.
const TTL_SECONDS = 3;

let api: TestServer;
let proxy: TcpProxy;
const clients: ParleyClient[] = [];

beforeAll(async () => {
  api = await startTestServer({ accessTokenTtlSeconds: TTL_SECONDS });
  proxy = await TcpProxy.start(Number(new URL(api.url).port));
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await proxy?.stop();
  await api?.stop();
}, 60_000);

function client(options: Partial<ParleyClientOptions> = {}): ParleyClient {
  const made = new ParleyClient({ url: proxy.url, webSocketImpl: WebSocket, retry: { baseDelayMs: 50 }, reconnect: { baseDelayMs: 50 }, ...options });
  clients.push(made);
  return made;
}

async function signedIn(person: Person, options: Partial<ParleyClientOptions> = {}) {
  const made = client(options);
  await made.login(person.email, person.password);
  return made;
}

/** A customer's chat, accepted by an agent; both signed in through the SDK. */
async function acceptedChat(agentOptions: Partial<ParleyClientOptions> = {}, customerOptions: Partial<ParleyClientOptions> = {}) {
  const customer = await signedIn(await registerCustomer(api), customerOptions);
  const agent = await signedIn(await createAgent(api), agentOptions);
  const chat = await customer.startChat({ message: 'Hello' });
  await agent.acceptChat(chat.id);
  return { customer, agent, chatId: chat.id };
}

async function storedBodies(reader: ParleyClient, chatId: string): Promise<string[]> {
  const page = await reader.messages({ chatId, first: 100 });
  return (page?.edges ?? []).map((edge) => edge.node.body);
}

describe('typed errors', () => {
  it('carry the contract code, the fields of bad input, and reach the iterator of a refused subscription', async () => {
    const { customer, agent, chatId } = await acceptedChat();
    const bad = await customer.sendMessage({ chatId, body: '   ' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ParleyError);
    expect(isParleyError(bad, 'BAD_USER_INPUT') && bad.fields?.map((f) => f.field)).toEqual([expect.stringContaining('body')]);

    const stranger = await signedIn(await registerCustomer(api, 'Stranger'));
    const refused = stranger.subscribeToChat(chatId, { afterSeq: 0 });
    await expect(refused.next()).rejects.toMatchObject({ name: 'ParleyError', code: 'FORBIDDEN' });

    await agent.closeChat(chatId);
    await expect(customer.sendMessage({ chatId, body: 'Still there?' })).rejects.toMatchObject({ code: 'CHAT_CLOSED' });
    await expect(client().login(`nobody-${Date.now()}@parley.test`, 'wrong-password')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  }, 60_000);
});

describe('sendMessage', () => {
  it('retries a send whose answer was lost, and the server stores it once', async () => {
    const { customer, agent, chatId } = await acceptedChat();
    const lost = proxy.failNext('drop-response', 'sendMessage');
    const sent = await customer.sendMessage({ chatId, body: 'Sent once, answered twice' });
    await lost;
    expect(sent.clientMessageId).toEqual(expect.any(String));
    const bodies = await storedBodies(agent, chatId);
    expect(bodies.filter((body) => body === 'Sent once, answered twice')).toHaveLength(1);
  }, 60_000);

  it('retries after a 5xx with the same clientMessageId', async () => {
    const { customer, agent, chatId } = await acceptedChat();
    const refused = proxy.failNext('http-503', 'sendMessage');
    const sent = await customer.sendMessage({ chatId, body: 'Through a 503', clientMessageId: 'my-own-id' });
    await refused;
    expect(sent.clientMessageId).toBe('my-own-id');
    expect((await storedBodies(agent, chatId)).filter((body) => body === 'Through a 503')).toHaveLength(1);
  }, 60_000);

  it('does not retry a mutation that is not idempotent', async () => {
    const customer = await signedIn(await registerCustomer(api));
    const agent = await signedIn(await createAgent(api));
    const chat = await customer.startChat({ message: 'Take me' });
    const queue = await agent.queue();
    expect(queue.chats.map((c) => c.id)).toContain(chat.id);
    expect(queue.length).toBeGreaterThanOrEqual(1);
    const lost = proxy.failNext('drop-response', 'acceptChat');
    await expect(agent.acceptChat(chat.id)).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    await lost;
  }, 60_000);
});

describe('token renewal', () => {
  it('renews an expiring token before an HTTP request, and rotates the refresh token', async () => {
    const sessions: Array<Session | null> = [];
    const customer = await signedIn(await registerCustomer(api), { onSessionChange: (session) => sessions.push(session) });
    const first = customer.session as Session;
    await sleep(TTL_SECONDS * 1000 + 500);
    expect((await customer.chats()).edges).toEqual([]);
    expect(customer.session?.token).not.toBe(first.token);
    expect(customer.session?.refreshToken).not.toBe(first.refreshToken);
    expect(sessions.map((s) => s?.token)).toEqual([first.token, customer.session?.token]);
  }, 60_000);

  it('renews when the server answers UNAUTHENTICATED to a token the client thought valid', async () => {
    const person = await registerCustomer(api);
    const signedInOnce = await signedIn(person);
    await sleep(TTL_SECONDS * 1000 + 500);
    // A clock that runs behind: the client believes the expired token still has an hour.
    const skewed = client({ session: { ...(signedInOnce.session as Session), expiresAt: new Date(Date.now() + 3600_000).toISOString() } });
    expect((await skewed.chats()).edges).toEqual([]);
    expect(skewed.session?.token).not.toBe((signedInOnce.session as Session).token);
  }, 60_000);

  it('reconnects the socket with a renewed token when the server closes it with 4403, losing and repeating nothing', async () => {
    const closes: number[] = [];
    const { agent, chatId } = await acceptedChat();
    const watcher = await signedIn(await createAgent(api, 'Watcher'), { onSocketClose: ({ code }) => closes.push(code) });
    const subscription = watcher.subscribeToChat(chatId, { afterSeq: 0 });
    const seen: number[] = [];
    const reading = (async () => {
      for await (const message of subscription) {
        seen.push(message.seq);
        if (message.body === 'last') break;
      }
    })();
    for (let i = 1; i <= 8; i++) {
      await agent.sendMessage({ chatId, body: `message ${i}` });
      await sleep(600);
    }
    await agent.sendMessage({ chatId, body: 'last' });
    await reading;
    expect(closes).toContain(4403);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
    expect(seen.length).toBe((await watcher.chat(chatId))?.lastMessage?.seq);
  }, 60_000);

  it('ends the subscription with UNAUTHENTICATED once the session is signed out elsewhere', async () => {
    const person = await registerCustomer(api);
    const sessions: Array<Session | null> = [];
    const customer = await signedIn(person, { onSessionChange: (session) => sessions.push(session) });
    const chat = await customer.startChat({ message: 'Hi' });
    const subscription = customer.subscribeToChat(chat.id);
    // The same session used by another program that signs out: its refresh token dies with it.
    const other = client({ session: customer.session });
    await other.logout();
    await expect(subscription.next()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(sessions.at(-1)).toBeNull();
  }, 60_000);
});

describe('subscribeToChat', () => {
  it('resumes after the network is cut, down for a while, and back, yielding every message once and in order', async () => {
    // The agent talks to the API directly; only the customer's network fails.
    const { customer, agent, chatId } = await acceptedChat({ url: api.graphqlUrl });
    const start = (await customer.chat(chatId))?.lastMessage?.seq ?? 0;
    const subscription = customer.subscribeToChat(chatId, { afterSeq: start });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const message of subscription) {
        seen.push(`${message.seq}:${message.body}`);
        if (message.body === 'done') break;
      }
    })();
    await agent.sendMessage({ chatId, body: 'one' });
    while (!seen.length) await sleep(20);
    const socketsBefore = proxy.accepted;
    proxy.down();
    await agent.sendMessage({ chatId, body: 'two' });
    await agent.sendMessage({ chatId, body: 'three' });
    await sleep(500);
    proxy.up();
    await agent.sendMessage({ chatId, body: 'four' });
    proxy.cut();
    await agent.sendMessage({ chatId, body: 'done' });
    await reading;
    expect(proxy.accepted).toBeGreaterThan(socketsBefore);
    expect(seen).toEqual(['one', 'two', 'three', 'four', 'done'].map((body, i) => `${start + i + 1}:${body}`));
  }, 60_000);
});

describe('a connection that goes silent', () => {
  it('is noticed by the missing pong and replaced: the subscription resumes, and a send with no answer is retried and stored once', async () => {
    const closes: number[] = [];
    const { customer, agent, chatId } = await acceptedChat(
      { url: api.graphqlUrl },
      { keepAliveMs: 500, requestTimeoutMs: 3_000, onSocketClose: ({ code }) => closes.push(code) },
    );
    const start = (await customer.chat(chatId))?.lastMessage?.seq ?? 0;
    const seen: string[] = [];
    const subscription = customer.subscribeToChat(chatId, { afterSeq: start, onData: (message) => seen.push(message.body) });
    await agent.sendMessage({ chatId, body: 'before' });
    while (seen.length < 1) await sleep(20);
    proxy.freeze();
    await agent.sendMessage({ chatId, body: 'while silent' });
    await customer.sendMessage({ chatId, body: 'sent into the silence' });
    await agent.sendMessage({ chatId, body: 'after' });
    while (seen.length < 4) await sleep(20);
    subscription.close();
    expect(closes).toContain(4499);
    expect(seen).toEqual(['before', 'while silent', 'sent into the silence', 'after']);
    expect((await storedBodies(agent, chatId)).filter((body) => body === 'sent into the silence')).toHaveLength(1);
  }, 60_000);
});

describe('transcript', () => {
  it("gives the chat's customer and its agent every message as plain text, in seq order, past one page", async () => {
    const { customer, agent, chatId } = await acceptedChat();
    for (let i = 1; i <= 105; i++) await (i % 2 ? customer : agent).sendMessage({ chatId, body: `line ${i}` });
    await agent.closeChat(chatId);
    const text = await customer.transcript(chatId);
    expect(await agent.transcript(chatId)).toBe(text);
    const entries = text.split('\n').filter((line) => line.startsWith('['));
    const seqs = entries.map((line) => Number(/ #(\d+) /.exec(line)?.[1]));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(entries.filter((line) => / line \d+$/.test(line))).toHaveLength(105);
    expect(text).toMatch(/^Status: CLOSED$/m);
    const stranger = await signedIn(await registerCustomer(api, 'Stranger'));
    await expect(stranger.transcript(chatId)).rejects.toMatchObject({ code: expect.stringMatching(/^(FORBIDDEN|NOT_FOUND)$/) });
  }, 120_000);
});
