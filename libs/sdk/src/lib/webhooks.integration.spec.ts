import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gqlOk, loginAdmin, registerCustomer, startTestServer, type TestServer } from '@parley/api/testing';
import type { WebhookAttachment, WebhookChat, WebhookEvent, WebhookMessage } from './webhooks.js';

// The SDK's webhook types against what a real server sends: every field the types name, and no other.
let api: TestServer;
let endpoint: Server;
const bodies: WebhookEvent[] = [];

beforeAll(async () => {
  endpoint = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(JSON.parse(body) as WebhookEvent);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  api = await startTestServer({ publicUrl: 'https://chat.example.com' });
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => endpoint.close(resolve));
  await api?.stop();
}, 60_000);

/** One value of each type, every field set: their keys are the fields the types promise. */
const chat: Required<WebhookChat> = { id: '', status: 'QUEUED', subject: null, customerId: '', agentId: null, createdAt: '', updatedAt: '', closedAt: null };
const attachment: Required<WebhookAttachment> = { id: '', name: '', contentType: '', size: 0, url: '', width: null, height: null, thumbnailUrl: null };
const message: Required<WebhookMessage> = { id: '', chatId: '', seq: 0, kind: 'CUSTOMER', body: '', senderId: null, createdAt: '', attachments: [] };
const keys = (value: object) => Object.keys(value).sort();

it('WebhookEvent has the fields of chat.created and message.created (with its attachments) as the server sends them', async () => {
  const admin = await loginAdmin(api);
  const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/hook`;
  await gqlOk(api.graphqlUrl, `mutation($url: String!) { createWebhook(url: $url, events: ["chat.created", "message.created"]) { secret } }`, { url }, admin.token);
  const customer = await registerCustomer(api);
  const form = new FormData();
  form.append('file', new Blob(['order 1234\n']), 'order.txt');
  const uploaded = (await (await fetch(`${api.url}/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${customer.token}` } })).json()) as { id: string };
  await gqlOk(api.graphqlUrl, `mutation($input: StartChatInput!) { startChat(input: $input) { id } }`, { input: { message: 'see file', attachmentIds: [uploaded.id] } }, customer.token);
  const deadline = Date.now() + 30_000;
  while (bodies.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));

  const created = bodies.find((b) => b.type === 'chat.created');
  const sent = bodies.find((b): b is Extract<WebhookEvent, { type: 'message.created' }> => b.type === 'message.created');
  expect(keys(created ?? {})).toEqual(['data', 'timestamp', 'type']);
  expect(keys(created?.data.chat ?? {})).toEqual(keys(chat));
  expect(keys(sent?.data.message ?? {})).toEqual(keys(message));
  expect(sent?.data.message.attachments).toHaveLength(1);
  expect(keys(sent?.data.message.attachments[0] ?? {})).toEqual(keys(attachment));
}, 60_000);
