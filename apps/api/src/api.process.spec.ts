import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, createTestDatabase, freePort, gqlOk, root, type TestDatabase } from '@parley/api/testing';

// These tests run the built bundle as a real process, the way `npm start` and operators do.

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(env: Record<string, string>): Running {
  const child = spawn(process.execPath, [bundle], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

async function waitReady(port: number, run: Running, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (run.child.exitCode !== null) throw new Error(`exited early:\n${run.output()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready in time:\n${run.output()}`);
}

async function stop(run: Running): Promise<number | null> {
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
  const code = await run.exited;
  clearTimeout(timer);
  return code;
}


beforeAll(() => {
  if (!existsSync(bundle)) throw new Error('build the API first (npm test does): node tools/build/build-api.mjs');
});

async function conversationSurvivesRestart(env: Record<string, string>) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  let run = launch({ ...env, PORT: String(port) });
  try {
    await waitReady(port, run);
    const reg = await gqlOk(url, `mutation { register(input: { email: "keep@parley.test", password: "amber lantern 42 quietly", displayName: "Kept" }) { token } }`);
    const token = reg['register'].token as string;
    const chat = await gqlOk(url, `mutation { startChat(input: { message: "remember me" }) { id } }`, {}, token);
    const started = Date.now();
    const code = await stop(run);
    if (code !== 0) console.log(run.output());
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    run = launch({ ...env, PORT: String(port) });
    await waitReady(port, run);
    // The same token still works: the signing secret survived too.
    const again = await gqlOk(url, `query($id: ID!) { me { displayName } chat(id: $id) { lastMessage { body } } }`, { id: chat['startChat'].id }, token);
    expect(again).toEqual({ me: { displayName: 'Kept' }, chat: { lastMessage: { body: 'remember me' } } });
    await gqlOk(url, `mutation { login(input: { email: "KEEP@parley.test", password: "amber lantern 42 quietly" }) { token } }`);
  } finally {
    if (run.child.exitCode === null) await stop(run);
  }
}

describe('the API process', () => {
  it('runs on the embedded PostgreSQL with no DATABASE_URL, and keeps data across a restart', async () => {
    // Inside a private folder, like a checkout in `mktemp -d` (0700): run as root, PostgreSQL runs as
    // another user, which must still reach its data.
    const privateFolder = mkdtempSync(join(tmpdir(), 'parley-embedded-'));
    const dataDir = join(privateFolder, 'checkout', 'data');
    try {
      await conversationSurvivesRestart({ DATA_DIR: dataDir });
      expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    } finally {
      rmSync(privateFolder, { recursive: true, force: true });
    }
  }, 180_000);

  it('runs on PostgreSQL from DATABASE_URL, and keeps data across a restart', async () => {
    const database: TestDatabase = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
    try {
      await conversationSurvivesRestart({ DATABASE_URL: database.url, DATA_DIR: dataDir });
    } finally {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1:1/x' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1:1/x', JWT_SECRET: 'j'.repeat(48) }, 'WEBHOOK_SECRET_KEY'],
    [{ CORS_ORIGINS: 'nope' }, 'CORS_ORIGINS'],
  ])('refuses to start with bad configuration %j, naming %s', async (env, variable) => {
    const run = launch({ DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-bad-')), ...env });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(variable);
  });
});
