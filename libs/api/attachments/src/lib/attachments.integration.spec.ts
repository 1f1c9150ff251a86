// The attachment tests, run once per store: PostgreSQL (the default) and a
// real S3-compatible server (s3rver, an S3 server from npm, in this process).
// Real uploads over HTTP (fetch + FormData), real sends over GraphQL, real sockets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import sharp from 'sharp';
import type { AttachmentsConfig } from '@parley/api/config';
import {
  acceptChat,
  createAgent,
  errorCode,
  gql,
  gqlOk,
  loginAdmin,
  registerCustomer,
  startTestServer,
  subscribe,
  wsClient,
  type Person,
  type TestServer,
  type WsClient,
} from '@parley/api/testing';
import { PostgresBlobStore, S3BlobStore } from './blob-store';
import { moveAttachments } from './move-attachments';

const TEST_LIMITS = { maxBytes: 100_000, customerBytesPerDay: 400_000, unclaimedSeconds: 10 } as const;

const ATTACHMENT_FIELDS = 'attachments { id name contentType size url width height thumbnailUrl }';
const START = `mutation($input: StartChatInput!) { startChat(input: $input) { id lastMessage { seq body ${ATTACHMENT_FIELDS} } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id seq body ${ATTACHMENT_FIELDS} } }`;
const MESSAGES = `query($id: ID!) { chat(id: $id) { messages { edges { node { seq body ${ATTACHMENT_FIELDS} } } } } }`;
const MESSAGE_ADDED = `subscription($id: ID!, $after: Int) { messageAdded(chatId: $id, afterSeq: $after) { seq body ${ATTACHMENT_FIELDS} } }`;

/** A photo as a phone takes it: EXIF with the camera and where it was (GPS). */
async function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneCo', Model: 'Snapper 9' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 801/100' },
    })
    .toBuffer();
}

/** The smallest PDF a detector recognises. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');

interface UploadAnswer {
  status: number;
  body: Record<string, any>;
}

async function upload(api: TestServer, token: string | undefined, data: Buffer, name: string, type = 'application/octet-stream'): Promise<UploadAnswer> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)], { type }), name);
  const res = await fetch(`${api.url}/uploads`, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const download = (api: TestServer, token: string | undefined, path: string) =>
  fetch(`${api.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

const count = async (api: TestServer, sql: string, params: unknown[] = []) => Number((await api.server.dataSource.query(sql, params))[0].count);

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface SuiteOptions {
  store: AttachmentsConfig['store'];
  s3?: () => AttachmentsConfig['s3'];
  /** Whether the store holds the bytes under `key` (to see them deleted). */
  holds(api: TestServer, key: string): Promise<boolean>;
}

function attachmentSuite(options: SuiteOptions): void {
  let api: TestServer;
  let agent: Person;
  let customer: Person;
  let otherCustomer: Person;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    api = await startTestServer({ attachments: { ...TEST_LIMITS, store: options.store, s3: options.s3?.() } });
    const admin = await loginAdmin(api);
    [agent, customer, otherCustomer] = await Promise.all([createAgent(api, 'Alex Agent', admin), registerCustomer(api, 'Casey'), registerCustomer(api, 'Dana')]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await api?.stop();
  }, 30_000);

  it('keeps a photo re-encoded without its EXIF (GPS), thumbnails it, and delivers it with the message over the socket', async () => {
    const photo = await photoWithGps();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const uploaded = await upload(api, customer.token, photo, 'holiday.jpg', 'image/jpeg');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toEqual({ id: expect.any(String), name: 'holiday.jpg', contentType: 'image/jpeg', size: expect.any(Number) });
    expect(await options.holds(api, uploaded.body['id'])).toBe(true);
    expect(await count(api, 'SELECT count(*) FROM attachment_blobs')).toBe(options.store === 'postgres' ? 2 : 0);

    // A chat may start with only a picture: the text is then empty.
    const started = await gqlOk(api.graphqlUrl, START, { input: { message: '', attachmentIds: [uploaded.body['id']] } }, customer.token);
    const chatId = started['startChat'].id as string;
    const [attachment] = started['startChat'].lastMessage.attachments;
    expect(attachment).toEqual({
      id: uploaded.body['id'],
      name: 'holiday.jpg',
      contentType: 'image/jpeg',
      size: uploaded.body['size'],
      url: `/uploads/${uploaded.body['id']}`,
      width: 64,
      height: 48,
      thumbnailUrl: `/uploads/${uploaded.body['id']}/thumbnail`,
    });

    const file = await download(api, customer.token, attachment.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toContain('sandbox');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBe(attachment.size);
    const meta = await sharp(bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(bytes.includes('PhoneCo')).toBe(false);
    expect([meta.width, meta.height]).toEqual([64, 48]);

    const thumb = await download(api, customer.token, attachment.thumbnailUrl);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).format).toBe('webp');

    // The agent sees it live: accept, subscribe, the customer sends another picture with text.
    await acceptChat(api, agent, chatId);
    const ws = wsClient(api.wsUrl, agent.token);
    sockets.push(ws);
    const live = subscribe(ws, MESSAGE_ADDED, { id: chatId, after: 2 });
    const second = await upload(api, customer.token, photo, 'again.jpg');
    await gqlOk(api.graphqlUrl, SEND, { input: { chatId, body: 'and another', attachmentIds: [second.body['id']] } }, customer.token);
    const [event] = await live.waitFor(1);
    expect(event).toMatchObject({ seq: 3, body: 'and another', attachments: [{ id: second.body['id'], name: 'again.jpg', width: 64 }] });
    // Whoever may read the chat may download it: its agent too.
    expect((await download(api, agent.token, `/uploads/${second.body['id']}`)).status).toBe(200);

    // Agents send files too (a guide); the customer downloads it, another customer cannot.
    const guide = await upload(api, agent.token, PDF, 'returns-guide.pdf');
    await gqlOk(api.graphqlUrl, SEND, { input: { chatId, body: 'Our returns guide', attachmentIds: [guide.body['id']] } }, agent.token);
    expect((await download(api, customer.token, `/uploads/${guide.body['id']}`)).status).toBe(200);
    expect([403, 404]).toContain((await download(api, otherCustomer.token, `/uploads/${guide.body['id']}`)).status);

    const history = await gqlOk(api.graphqlUrl, MESSAGES, { id: chatId }, agent.token);
    expect(history['chat'].messages.edges.map((e: any) => e.node.attachments.length)).toEqual([1, 0, 1, 1]);
  });

  it('keeps files from everyone who may not read the chat, and unsent uploads from everyone but their uploader', async () => {
    const uploaded = await upload(api, customer.token, Buffer.from('order 1234, invoice attached\n'), 'notes.txt');
    expect(uploaded.body['contentType']).toBe('text/plain');
    const path = `/uploads/${uploaded.body['id']}`;
    // Unsent: the uploader only.
    expect((await download(api, customer.token, path)).status).toBe(200);
    expect([403, 404]).toContain((await download(api, agent.token, path)).status);
    expect([403, 404]).toContain((await download(api, otherCustomer.token, path)).status);
    expect((await download(api, undefined, path)).status).toBe(401);

    await gqlOk(api.graphqlUrl, START, { input: { message: 'see the notes', attachmentIds: [uploaded.body['id']] } }, customer.token);
    expect((await download(api, agent.token, path)).status).toBe(200);
    const denied = await download(api, otherCustomer.token, path);
    expect([403, 404]).toContain(denied.status);
    expect((await denied.json()).errors[0].extensions.code).toMatch(/^(FORBIDDEN|NOT_FOUND)$/);
    expect([403, 404]).toContain((await download(api, otherCustomer.token, `${path}/thumbnail`)).status);
    expect((await download(api, otherCustomer.token, '/uploads/not-an-id')).status).toBe(404);
  });

  it('refuses HTML named .png, SVG and programs, and serves documents and text only as downloads', async () => {
    const html = await upload(api, customer.token, Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>'), 'cat.png', 'image/png');
    expect(html.status).toBe(415);
    expect(html.body['errors'][0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TYPE_REFUSED' });
    const svg = await upload(api, customer.token, Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'logo.svg');
    expect(svg.status).toBe(415);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
    expect((await upload(api, customer.token, elf, 'tool.pdf')).status).toBe(415);

    const pdf = await upload(api, customer.token, PDF, 'invoice.png', 'image/png');
    expect(pdf.body).toMatchObject({ contentType: 'application/pdf', name: 'invoice.png' });
    const served = await download(api, customer.token, `/uploads/${pdf.body['id']}`);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''invoice\.png$/);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox; frame-ancestors 'none'");
    expect((await download(api, customer.token, `/uploads/${pdf.body['id']}/thumbnail`)).status).toBe(404);
  });

  it('says clearly what is wrong, and writes nothing: too big, too many, no file, no token, not yours', async () => {
    const before = await count(api, 'SELECT count(*) FROM attachments');
    const big = await upload(api, customer.token, Buffer.alloc(TEST_LIMITS.maxBytes + 1, 'a'), 'big.txt');
    expect(big.status).toBe(413);
    expect(big.body['errors'][0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TOO_LARGE', maxBytes: TEST_LIMITS.maxBytes });
    expect(big.body['errors'][0].message).toMatch(/larger than/);
    const anonymous = await upload(api, undefined, Buffer.from('hi'), 'a.txt');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body['errors'][0].extensions.code).toBe('UNAUTHENTICATED');
    const wrongPart = new FormData();
    wrongPart.append('upload', new Blob(['hello']), 'a.txt');
    const noFile = await fetch(`${api.url}/uploads`, { method: 'POST', body: wrongPart, headers: { authorization: `Bearer ${customer.token}` } });
    expect(noFile.status).toBe(400);
    expect((await count(api, 'SELECT count(*) FROM attachments')) - before).toBe(0);

    const chatId = (await gqlOk(api.graphqlUrl, START, { input: { message: 'hello' } }, customer.token))['startChat'].id;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await upload(api, customer.token, Buffer.from(`file ${i}\n`), `f${i}.txt`)).body['id']);
    const tooMany = await gql(api.graphqlUrl, SEND, { input: { chatId, body: 'six files', attachmentIds: ids } }, customer.token);
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0].extensions?.['fields']).toEqual([{ field: 'attachmentIds', message: expect.stringContaining('at most 5'), reason: 'arrayMaxSize' }]);

    // One upload that is not the sender's: the whole message is refused, its own uploads stay unsent.
    const foreign = (await upload(api, otherCustomer.token, Buffer.from('mine\n'), 'mine.txt')).body['id'];
    const notYours = await gql(api.graphqlUrl, SEND, { input: { chatId, body: 'with files', attachmentIds: [ids[0], foreign] } }, customer.token);
    expect(errorCode(notYours)).toBe('BAD_USER_INPUT');
    const seqs = await count(api, 'SELECT count(*) FROM messages WHERE "chatId" = $1', [chatId]);
    expect(seqs).toBe(1);
    expect(await count(api, 'SELECT "lastSeq" AS count FROM chats WHERE id = $1', [chatId])).toBe(1);
    expect(await count(api, 'SELECT count(*) FROM attachments WHERE id = ANY($1::uuid[]) AND "messageId" IS NOT NULL', [[ids[0], foreign]])).toBe(0);

    // Sent once only: naming it again is refused.
    await gqlOk(api.graphqlUrl, SEND, { input: { chatId, body: '', attachmentIds: [ids[0]] } }, customer.token);
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input: { chatId, body: 'again', attachmentIds: [ids[0]] } }, customer.token))).toBe('BAD_USER_INPUT');
    // An empty text still needs a file.
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input: { chatId, body: '  ', attachmentIds: [] } }, customer.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, SEND, { input: { chatId, body: 'x', attachmentIds: ['not-a-uuid'] } }, customer.token))).toBe('BAD_USER_INPUT');
    expect(await count(api, 'SELECT "lastSeq" AS count FROM chats WHERE id = $1', [chatId])).toBe(2);
  });

  it("holds a customer's uploads to the day's quota", async () => {
    const heavy = await registerCustomer(api, 'Heavy Uploader');
    const chunk = Buffer.alloc(TEST_LIMITS.maxBytes - 1000, 'b');
    let answer: UploadAnswer | undefined;
    for (let i = 0; i < 5; i++) {
      answer = await upload(api, heavy.token, chunk, `part${i}.txt`);
      if (answer.status !== 201) break;
    }
    expect(answer?.status).toBe(429);
    expect(answer?.body['errors'][0].extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'QUOTA_EXCEEDED', retryAfterSeconds: expect.any(Number) });
    expect(await count(api, 'SELECT coalesce(sum(size), 0) AS count FROM attachments WHERE "uploaderId" = $1', [heavy.id])).toBeLessThanOrEqual(
      TEST_LIMITS.customerBytesPerDay,
    );
  });

  it("takes a new website visitor's files before their first message, storing nothing of them until it names the files", async () => {
    const SESSION = `mutation { startVisitorSession { token user { id } } }`;
    const users = () => count(api, 'SELECT count(*) FROM users');
    const before = await users();
    const [writer, silent] = [(await gqlOk(api.graphqlUrl, SESSION))['startVisitorSession'], (await gqlOk(api.graphqlUrl, SESSION))['startVisitorSession']];
    const photo = await photoWithGps();
    const first = await upload(api, writer.token, photo, 'first.jpg');
    const left = await upload(api, silent.token, PDF, 'never-sent.pdf');
    expect([first.status, left.status]).toEqual([201, 201]);
    // Uploading is not writing: neither visitor is stored.
    expect(await users()).toBe(before);
    expect((await download(api, writer.token, `/uploads/${first.body['id']}`)).status).toBe(200);
    expect((await download(api, silent.token, `/uploads/${first.body['id']}`)).status).toBe(404);
    expect((await download(api, otherCustomer.token, `/uploads/${left.body['id']}`)).status).toBe(404);

    // The first message names the file: the visitor is stored with it, and the file is the message's.
    const chat = (await gqlOk(api.graphqlUrl, START, { input: { message: 'see the photo', attachmentIds: [first.body['id']] } }, writer.token))['startChat'];
    expect(chat.lastMessage.attachments.map((a: { id: string }) => a.id)).toEqual([first.body['id']]);
    expect(await users()).toBe(before + 1);
    expect((await download(api, agent.token, `/uploads/${first.body['id']}`)).status).toBe(200);

    // The one who never wrote leaves nothing once their upload's time is up.
    await eventually(async () => (await count(api, 'SELECT count(*) FROM attachments WHERE id = $1', [left.body['id']])) === 0, 30_000);
    expect(await options.holds(api, left.body['id'])).toBe(false);
    expect(await users()).toBe(before + 1);
    expect(await count(api, `SELECT count(*) FROM users WHERE id = $1`, [silent.user.id])).toBe(0);
  }, 45_000);

  it('deletes an upload no message named once its time is up (a job on the queue), and keeps sent ones', async () => {
    const photo = await photoWithGps();
    const unsent = (await upload(api, customer.token, photo, 'forgotten.jpg')).body['id'];
    const sent = (await upload(api, customer.token, photo, 'kept.jpg')).body['id'];
    await gqlOk(api.graphqlUrl, START, { input: { message: 'kept', attachmentIds: [sent] } }, customer.token);
    // Not before its time...
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await download(api, customer.token, `/uploads/${unsent}`)).status).toBe(200);
    // ...and soon after it (the queue's workers look for due jobs every 2 s).
    await eventually(async () => (await count(api, 'SELECT count(*) FROM attachments WHERE id = $1', [unsent])) === 0, 30_000);
    expect(await options.holds(api, unsent)).toBe(false);
    expect(await options.holds(api, `${unsent}/thumbnail`)).toBe(false);
    expect((await download(api, customer.token, `/uploads/${unsent}`)).status).toBe(404);
    expect(await options.holds(api, sent)).toBe(true);
    expect((await download(api, customer.token, `/uploads/${sent}`)).status).toBe(200);
  }, 45_000);
}

describe('attachments kept in PostgreSQL (the default store)', () => {
  attachmentSuite({
    store: 'postgres',
    holds: async (api, key) => (await api.server.dataSource.query('SELECT 1 FROM attachment_blobs WHERE key = $1', [key])).length === 1,
  });
});

const BUCKET = 'parley-attachments';

describe('on an S3-compatible store (s3rver)', () => {
  let s3rver: S3rver;
  let directory: string;
  let settings: NonNullable<AttachmentsConfig['s3']>;
  let client: S3Client;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'parley-s3-'));
    s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET, configs: [] }] });
    const { port } = await s3rver.run();
    // s3rver's own fixed credentials.
    settings = { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', bucket: BUCKET, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true };
    client = new S3Client({ region: settings.region, endpoint: settings.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  });

  afterAll(async () => {
    client?.destroy();
    await s3rver?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  describe('attachments kept in an S3-compatible store', () => {
    attachmentSuite({
      store: 's3',
      s3: () => settings,
      holds: async (api, key) => {
        try {
          await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
          return true;
        } catch (error) {
          if ((error as { name?: string }).name === 'NoSuchKey') return false;
          throw error;
        }
      },
    });
  });

  describe('moving files between the stores', () => {
    let api: TestServer;
    beforeAll(async () => {
      api = await startTestServer({ attachments: { ...TEST_LIMITS, store: 'postgres', s3: settings } });
    }, 60_000);
    afterAll(() => api?.stop(), 30_000);

    it('moves every file to the bucket and back, readable before, during and after', async () => {
      const customer = await registerCustomer(api);
      const photo = (await upload(api, customer.token, await photoWithGps(), 'p.jpg')).body['id'] as string;
      const text = (await upload(api, customer.token, Buffer.from('hello\n'), 'hello.txt')).body['id'] as string;
      await gqlOk(api.graphqlUrl, 'mutation($input: StartChatInput!) { startChat(input: $input) { id } }', { input: { message: 'files', attachmentIds: [photo, text] } }, customer.token);
      const read = async () => Promise.all([photo, `${photo}/thumbnail`, text].map(async (path) => (await download(api, customer.token, `/uploads/${path}`)).status));
      const blobs = async () => Number((await api.server.dataSource.query('SELECT count(*) FROM attachment_blobs'))[0].count);
      expect(await blobs()).toBe(3);

      const postgres = new PostgresBlobStore(api.server.dataSource);
      const s3 = new S3BlobStore(settings);
      try {
        expect(await moveAttachments(api.server.dataSource, postgres, s3)).toBe(2);
        expect(await blobs()).toBe(0);
        expect(await s3.get(`${photo}/thumbnail`)).not.toBeNull();
        expect(await read()).toEqual([200, 200, 200]);
        expect(await moveAttachments(api.server.dataSource, s3, postgres)).toBe(2);
        expect(await blobs()).toBe(3);
        expect(await s3.get(text)).toBeNull();
        expect(await read()).toEqual([200, 200, 200]);
      } finally {
        s3.close();
      }
    });
  });
  describe('the sweep for orphaned bytes (a job on the queue)', () => {
    let api: TestServer;
    const objectExists = async (key: string) =>
      client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).then(
        () => true,
        (error: { name?: string }) => {
          if (error.name === 'NoSuchKey') return false;
          throw error;
        },
      );
    beforeAll(async () => {
      // Last in this file: the sweep judges the whole bucket by this server's database.
      api = await startTestServer({ attachments: { ...TEST_LIMITS, store: 's3', s3: settings, sweepEverySeconds: 1, orphanGraceSeconds: 1 } });
    }, 60_000);
    afterAll(() => api?.stop(), 30_000);

    it('deletes objects and blobs no row names (a deleted chat, an upload that died before its row), and keeps the rest', async () => {
      const customer = await registerCustomer(api);
      const sent = (await upload(api, customer.token, await photoWithGps(), 'kept.jpg')).body['id'] as string;
      await gqlOk(api.graphqlUrl, START, { input: { message: 'kept', attachmentIds: [sent] } }, customer.token);
      const gone = (await upload(api, customer.token, Buffer.from('deleted with its chat\n'), 'gone.txt')).body['id'] as string;
      const chatId = (await gqlOk(api.graphqlUrl, START, { input: { message: 'to be deleted', attachmentIds: [gone] } }, customer.token))['startChat'].id;
      // The chat goes (its attachment rows by cascade); the bytes in the bucket are the sweep's to find.
      await api.server.dataSource.query('DELETE FROM chats WHERE id = $1', [chatId]);
      // Bytes whose row never came, in the bucket and in the table.
      const stray = randomUUID();
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: stray, Body: 'stray' }));
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${stray}/thumbnail`, Body: 'stray' }));
      const strayBlob = randomUUID();
      await api.server.dataSource.query('INSERT INTO attachment_blobs (key, data) VALUES ($1, $2)', [strayBlob, Buffer.from('stray')]);
      expect(await objectExists(gone)).toBe(true);

      await eventually(async () => !(await objectExists(gone)) && !(await objectExists(stray)) && !(await objectExists(`${stray}/thumbnail`)), 30_000);
      await eventually(async () => (await count(api, 'SELECT count(*) FROM attachment_blobs WHERE key = $1', [strayBlob])) === 0, 30_000);
      expect(await objectExists(sent)).toBe(true);
      expect(await objectExists(`${sent}/thumbnail`)).toBe(true);
      expect((await download(api, customer.token, `/uploads/${sent}`)).status).toBe(200);
    }, 60_000);
  });
});
