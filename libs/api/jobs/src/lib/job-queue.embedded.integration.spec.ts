import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@parley/api/database';
import { defineQueue, JobQueue } from './job-queue';

jest.setTimeout(120_000);

// `npm start` with no DATABASE_URL runs the embedded store: the queue must work there too.
describe('the job queue on the embedded PostgreSQL', () => {
  let dataDir: string;
  let embedded: EmbeddedDatabase | undefined;
  let queue: JobQueue | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-jobs-embedded-'));
    embedded = await startEmbeddedPostgres(dataDir);
  });

  afterAll(async () => {
    await queue?.stop();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates its schema there and runs a delayed job', async () => {
    const pings = defineQueue<{ n: number }>('test-embedded');
    queue = new JobQueue({ url: (embedded as EmbeddedDatabase).url, pollingIntervalSeconds: 0.5 });
    const seen: number[] = [];
    await queue.work(pings, async (payload) => void seen.push(payload.n));
    await queue.start();
    await queue.send(pings, { n: 7 }, { delaySeconds: 0.5 });
    const deadline = Date.now() + 15_000;
    while (!seen.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([7]);
  });
});
