import { Client } from 'pg';
import {
  canRunPrivatePostgres,
  fleetSettings,
  gql,
  pool,
  registerAt,
  removeDataDirs,
  requireBundle,
  SEND,
  sleep,
  startApi,
  startChatAt,
  startPrivatePostgres,
  until,
  type Account,
  type ApiInstance,
  type PostgresProcess,
} from '@parley/api/testing';

// PostgreSQL restarted under load, on a private cluster (the shared server is never touched).
const maybe = canRunPrivatePostgres() ? describe : describe.skip;
let postgres: PostgresProcess;
let api: ApiInstance;

maybe('PostgreSQL restarted under load', () => {
  beforeAll(async () => {
    requireBundle();
    postgres = await startPrivatePostgres();
    api = await startApi(fleetSettings(postgres.url));
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await postgres?.destroy();
    removeDataDirs();
  }, 60_000);

  it('fails sends with a retryable error while it is down, acknowledges only what was committed, and recovers without a restart', async () => {
    const customers = await Promise.all(Array.from({ length: 5 }, (_, i) => registerAt(api.graphqlUrl, `pg${i}`)));
    const chats: Array<{ customer: Account; chatId: string }> = [];
    for (let i = 0; i < 20; i++) chats.push({ customer: customers[i % 5], chatId: await startChatAt(api.graphqlUrl, customers[i % 5], `chat ${i}`) });

    let phase: 'before' | 'down' | 'after' = 'before';
    const acknowledged: Array<{ chatId: string; seq: number; body: string }> = [];
    const failures: Array<{ code?: string; retryable?: unknown; message: string }> = [];
    let sentAfter = 0;
    const restart = (async () => {
      await sleep(1000);
      await postgres.stop();
      phase = 'down';
      await until(async () => !(await api.isReady()), 5000, () => 'still ready without PostgreSQL');
      await sleep(3000);
      await postgres.start();
      phase = 'after';
    })();
    await pool(chats, chats.length, async ({ customer, chatId }) => {
      for (let n = 0; n < 1000 && sentAfter < 100; n++) {
        const body = `m${n}`;
        const answer = await gql(api.graphqlUrl, SEND, { input: { chatId, body, clientMessageId: `${chatId}-${n}` } }, customer.token);
        if (answer.data?.['sendMessage']) {
          acknowledged.push({ chatId, ...answer.data['sendMessage'] });
          if (phase === 'after') sentAfter++;
        } else {
          const error = answer.errors?.[0];
          failures.push({ code: error?.extensions?.['code'], retryable: error?.extensions?.['retryable'], message: error?.message ?? '' });
          // Retried with the same clientMessageId after a pause, as a client would.
          n--;
          await sleep(200);
        }
        await sleep(30);
      }
    });
    await restart;

    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure).toEqual({ code: 'INTERNAL_SERVER_ERROR', retryable: true, message: expect.stringMatching(/retry/) });
    expect(sentAfter).toBeGreaterThanOrEqual(100);
    await until(() => api.isReady(), 10_000, () => 'readiness did not come back');

    const client = new Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ chatId: string; seq: number; body: string; clientMessageId: string }>(
        `SELECT "chatId", seq, body, "clientMessageId" FROM messages WHERE "clientMessageId" IS NOT NULL`,
      );
      const stored = new Set(rows.map((r) => `${r.chatId}/${r.seq}/${r.body}`));
      expect(acknowledged.filter((a) => !stored.has(`${a.chatId}/${a.seq}/${a.body}`))).toEqual([]);
      expect(new Set(rows.map((r) => r.clientMessageId)).size).toBe(rows.length);
    } finally {
      await client.end();
    }
  }, 180_000);
});
