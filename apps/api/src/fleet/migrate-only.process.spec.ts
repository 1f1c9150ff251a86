import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { bundle, createTestDatabase, freePort, requireBundle, root, tcpOpen, type TestDatabase } from '@parley/api/testing';

// The migration job of a deployment: MIGRATE_ONLY=true migrates and exits without serving.
let database: TestDatabase;

beforeAll(async () => {
  requireBundle();
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

async function migrateOnly(port: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [bundle], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', MIGRATE_ONLY: 'true', DATABASE_URL: database.url, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: '/nonexistent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearTimeout(timer);
  return { code, output };
}

describe('MIGRATE_ONLY=true', () => {
  it('applies the migrations, never listens, exits 0; a second run finds nothing to do', async () => {
    const port = await freePort();
    const first = await migrateOnly(port);
    expect(first).toEqual({ code: 0, output: expect.stringContaining('migrations applied') });
    expect(await tcpOpen(port)).toBe(false);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT to_regclass('public.messages') AS messages`);
      expect(rows[0].messages).toBe('messages');
    } finally {
      await client.end();
    }
    const second = await migrateOnly(port);
    expect(second).toEqual({ code: 0, output: expect.stringContaining('already up to date') });
  }, 120_000);
});
