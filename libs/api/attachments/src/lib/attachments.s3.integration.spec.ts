// The same tests on an S3-compatible object store: s3rver, a real S3 server
// (HTTP, S3's REST API and XML, files on disk) started from npm in this process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { AttachmentsConfig } from '@parley/api/config';
import { gqlOk, registerCustomer, startTestServer, type TestServer } from '@parley/api/testing';
import { attachmentSuite, download, photoWithGps, TEST_LIMITS, upload } from './attachments.suite';
import { PostgresBlobStore, S3BlobStore } from './blob-store';
import { moveAttachments } from './move-attachments';

const BUCKET = 'parley-attachments';
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
