// Webhooks through the whole server in this process: registered by an admin over GraphQL, filled
// by real sends (with real uploads), delivered to a real receiver that verifies each signature.
import sharp from 'sharp';
import { gqlOk, loginAdmin, registerCustomer, startTestServer, type Person, type TestServer } from '@parley/api/testing';
import { WebhookReceiver, type Received } from '../testing/webhook-receiver';

const PUBLIC_URL = 'https://chat.example.com';
const CREATE = `mutation($url: String!, $events: [String!]!) { createWebhook(url: $url, events: $events) { secret webhook { id } } }`;
const START = `mutation($input: StartChatInput!) { startChat(input: $input) { id } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id seq } }`;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');

jest.setTimeout(90_000);

let api: TestServer;
let admin: Person;
const receiver = new WebhookReceiver();

async function upload(token: string, data: Buffer, name: string): Promise<{ id: string; size: number }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)]), name);
  const res = await fetch(`${api.url}/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; size: number };
}

async function received(check: (all: Received[]) => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check(receiver.received)) {
    if (Date.now() > until) throw new Error(`not received in time: ${JSON.stringify(receiver.received.map((r) => r.type))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  api = await startTestServer({ publicUrl: PUBLIC_URL });
  admin = await loginAdmin(api);
  await receiver.start();
  const created = await gqlOk(api.graphqlUrl, CREATE, { url: receiver.url, events: ['message.created'] }, admin.token);
  receiver.secret = created['createWebhook'].secret;
}, 90_000);

afterAll(async () => {
  await receiver.stop();
  await api?.stop();
}, 30_000);

it("carries a message's attachments in message.created: the schema's fields, with absolute URLs, in the order the message named them", async () => {
  const customer = await registerCustomer(api, 'Casey');
  const photo = await upload(customer.token, await sharp({ create: { width: 40, height: 30, channels: 3, background: '#cc3366' } }).png().toBuffer(), 'scratch.png');
  const invoice = await upload(customer.token, PDF, 'invoice.pdf');
  const chatId = (await gqlOk(api.graphqlUrl, START, { input: { message: 'It came broken', attachmentIds: [photo.id, invoice.id] } }, customer.token))['startChat'].id;
  // A message without files, sent as one statement, carries an empty list.
  await gqlOk(api.graphqlUrl, SEND, { input: { chatId, body: 'Any news?' } }, customer.token);
  const receipt = await upload(customer.token, Buffer.from('paid by card\n'), 'receipt.txt');
  await gqlOk(api.graphqlUrl, SEND, { input: { chatId, body: '', attachmentIds: [receipt.id] } }, customer.token);

  await received(() => receiver.accepted(chatId).length >= 3);
  const messages = receiver.accepted(chatId).map((r) => r.data.message as Record<string, unknown>);
  expect(receiver.accepted(chatId).every((r) => r.verified)).toBe(true);
  expect(messages.map((m) => m['seq'])).toEqual([1, 2, 3]);
  expect(messages[0]['attachments']).toEqual([
    {
      id: photo.id,
      name: 'scratch.png',
      contentType: 'image/png',
      size: photo.size,
      url: `${PUBLIC_URL}/uploads/${photo.id}`,
      width: 40,
      height: 30,
      thumbnailUrl: `${PUBLIC_URL}/uploads/${photo.id}/thumbnail`,
    },
    { id: invoice.id, name: 'invoice.pdf', contentType: 'application/pdf', size: invoice.size, url: `${PUBLIC_URL}/uploads/${invoice.id}`, width: null, height: null, thumbnailUrl: null },
  ]);
  expect(messages[1]['attachments']).toEqual([]);
  expect(messages[2]).toMatchObject({ body: '', attachments: [{ id: receipt.id, name: 'receipt.txt', contentType: 'text/plain' }] });
  // The URL is where an integrator downloads the file, with a token of someone who may read the chat.
  const file = await fetch(`${api.url}${new URL(String((messages[0]['attachments'] as Array<{ url: string }>)[1].url)).pathname}`, {
    headers: { authorization: `Bearer ${admin.token}` },
  });
  expect(file.status).toBe(200);
  expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
});

describe('signing secrets', () => {
  const secretsOf = (id: string) =>
    api.server.dataSource.query(`SELECT secret, "secretSealed" FROM webhooks WHERE id = $1`, [id]) as Promise<Array<{ secret: string | null; secretSealed: string | null }>>;

  it('are shown once, at creation, kept only encrypted, and still sign every delivery', async () => {
    const other = new WebhookReceiver();
    await other.start();
    try {
      const created = (await gqlOk(api.graphqlUrl, CREATE, { url: other.url, events: ['chat.created'] }, admin.token))['createWebhook'];
      other.secret = created.secret;
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const [row] = await secretsOf(created.webhook.id);
      expect(row.secret).toBeNull();
      expect(row.secretSealed).toMatch(/^v1\./);
      // Neither the secret nor its key bytes are anywhere in the row.
      expect(JSON.stringify(row)).not.toContain(created.secret.slice('whsec_'.length, 30));
      // No query gives it again: the schema's Webhook has no such field.
      const asked = await fetch(api.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ query: '{ webhooks { id secret } }' }),
      });
      const refused = (await asked.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.[0]).toMatchObject({ message: expect.stringContaining('"secret"'), extensions: { code: 'BAD_USER_INPUT' } });

      const customer = await registerCustomer(api);
      const chatId = (await gqlOk(api.graphqlUrl, START, { input: { message: 'Hello' } }, customer.token))['startChat'].id;
      await new Promise<void>((resolve, reject) => {
        const until = Date.now() + 30_000;
        const look = () => (other.accepted(chatId).length ? resolve() : Date.now() > until ? reject(new Error('no delivery')) : setTimeout(look, 100));
        look();
      });
      expect(other.accepted(chatId)[0].verified).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it('stored in plaintext by an earlier version are encrypted at the next start, and sign as before', async () => {
    const legacy = new WebhookReceiver();
    await legacy.start();
    try {
      legacy.secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      const [{ id }] = await api.server.dataSource.query(
        `INSERT INTO webhooks (id, url, events, secret) VALUES (gen_random_uuid(), $1, '{chat.created}', $2) RETURNING id`,
        [legacy.url, legacy.secret],
      );
      await api.restart();
      const [row] = await secretsOf(id);
      expect(row.secret).toBeNull();
      expect(row.secretSealed).toMatch(/^v1\./);
      const customer = await registerCustomer(api);
      const chatId = (await gqlOk(api.graphqlUrl, START, { input: { message: 'After the upgrade' } }, customer.token))['startChat'].id;
      await new Promise<void>((resolve, reject) => {
        const until = Date.now() + 30_000;
        const look = () => (legacy.accepted(chatId).length ? resolve() : Date.now() > until ? reject(new Error('no delivery')) : setTimeout(look, 100));
        look();
      });
      expect(legacy.accepted(chatId)[0].verified).toBe(true);
    } finally {
      await legacy.stop();
    }
  });
});
