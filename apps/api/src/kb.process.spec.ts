import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, gqlOk, root } from '@parley/api/testing';

// The knowledge base on the embedded store (real PostgreSQL 18 binaries), through the built bundle and the kb:import CLI.
const dist = join(root, 'dist/apps/api');
const starter = join(root, 'libs/api/assist/src/knowledge-base');


const env = (dataDir: string, extra: Record<string, string> = {}) => ({
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? '/tmp',
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  ...extra,
});

beforeAll(() => {
  if (!existsSync(join(dist, 'kb-import.js'))) throw new Error('build the API first (npm test does): node tools/build/build-api.mjs');
});

it('imports Markdown articles with kb:import and searches them on the embedded store', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-kb-'));
  const extra = mkdtempSync(join(tmpdir(), 'parley-kb-files-'));
  let child: ChildProcess | undefined;
  try {
    writeFileSync(join(extra, 'gift-wrapping.md'), '---\ntitle: Gift wrapping\ntags: [orders]\n---\n\nAdd gift wrapping with a handwritten card at checkout for 3.50.\n');
    for (const folder of [starter, extra]) {
      const run = spawnSync(process.execPath, [join(dist, 'kb-import.js'), folder], { cwd: root, env: env(dataDir), encoding: 'utf8', timeout: 120_000 });
      expect(`${run.stdout}${run.stderr}`).toMatch(/imported \d+ articles/);
      expect(run.status).toBe(0);
    }

    const port = await freePort();
    child = spawn(process.execPath, [join(dist, 'main.js')], { cwd: root, env: env(dataDir, { PORT: String(port), SEED_DEMO: 'false' }), stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}/graphql`;
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ready) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const reg = await gqlOk(url, `mutation { register(input: { email: "kb@parley.test", password: "amber lantern 42 quietly", displayName: "Kim" }) { token } }`);
    const token = reg['register'].token as string;
    const search = async (query: string) =>
      (await gqlOk(url, `query($q: String!) { searchArticles(query: $q) { snippet article { title } } }`, { q: query }, token))['searchArticles'];
    expect((await search('how do i send back shoes i bought'))[0].article.title).toBe('How to return an item');
    expect((await search('can you add gift wrapping'))[0].article.title).toBe('Gift wrapping');
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(extra, { recursive: true, force: true });
  }
}, 240_000);
