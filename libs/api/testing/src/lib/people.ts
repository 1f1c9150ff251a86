// Making people through the public API: the one way the tests and the
// benchmark register customers, create agents and start chats.
import { randomBytes } from 'node:crypto';
import { gqlOk } from './graphql-client';
import type { TestServer } from './test-server';

export interface Person {
  id: string;
  email: string;
  password: string;
  displayName: string;
  token: string;
}
/** A signed-in user, as the process tests name one. */
export type Account = Person;

/** An ADMIN's token, or the credentials to sign in with. */
export type AdminRef = string | { email: string; password: string };

const AUTH_FIELDS = 'token expiresAt user { id email displayName role }';

const uniqueEmail = (kind: string) => `${kind}-${randomBytes(5).toString('hex')}@parley.test`;
const newPassword = () => `pw-${randomBytes(8).toString('hex')}`;

/** A new customer; `fromIp` (sent as X-Forwarded-For, trusted from loopback) keeps per-address limits apart. */
export async function registerAt(graphqlUrl: string, displayName = 'Casey Customer', fromIp?: string): Promise<Person> {
  const email = uniqueEmail('customer');
  const password = newPassword();
  const data = await gqlOk(
    graphqlUrl,
    `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`,
    { input: { email, password, displayName } },
    undefined,
    fromIp ? { 'x-forwarded-for': fromIp } : {},
  );
  return { id: data['register'].user.id, email, password, displayName, token: data['register'].token };
}

export async function loginAt(graphqlUrl: string, email: string, password: string): Promise<Person> {
  const data = await gqlOk(graphqlUrl, `mutation($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`, {
    input: { email, password },
  });
  const user = data['login'].user;
  return { id: user.id, email, password, displayName: user.displayName, token: data['login'].token };
}

/** A new AGENT, signed in. */
export async function createAgentAt(graphqlUrl: string, admin: AdminRef, displayName = 'Alex Agent'): Promise<Person> {
  const adminToken = typeof admin === 'string' ? admin : (await loginAt(graphqlUrl, admin.email, admin.password)).token;
  const email = uniqueEmail('agent');
  const password = newPassword();
  await gqlOk(graphqlUrl, `mutation($input: RegisterInput!) { createAgent(input: $input) { id } }`, { input: { email, password, displayName } }, adminToken);
  return loginAt(graphqlUrl, email, password);
}

/** A customer's new chat, with its first message. */
export async function startChatAt(graphqlUrl: string, customer: Pick<Person, 'token'>, message = 'Hello, I need help', clientMessageId?: string): Promise<string> {
  const data = await gqlOk(graphqlUrl, `mutation($input: StartChatInput!) { startChat(input: $input) { id } }`, { input: { message, clientMessageId } }, customer.token);
  return data['startChat'].id;
}

/** A customer of their own and their new chat: a test's attempt that must share no per-user limit with another. */
export async function customerWithChatAt(graphqlUrl: string, displayName?: string, message?: string): Promise<{ customer: Person; chatId: string }> {
  const customer = await registerAt(graphqlUrl, displayName);
  return { customer, chatId: await startChatAt(graphqlUrl, customer, message) };
}

export async function acceptChatAt(graphqlUrl: string, agent: Pick<Person, 'token'>, chatId: string): Promise<void> {
  await gqlOk(graphqlUrl, `mutation($id: ID!) { acceptChat(chatId: $id) { id } }`, { id: chatId }, agent.token);
}

/** Closes the chat as `who` (its customer, the agent who has it, or an admin). */
export async function closeChatAt(graphqlUrl: string, who: Pick<Person, 'token'>, chatId: string): Promise<void> {
  await gqlOk(graphqlUrl, `mutation($id: ID!) { closeChat(chatId: $id) { id } }`, { id: chatId }, who.token);
}

export const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { seq body clientMessageId } }`;
export const MESSAGES = `subscription($chatId: ID!, $afterSeq: Int) { messageAdded(chatId: $chatId, afterSeq: $afterSeq) { seq body } }`;

// The same, against an in-process test server.
export const registerCustomer = (api: TestServer, displayName?: string, fromIp?: string) => registerAt(api.graphqlUrl, displayName, fromIp);
export const login = (api: TestServer, email: string, password: string) => loginAt(api.graphqlUrl, email, password);
export const loginAdmin = (api: TestServer) => loginAt(api.graphqlUrl, api.admin.email, api.admin.password);
export const createAgent = (api: TestServer, displayName?: string, admin?: Person) => createAgentAt(api.graphqlUrl, admin?.token ?? api.admin, displayName);
export const startChat = (api: TestServer, customer: Person, message?: string) => startChatAt(api.graphqlUrl, customer, message);
export const acceptChat = (api: TestServer, agent: Person, chatId: string) => acceptChatAt(api.graphqlUrl, agent, chatId);
/** A customer's new chat that the agent has accepted: ACTIVE, its messages the customer's (1) and the agent joining (2). */
export async function startAcceptedChat(api: TestServer, customer: Person, agent: Person, message?: string): Promise<string> {
  const chatId = await startChat(api, customer, message);
  await acceptChat(api, agent, chatId);
  return chatId;
}
export const closeChat = (api: TestServer, who: Person, chatId: string) => closeChatAt(api.graphqlUrl, who, chatId);

export async function sendMessage(api: TestServer, who: Person, chatId: string, body: string, clientMessageId?: string) {
  const data = await gqlOk(
    api.graphqlUrl,
    `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id seq body kind clientMessageId } }`,
    { input: { chatId, body, clientMessageId } },
    who.token,
  );
  return data['sendMessage'] as { id: string; seq: number; body: string; kind: string; clientMessageId: string | null };
}
