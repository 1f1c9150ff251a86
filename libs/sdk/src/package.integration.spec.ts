import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { registerCustomer, sleep, startChat, startTestServer, createAgent, type TestServer } from '@parley/api/testing';
import { TcpProxy } from './testing/tcp-proxy.js';
import { ParleyClient } from './lib/client.js';

// The package as npm publishes it: packed, unpacked into a node_modules, its example run from there.
const SDK_DIR = resolve(__dirname, '..');
const ROOT = resolve(SDK_DIR, '../..');

let workDir: string;
let packageDir: string;
let packedFiles: string[];
let api: TestServer;
let proxy: TcpProxy;

beforeAll(async () => {
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  // Inside the repository, so that the unpacked package finds its dependencies (graphql-ws, ws) in node_modules.
  workDir = mkdtempSync(join(ROOT, 'tmp', 'sdk-pack-'));
  const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', workDir], {
    cwd: SDK_DIR,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stdout}\n${pack.stderr}`);
  const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packedFiles = packed.files.map((file) => file.path).sort();
  packageDir = join(workDir, 'node_modules/@parley/sdk');
  mkdirSync(packageDir, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', join(workDir, packed.filename), '-C', packageDir, '--strip-components=1'], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  api = await startTestServer();
  proxy = await TcpProxy.start(Number(new URL(api.url).port));
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
  await api?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 60_000);

describe('the npm package', () => {
  it('holds the built JavaScript, its type declarations, the README and the examples, and nothing else', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/lib/client.js', 'dist/generated/graphql.d.ts', 'examples/follow-chat.mjs']));
    expect(packedFiles.filter((path) => !/^(package\.json|README\.md|dist\/.+\.(js|d\.ts)|examples\/.+\.mjs)$/.test(path))).toEqual([]);
    expect(packedFiles.filter((path) => /spec|testing|\.ts$/.test(path) && !path.endsWith('.d.ts'))).toEqual([]);
  });

  it('type-checks its example against the published declarations', () => {
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--allowJs', '--checkJs', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', 'examples/follow-chat.mjs'],
      { cwd: packageDir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect({ status: tsc.status, output: tsc.stdout + tsc.stderr }).toEqual({ status: 0, output: '' });
  }, 60_000);

  it('runs its example through network cuts: every message printed once, in order, and every reply stored once', async () => {
    const customer = await registerCustomer(api);
    const chatId = await startChat(api, customer, 'Hello, my order is late');
    const agent = new ParleyClient({ url: api.graphqlUrl });
    const agentAccount = await createAgent(api);
    await agent.login(agentAccount.email, agentAccount.password);
    await agent.acceptChat(chatId);
    const historyEnd = (await agent.chat(chatId))?.lastMessage?.seq ?? 0;

    const child = spawn(process.execPath, [join(packageDir, 'examples/follow-chat.mjs')], {
      cwd: workDir,
      env: { PATH: process.env['PATH'] ?? '', PARLEY_URL: proxy.url, PARLEY_EMAIL: customer.email, PARLEY_PASSWORD: customer.password, PARLEY_CHAT_ID: chatId },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
    const printed: Array<{ seq: number; kind: string; body: string }> = [];
    createInterface({ input: child.stdout }).on('line', (line) => printed.push(JSON.parse(line)));
    const until = async (what: string, probe: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!probe()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; printed ${JSON.stringify(printed)}; stderr ${stderr}`);
        await sleep(25);
      }
    };
    const replied = (question: string) => until(`the reply to ${question}`, () => printed.some((m) => m.body === `Got it: ${question}`));

    try {
      await until('the history', () => printed.some((m) => m.seq === historyEnd));
      await agent.sendMessage({ chatId, body: 'question 1' });
      await replied('question 1');

      // The socket and any pooled HTTP connection reset mid-conversation.
      await agent.sendMessage({ chatId, body: 'question 2' });
      proxy.cut();
      await replied('question 2');

      // A reply stored by the server whose answer never gets back: the example's retry must not store it twice.
      const lost = proxy.failNext('drop-response', 'sendMessage');
      await agent.sendMessage({ chatId, body: 'question 3' });
      await lost;
      await replied('question 3');

      // Down for a while: messages sent meanwhile arrive once it is back.
      proxy.down();
      await agent.sendMessage({ chatId, body: 'question 4' });
      await agent.sendMessage({ chatId, body: 'question 5' });
      await sleep(800);
      proxy.up();
      await replied('question 5');

      await agent.sendMessage({ chatId, body: 'bye' });
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }

    const seqs = printed.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const stored = ((await agent.messages({ chatId, first: 100 }))?.edges ?? []).map((edge) => edge.node);
    expect(printed).toEqual(stored.map(({ seq, kind, body }) => ({ seq, kind, body })));
    const questions = ['question 1', 'question 2', 'question 3', 'question 4', 'question 5'];
    expect(printed.filter((m) => m.kind === 'AGENT').map((m) => m.body)).toEqual([...questions, 'bye']);
    for (const question of questions) expect(stored.filter((m) => m.body === `Got it: ${question}`)).toHaveLength(1);
    expect(stderr).toMatch(/socket closed/);
  }, 120_000);
});
