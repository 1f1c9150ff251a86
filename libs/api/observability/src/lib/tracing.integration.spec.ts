import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  acceptChat,
  createAgent,
  createTestDatabase,
  registerCustomer,
  startChat,
  type TestDatabase,
  type TestServer,
} from '@parley/api/testing';

const root = resolve(__dirname, '../../../../..');
const mainJs = join(root, 'dist/apps/api/main.js');

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** A local OTLP/HTTP receiver (JSON encoding, what @opentelemetry/exporter-trace-otlp-http sends). */
async function startOtlpReceiver(): Promise<{ server: Server; url: string; spans: ReceivedSpan[]; paths: string[] }> {
  const spans: ReceivedSpan[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      if (req.url === '/v1/traces' && String(req.headers['content-type']).startsWith('application/json')) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const resourceSpans of body.resourceSpans ?? [])
          for (const scopeSpans of resourceSpans.scopeSpans ?? [])
            for (const span of scopeSpans.spans ?? []) {
              const attributes: Record<string, unknown> = {};
              for (const { key, value } of span.attributes ?? []) attributes[key] = Object.values(value ?? {})[0];
              spans.push({
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                name: span.name,
                attributes,
              });
            }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, paths };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

const describeBuilt = existsSync(mainJs) ? describe : describe.skip;
if (!existsSync(mainJs))
  console.warn(`${mainJs} is missing: run \`node tools/build/build-api.mjs\` (npm test does) to run the tracing test`);

describeBuilt('tracing: the API process exports OTLP traces', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let database: TestDatabase;
  let child: ChildProcess;
  let dataDir: string;
  const stdout: string[] = [];
  const admin = { email: `admin-${randomBytes(3).toString('hex')}@parley.test`, password: randomBytes(12).toString('base64url') };
  let api: TestServer;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'parley-tracing-'));
    const port = await freePort();
    child = spawn(process.execPath, [mainJs], {
      cwd: root,
      env: {
        PATH: process.env['PATH'],
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        SEED_DEMO: 'false',
        RATE_LIMIT_SCALE: '0',
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    const listening = new Promise<void>((ready, failed) => {
      child.once('exit', (code) => failed(new Error(`the API exited with ${code} before listening`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        stdout.push(...lines);
        if (lines.some((line) => line.includes('Parley API listening'))) ready();
      });
    });
    const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await listening.finally(() => clearTimeout(timeout));
    const url = `http://127.0.0.1:${port}`;
    api = { url, graphqlUrl: `${url}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql`, admin } as TestServer;
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(force);
    }
    await new Promise((done) => receiver?.server.close(done));
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('a sendMessage trace shows the resolver, the database statement and the publish; the log line carries its trace id', async () => {
    const customer = await registerCustomer(api);
    const agent = await createAgent(api);
    const chatId = await startChat(api, customer);
    await acceptChat(api, agent, chatId);
    const res = await fetch(api.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${customer.token}`, 'x-request-id': 'traced-send-1' },
      body: JSON.stringify({
        query: `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { seq } }`,
        variables: { input: { chatId, body: 'a traced message' } },
      }),
    });
    expect(((await res.json()) as { data: unknown }).data).toEqual({ sendMessage: { seq: expect.any(Number) } });

    const resolverSpan = () =>
      receiver.spans.find((s) => s.name.startsWith('graphql.resolve') && s.attributes['graphql.field.name'] === 'sendMessage');
    const complete = () => {
      const resolver = resolverSpan();
      if (!resolver) return false;
      const trace = receiver.spans.filter((s) => s.traceId === resolver.traceId);
      return trace.some((s) => s.name.startsWith('pubsub.publish messageAdded')) && trace.some((s) => s.name.startsWith('pg.query'));
    };
    for (let attempt = 0; attempt < 100 && !complete(); attempt++) await new Promise((done) => setTimeout(done, 100));

    const resolver = resolverSpan();
    expect(resolver).toBeDefined();
    const trace = receiver.spans.filter((s) => s.traceId === resolver?.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const ancestors = (span: ReceivedSpan) => {
      const chain: string[] = [];
      for (
        let parent = span.parentSpanId && byId.get(span.parentSpanId);
        parent && chain.length < 50;
        parent = parent.parentSpanId && byId.get(parent.parentSpanId)
      )
        chain.push(parent.name);
      return chain;
    };
    // One root: the incoming HTTP request; the operation and the resolver below it.
    const roots = trace.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => s.name)).toEqual(['POST /graphql']);
    expect(ancestors(resolver as ReceivedSpan)).toEqual(expect.arrayContaining(['mutation Send', 'POST /graphql']));
    // Inside the resolver: the statement that stores the message, then the publish to subscribers.
    const store = trace.find((s) => s.name.startsWith('pg.query:WITH'));
    expect(store && ancestors(store)).toContain('graphql.resolve sendMessage');
    const publish = trace.find((s) => s.name === 'pubsub.publish messageAdded');
    expect(publish && ancestors(publish)).toContain('graphql.resolve sendMessage');

    const requestLine = stdout
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry['requestId'] === 'traced-send-1' && entry['msg'] === 'graphql request');
    expect(requestLine).toMatchObject({
      operation: 'sendMessage',
      operationName: 'Send',
      userId: customer.id,
      code: 'OK',
      traceId: resolver?.traceId,
    });
    expect(stdout.join('\n')).not.toContain('a traced message');
    // Traces only: metrics stay with Prometheus, logs on stdout.
    expect(receiver.paths.filter((path) => !path.startsWith('POST /v1/traces application/json'))).toEqual([]);
  }, 30_000);
});
