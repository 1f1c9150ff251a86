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

const AUTH_FIELDS = 'token expiresAt user { id email displayName role }';

const uniqueEmail = (kind: string) => `${kind}-${randomBytes(5).toString('hex')}@parley.test`;

/** A new customer; `fromIp` (sent as X-Forwarded-For, trusted from loopback) keeps per-address limits apart. */
export async function registerCustomer(api: TestServer, displayName = 'Casey Customer', fromIp?: string): Promise<Person> {
  const email = uniqueEmail('customer');
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const data = await gqlOk(
    api.graphqlUrl,
    `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`,
    { input: { email, password, displayName } },
    undefined,
    fromIp ? { 'x-forwarded-for': fromIp } : {},
  );
  return { id: data['register'].user.id, email, password, displayName, token: data['register'].token };
}

export async function login(api: TestServer, email: string, password: string): Promise<Person> {
  const data = await gqlOk(api.graphqlUrl, `mutation($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`, {
    input: { email, password },
  });
  const user = data['login'].user;
  return { id: user.id, email, password, displayName: user.displayName, token: data['login'].token };
}

export const loginAdmin = (api: TestServer) => login(api, api.admin.email, api.admin.password);

export async function createAgent(api: TestServer, displayName = 'Alex Agent', admin?: Person): Promise<Person> {
  const boss = admin ?? (await loginAdmin(api));
  const email = uniqueEmail('agent');
  const password = `pw-${randomBytes(8).toString('hex')}`;
  await gqlOk(api.graphqlUrl, `mutation($input: RegisterInput!) { createAgent(input: $input) { id } }`, { input: { email, password, displayName } }, boss.token);
  return login(api, email, password);
}

/** A customer's new chat, with its first message. */
export async function startChat(api: TestServer, customer: Person, message = 'Hello, I need help'): Promise<string> {
  const data = await gqlOk(api.graphqlUrl, `mutation($input: StartChatInput!) { startChat(input: $input) { id } }`, { input: { message } }, customer.token);
  return data['startChat'].id;
}

export async function acceptChat(api: TestServer, agent: Person, chatId: string): Promise<void> {
  await gqlOk(api.graphqlUrl, `mutation($id: ID!) { acceptChat(chatId: $id) { id } }`, { id: chatId }, agent.token);
}

export async function sendMessage(api: TestServer, who: Person, chatId: string, body: string, clientMessageId?: string) {
  const data = await gqlOk(
    api.graphqlUrl,
    `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id seq body kind clientMessageId } }`,
    { input: { chatId, body, clientMessageId } },
    who.token,
  );
  return data['sendMessage'] as { id: string; seq: number; body: string; kind: string; clientMessageId: string | null };
}
