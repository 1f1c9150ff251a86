// The desk at a team's scale (issue 29, goal 2), on one Parley instance of its own:
//   seed     agents through the API; customers, open chats (most ACTIVE, some QUEUED), labels and
//            `searchMessages` messages with SQL (generate_series; the full-text index is dropped
//            while they go in and built again after, as a restore would)
//   desk     every agent's socket holds the desk's subscriptions: chatUpdated, availabilityChanged
//            and messageAdded for each of their open chats (up to `openPerAgent`)
//   messages each agent's live chat gets `ratePerAgent` customer messages a second; latency from the
//            scheduled send to the agent's messageAdded
//   fan-out  new chats (startChat) at `fanoutRate` a second, each a chatUpdated for every agent; the
//            same again once the agents have dropped chatUpdated: the server CPU the fan-out costs is
//            the difference, per delivered frame. The peer is broadcast-peer.mjs (raw `ws`) sending
//            the same frame, as received, to as many sockets at the same rate
//   inbox    the desk's first pages: the queue, the ACTIVE chats (where "mine" comes from), all
//            chats with a label; one request at a time
//   search   searchChats over the messages, a word a customer wrote, one request at a time
import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import { harness } from './harness.mjs';
import { ParleySystem, repoRoot } from './systems.mjs';
import { backendPids, dbUrl, seedInTransaction, settleDatabase } from './database.mjs';
import { cpuDelta, cpuMicros, keepAliveAgent, mapLimit, newHistogram, postJson, sleep, summarize } from './util.mjs';

/** Sizes per mode; the full run is the issue's. */
export const DESK_PRESETS = {
  quick: { agents: 50, chats: 5000, queued: 100, openPerAgent: 40, ratePerAgent: 2, durationMs: 5000, fanoutRate: 20, fanoutMs: 5000, searchMessages: 100_000, inboxReps: 100, searchReps: 100 },
  full: { agents: 200, chats: 20_000, queued: 400, openPerAgent: 100, ratePerAgent: 5, durationMs: 15_000, fanoutRate: 20, fanoutMs: 15_000, searchMessages: 1_000_000, inboxReps: 300, searchReps: 300 },
};

// The desk's own documents (libs/web/desk/api/data-access/src/lib/graphql), fragments inlined.
const PERSON = `fragment DeskPerson on User { id displayName email role }`;
const MESSAGE = `fragment DeskMessage on Message { id chatId seq kind body clientMessageId createdAt sender { id displayName role } attachments { id name contentType size url width height thumbnailUrl } }`;
const CHAT = `fragment DeskChat on Chat { id subject status botActive createdAt updatedAt closedAt labels assignmentReason customerReadSeq agent { ...DeskPerson } customer { ...DeskPerson } lastMessage { ...DeskMessage } }`;
const AGENT = `fragment DeskAgent on User { id displayName email role availability maxChats active }`;
const withChat = (op) => `${op} ${CHAT} ${PERSON} ${MESSAGE}`;
export const DESK_OPS = {
  chatUpdated: withChat(`subscription DeskChatUpdated { chatUpdated { ...DeskChat } }`),
  availability: `subscription DeskAvailabilityChanged { availabilityChanged { ...DeskAgent } } ${AGENT}`,
  activity: `subscription DeskChatActivity($chatId: ID!, $afterSeq: Int) { messageAdded(chatId: $chatId, afterSeq: $afterSeq) { ...DeskMessage } } ${MESSAGE}`,
  queue: withChat(`query DeskQueue { queue { ...DeskChat } }`),
  chats: withChat(`query DeskChats($first: Int, $after: String, $status: ChatStatus) { chats(first: $first, after: $after, status: $status) { edges { node { ...DeskChat } } pageInfo { hasNextPage endCursor } } }`),
  search: withChat(`query DeskSearchChats($query: String, $label: String, $first: Int, $after: String) { searchChats(query: $query, label: $label, first: $first, after: $after) { edges { node { ...DeskChat } } pageInfo { hasNextPage endCursor } } }`),
};
const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id seq } }`;
const START = `mutation Start($input: StartChatInput!) { startChat(input: $input) { id } }`;
const LABELS = ['billing', 'shipping', 'returns', 'warranty', 'account', 'sales', 'bug', 'feedback', 'vip', 'urgent'];
/** Words of the seeded messages: zq0 … zq4999, three to a message, so each is in about 1 message in 1,700. */
const VOCABULARY = 5000;

/** @param {{ log: (...a: any[]) => void, logDir?: string, postmasterPid?: number, sizes: typeof DESK_PRESETS.full }} opts */
export async function runDesk(opts) {
  const { log, sizes } = opts;
  const sys = new ParleySystem({ log, logDir: opts.logDir, postmasterPid: opts.postmasterPid });
  sys.name = 'parley-desk';
  const out = { sizes, errors: [] };
  let peer = null;
  const clients = [];
  try {
    await sys.start();
    const url = `${sys.base}/graphql`;
    const http = keepAliveAgent(64);
    const gql = async (token, query, variables) => {
      const res = await postJson(http, url, { query, variables }, token ? { authorization: `Bearer ${token}` } : {});
      if (res.body?.errors?.length || res.status !== 200) throw new Error(`graphql ${res.status}: ${JSON.stringify(res.body?.errors ?? res.body).slice(0, 300)}`);
      return res.body.data;
    };
    const t0 = Date.now();
    const admin = await harness.loginAt(url, sys.admin.email, sys.admin.password);
    await gql(admin.token, `mutation { updateTeamSettings(routing: MANUAL) { routing } }`);
    const agents = new Array(sizes.agents);
    await harness.pool([...agents.keys()], 8, async (i) => void (agents[i] = await harness.createAgentAt(url, admin.token, `Desk agent ${i}`)));
    // One live customer per agent: their chat gets the agent's share of the messages, and they start the fan-out's chats.
    const live = new Array(sizes.agents);
    await harness.pool([...live.keys()], 8, async (i) => {
      const customer = await harness.registerAt(url, `Live customer ${i}`);
      const chatId = await harness.startChatAt(url, customer, 'hello, my order zq1 has not arrived', `live-${i}`);
      await harness.acceptChatAt(url, agents[i], chatId);
      live[i] = { customer, chatId };
    });
    log(`  parley-desk: ${sizes.agents} agents and their live chats in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    out.seed = await seed(sys.dbName, agents.map((a) => a.id), sizes, log);

    // ---- the desk's sockets
    const t1 = Date.now();
    const opened = await openDesks(sys, agents, live, sizes, clients);
    out.setup = { seconds: Math.round((Date.now() - t0) / 100) / 10, subscriptions: opened.subscriptions, openSeconds: Math.round((Date.now() - t1) / 100) / 10 };
    log(`  parley-desk: ${sizes.agents} desks open with ${opened.subscriptions} subscriptions in ${out.setup.openSeconds} s`);
    const serverPid = sys.serverPids()[0];
    const dbPids = await backendPids(sys.dbName);

    // ---- customer messages
    await settleDatabase();
    out.messages = await customerMessages(gql, live, opened.board, sizes, serverPid, dbPids, log);

    // ---- fan-out: with the agents' chatUpdated, then without
    await settleDatabase();
    const withSubs = await startChats(gql, live, opened.board, sizes, serverPid, 'with');
    for (const stop of opened.chatUpdatedStops) stop();
    await sleep(1000);
    const withoutSubs = await startChats(gql, live, null, sizes, serverPid, 'without');
    peer = await startPeer(opts.logDir);
    const peerRun = await broadcastThroughPeer(peer, opened.board.frame, sizes, clients);
    const deliveries = withSubs.events * sizes.agents;
    const parleyUs = (withSubs.serverCpuUs - withoutSubs.serverCpuUs) / deliveries;
    out.fanout = {
      events: withSubs.events,
      subscribers: sizes.agents,
      frameBytes: Buffer.byteLength(opened.board.frame ?? ''),
      serverCpuUsWith: Math.round(withSubs.serverCpuUs),
      serverCpuUsWithout: Math.round(withoutSubs.serverCpuUs),
      parleyUsPerDelivery: round2(parleyUs),
      peerUsPerDelivery: round2(peerRun.cpuUs / (peerRun.events * peerRun.sockets)),
      peerDelivered: peerRun.delivered,
      latency: summarize(withSubs.latency),
      missing: withSubs.missing,
    };
    out.fanout.ratio = round2(out.fanout.parleyUsPerDelivery / out.fanout.peerUsPerDelivery);
    log(`  parley-desk fan-out: ${out.fanout.events} chatUpdated x ${sizes.agents} agents; server µs per delivery ${out.fanout.parleyUsPerDelivery} (with ${out.fanout.serverCpuUsWith} - without ${out.fanout.serverCpuUsWithout} µs), raw ws ${out.fanout.peerUsPerDelivery}: ${out.fanout.ratio}x; latency to every agent p50 ${out.fanout.latency.p50} p99 ${out.fanout.latency.p99} ms, missing ${out.fanout.missing}`);

    // ---- the inbox's first pages and search, one request at a time
    await settleDatabase();
    const token = agents[0].token;
    const time = async (name, reps, variables) => {
      const h = newHistogram();
      for (let i = 0; i < reps + 20; i++) {
        const [query, vars] = variables(i);
        const t = performance.now();
        await gql(token, query, vars);
        if (i >= 20) h.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
      }
      const s = summarize(h);
      log(`  parley-desk ${name}: p50 ${s.p50} p99 ${s.p99} ms`);
      return s;
    };
    out.inbox = {
      queue: await time('inbox queue', sizes.inboxReps, () => [DESK_OPS.queue, {}]),
      mine: await time('inbox mine (ACTIVE page)', sizes.inboxReps, () => [DESK_OPS.chats, { first: 100, status: 'ACTIVE' }]),
      label: await time('inbox all with a label', sizes.inboxReps, (i) => [DESK_OPS.search, { label: LABELS[i % LABELS.length], first: 100 }]),
    };
    out.search = {
      messages: out.seed.messages,
      ...(await time(`search over ${out.seed.messages} messages`, sizes.searchReps, (i) => [DESK_OPS.search, { query: `zq${(i * 7919) % VOCABULARY}`, first: 50 }])),
    };
    out.plans = await explainInbox(sys.dbName, log);
  } catch (err) {
    out.error = err.message;
    log(`  parley-desk: ${err.stack ?? err.message}`);
  } finally {
    await Promise.all(clients.map((c) => Promise.resolve(c.dispose?.() ?? c.terminate?.()).catch(() => {})));
    if (peer) peer.proc.kill('SIGTERM');
    await sys.stop().catch(() => {});
  }
  return out;
}

const round2 = (n) => Math.round(n * 100) / 100;

/** Customers, open chats, labels and messages in Parley's tables, by SQL. */
async function seed(dbName, agentIds, sizes, log) {
  const t0 = Date.now();
  const per = Math.max(1, Math.ceil(sizes.searchMessages / sizes.chats));
  const indexSeconds = await seedInTransaction(dbName, ['users', 'chats', 'chat_labels', 'messages'], async (client) => {
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await client.query(`CREATE TEMP TABLE desk_agents AS SELECT (row_number() OVER ()) - 1 AS k, id FROM unnest($1::uuid[]) id`, [agentIds]);
    await client.query(`CREATE TEMP TABLE desk_chats AS SELECT g AS k, gen_random_uuid() AS id, gen_random_uuid() AS customer, now() - random() * interval '30 days' AS at FROM generate_series(1, $1::int) g`, [sizes.chats]);
    await client.query(
      `INSERT INTO users (id, email, "emailLower", "displayName", role, "createdAt")
       SELECT customer, 'desk-' || k || '@example.com', 'desk-' || k || '@example.com', 'Customer ' || k, 'CUSTOMER', at FROM desk_chats`,
    );
    await client.query(
      `INSERT INTO chats (id, subject, status, "customerId", "agentId", "lastSeq", "botActive", "createdAt", "updatedAt")
       SELECT c.id, 'Order ' || c.k, CASE WHEN c.k <= $1 THEN 'QUEUED' ELSE 'ACTIVE' END::chat_status, c.customer, CASE WHEN c.k <= $1 THEN NULL ELSE a.id END,
              $3::int, false, c.at, c.at + $3::int * interval '1 minute'
       FROM desk_chats c JOIN desk_agents a ON a.k = c.k % $2`,
      [sizes.queued, agentIds.length, per],
    );
    await client.query(
      `INSERT INTO chat_labels ("chatId", "labelLower", label, position)
       SELECT id, (ARRAY[${LABELS.map((l) => `'${l}'`).join(',')}])[1 + k % ${LABELS.length}], (ARRAY[${LABELS.map((l) => `'${l}'`).join(',')}])[1 + k % ${LABELS.length}], 0
       FROM desk_chats WHERE k % 3 = 0`,
    );
    // The full-text index is built once over everything (as after a restore), not grown row by row.
    const { rows } = await client.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'IDX_messages_search'`);
    if (rows[0]) await client.query(`DROP INDEX "IDX_messages_search"`);
    await client.query(
      `INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "createdAt")
       SELECT gen_random_uuid(), c.id, s, CASE WHEN s % 2 = 1 OR ch."agentId" IS NULL THEN 'CUSTOMER' ELSE 'AGENT' END::message_kind,
              CASE WHEN s % 2 = 1 OR ch."agentId" IS NULL THEN ch."customerId" ELSE ch."agentId" END,
              'my order zq' || floor(random() * ${VOCABULARY})::int || ' has not arrived, tracking zq' || floor(random() * ${VOCABULARY})::int || ' says zq' || floor(random() * ${VOCABULARY})::int,
              c.at + s * interval '1 minute'
       FROM desk_chats c JOIN chats ch ON ch.id = c.id, generate_series(1, $1::int) s`,
      [per],
    );
    const tIndex = Date.now();
    if (rows[0]) await client.query(rows[0].indexdef);
    return (Date.now() - tIndex) / 1000;
  });
  const seconds = Math.round((Date.now() - t0) / 100) / 10;
  log(`  parley-desk: seeded ${sizes.chats} chats (${sizes.queued} queued) and ${per * sizes.chats} messages in ${seconds} s (full-text index ${indexSeconds.toFixed(1)} s)`);
  return { chats: sizes.chats, queued: sizes.queued, messages: per * sizes.chats, seconds };
}

/**
 * The plans of the inbox's and search's own statements (as chat.repository.ts and
 * chat-search.repository.ts write them), run on the seeded tables: which index
 * each uses, and what it costs inside PostgreSQL.
 */
async function explainInbox(dbName, log) {
  const cols = `c.id, c.subject, c.status, c."customerId", c."agentId", c."lastSeq", c."botActive", c."createdAt", c."updatedAt", c."closedAt"`;
  const statements = {
    queue: `SELECT ${cols} FROM chats c WHERE c.status = 'QUEUED' AND (NULL::uuid IS NULL) ORDER BY c."createdAt", c.id LIMIT 201`,
    mine: `SELECT ${cols} FROM chats c WHERE c.status = 'ACTIVE' ORDER BY c."updatedAt" DESC, c.id DESC LIMIT 101`,
    label: `SELECT ${cols} FROM chats c WHERE c.id = ANY (ARRAY(SELECT l."chatId" FROM chat_labels l WHERE l."labelLower" = 'billing')) ORDER BY c."updatedAt" DESC, c.id DESC LIMIT 101`,
    search: `SELECT ${cols} FROM chats c WHERE c.id = ANY (ARRAY(SELECT m."chatId" FROM messages m WHERE to_tsvector('english', m.body) @@ websearch_to_tsquery('english', 'zq42')
             UNION SELECT s.id FROM chats s WHERE to_tsvector('english', coalesce(s.subject, '')) @@ websearch_to_tsquery('english', 'zq42'))) ORDER BY c."updatedAt" DESC, c.id DESC LIMIT 51`,
  };
  const client = new pg.Client({ connectionString: dbUrl(dbName) });
  await client.connect();
  const plans = {};
  try {
    for (const [name, sql] of Object.entries(statements)) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
      const text = rows.map((r) => r['QUERY PLAN']);
      plans[name] = { executionMs: Number(/Execution Time: ([\d.]+)/.exec(text.join('\n'))?.[1] ?? NaN), plan: text };
      log(`  parley-desk plan ${name}: ${plans[name].executionMs} ms: ${text.filter((l) => /Index|Seq Scan|Sort/.test(l)).map((l) => l.trim().replace(/\s+\(cost.*$/, '')).join(' / ')}`);
    }
  } finally {
    await client.end();
  }
  return plans;
}

/** Each agent's desk: one socket, chatUpdated, availabilityChanged, and messageAdded per open chat (up to openPerAgent). */
async function openDesks(sys, agents, live, sizes, clients) {
  const db = new pg.Client({ connectionString: dbUrl(sys.dbName) });
  await db.connect();
  const { rows } = await db.query(`SELECT id, "agentId", "lastSeq" FROM chats WHERE status = 'ACTIVE' ORDER BY "updatedAt" DESC`);
  await db.end();
  const byAgent = new Map();
  for (const row of rows) {
    const list = byAgent.get(row.agentId) ?? [];
    if (list.length < sizes.openPerAgent) list.push(row);
    byAgent.set(row.agentId, list);
  }
  const board = { started: new Map(), seen: new Map(), sent: new Map(), latency: newHistogram(), messageLatency: newHistogram(), frame: /** @type {string | null} */ (null), errors: 0, firstError: /** @type {string | null} */ (null) };
  const chatUpdatedStops = [];
  let subscriptions = 0;
  const wsUrl = `ws://127.0.0.1:${sys.port}/graphql`;
  const sink = (onData) => ({
    next: (r) => (r.data ? onData(r) : ((board.errors += 1), (board.firstError ??= JSON.stringify(r.errors).slice(0, 300)))),
    error: (e) => ((board.errors += 1), (board.firstError ??= String(e?.message ?? e?.reason ?? JSON.stringify(e)).slice(0, 300))),
    complete: () => {},
  });
  await mapLimit(agents, 8, async (agent, i) => {
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${agent.token}` }, lazy: false, retryAttempts: 0, keepAlive: 0 });
    clients.push(client);
    await new Promise((resolve, reject) => {
      client.on('connected', resolve);
      client.on('closed', (e) => reject(new Error(`desk socket closed ${/** @type {{ code?: number } | undefined} */ (e)?.code ?? ''}`)));
    });
    chatUpdatedStops.push(
      client.subscribe(
        { query: DESK_OPS.chatUpdated },
        sink((r) => {
          const chat = r.data.chatUpdated;
          // keyed by the first message, known before startChat answers (the event may come first)
          const key = chat.lastMessage?.body;
          const at = board.started.get(key);
          if (at === undefined || chat.status !== 'QUEUED') return;
          board.frame ??= JSON.stringify({ id: randomUUID(), type: 'next', payload: r });
          board.latency.recordValue(Math.max(1, Math.round((performance.now() - at) * 1000)));
          board.seen.set(key, (board.seen.get(key) ?? 0) + 1);
        }),
      ),
    );
    client.subscribe({ query: DESK_OPS.availability }, sink(() => {}));
    const chats = [...(byAgent.get(agent.id) ?? [])];
    if (!chats.some((c) => c.id === live[i].chatId)) chats.push({ id: live[i].chatId, lastSeq: null });
    for (const chat of chats)
      client.subscribe(
        { query: DESK_OPS.activity, variables: { chatId: chat.id, afterSeq: chat.lastSeq } },
        sink((r) => {
          const at = board.sent.get(r.data.messageAdded.clientMessageId);
          if (at === undefined) return;
          board.sent.delete(r.data.messageAdded.clientMessageId);
          board.messageLatency.recordValue(Math.max(1, Math.round((performance.now() - at) * 1000)));
        }),
      );
    subscriptions += chats.length + 2;
  });
  // messageAdded subscriptions read their chat before they go live: a message to each live chat proves them all live.
  await sleep(Math.min(20_000, 2000 + subscriptions / 10));
  return { board, chatUpdatedStops, subscriptions };
}

/** Open loop: message i at start + i / rate, to live chat i % agents, from its customer; latency to the agent's messageAdded. */
async function customerMessages(gql, live, board, sizes, serverPid, dbPids, log) {
  const rate = sizes.ratePerAgent * live.length;
  const count = Math.round((rate * sizes.durationMs) / 1000);
  const run = randomBytes(3).toString('hex');
  const cpu0 = [cpuMicros(serverPid), ...dbPids.map(cpuMicros)];
  const start = performance.now();
  let errors = 0;
  const sends = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const { customer, chatId } = live[i % live.length];
    const clientMessageId = `m-${run}-${i}`;
    board.sent.set(clientMessageId, due);
    sends.push(gql(customer.token, SEND, { input: { chatId, body: `where is my parcel, message ${i}`, clientMessageId } }).catch(() => void (errors += 1)));
  }
  await Promise.all(sends);
  const deadline = performance.now() + 5000;
  while (board.messageLatency.totalCount + errors < count && performance.now() < deadline) await sleep(50);
  const cpu1 = [cpuMicros(serverPid), ...dbPids.map(cpuMicros)];
  const delivered = board.messageLatency.totalCount;
  const s = summarize(board.messageLatency);
  const result = { rate, sent: count, delivered, errors, ...s, serverUsPerMsg: Math.round(cpuDelta(cpu0.slice(0, 1), cpu1.slice(0, 1)) / Math.max(1, delivered)), dbUsPerMsg: Math.round(cpuDelta(cpu0.slice(1), cpu1.slice(1)) / Math.max(1, delivered)) };
  log(`  parley-desk messages: ${rate} msg/s for ${sizes.durationMs / 1000} s, delivered ${delivered}/${count}, errors ${errors}, p50 ${s.p50} p99 ${s.p99} ms; cpu µs/msg server ${result.serverUsPerMsg} db ${result.dbUsPerMsg}`);
  return result;
}

/** New chats at fanoutRate for fanoutMs, from the live customers in turn; the server's CPU over the run (and, with a board, every agent's chatUpdated). */
async function startChats(gql, live, board, sizes, serverPid, label) {
  const events = Math.round((sizes.fanoutRate * sizes.fanoutMs) / 1000);
  const run = randomBytes(3).toString('hex');
  const cpu0 = cpuMicros(serverPid);
  const start = performance.now();
  const keys = [];
  const starts = [];
  let errors = 0;
  for (let i = 0; i < events; i++) {
    const due = start + (i * 1000) / sizes.fanoutRate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const { customer } = live[i % live.length];
    const message = `a new question ${label}-${run}-${i}`;
    keys.push(message);
    board?.started.set(message, due);
    starts.push(gql(customer.token, START, { input: { message, clientMessageId: `f-${run}-${i}` } }).catch(() => void (errors += 1)));
  }
  await Promise.all(starts);
  const expected = board ? (events - errors) * sizes.agents : 0;
  const seen = () => keys.reduce((n, key) => n + (board?.seen.get(key) ?? 0), 0);
  const deadline = performance.now() + 10_000;
  while (board && seen() < expected && performance.now() < deadline) await sleep(50);
  // Both runs measured over the same window, so the server's idle work (heartbeats, timers) cancels out.
  const windowEnd = start + sizes.fanoutMs + 3000;
  if (performance.now() < windowEnd) await sleep(windowEnd - performance.now());
  const cpu1 = cpuMicros(serverPid);
  if (errors) throw new Error(`fan-out (${label}): ${errors} of ${events} startChat calls failed`);
  return { events, serverCpuUs: (cpu1 ?? 0) - (cpu0 ?? 0), latency: board?.latency ?? newHistogram(), missing: board ? expected - seen() : 0 };
}

function startPeer(logDir) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(repoRoot, 'tools/bench/broadcast-peer.mjs')], { stdio: ['ignore', 'pipe', logDir ? 'inherit' : 'ignore'] });
    proc.stdout.on('data', (d) => {
      const m = /READY (\d+)/.exec(String(d));
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`broadcast peer exited ${code}`)));
  });
}

/** As many plain sockets as agents on the peer, then the same number of events at the same rate, the frame an agent received. */
async function broadcastThroughPeer(peer, frame, sizes, clients) {
  if (!frame) throw new Error('no chatUpdated frame was captured for the peer');
  let delivered = 0;
  await mapLimit([...Array(sizes.agents).keys()], 16, () =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${peer.port}`, { perMessageDeflate: false });
      clients.push(ws);
      ws.on('message', (data) => {
        // parsed like a client would, so the peer is not flattered by a reader that drops frames unread
        if (JSON.parse(String(data)).type === 'next') delivered++;
      });
      ws.once('open', resolve);
      ws.once('error', reject);
    }),
  );
  const events = Math.round((sizes.fanoutRate * sizes.fanoutMs) / 1000);
  const cpu0 = cpuMicros(peer.proc.pid);
  const res = await postJson(keepAliveAgent(1), `http://127.0.0.1:${peer.port}/broadcast`, { frame, events, rate: sizes.fanoutRate }, {}, sizes.fanoutMs + 60_000);
  const deadline = performance.now() + 5000;
  while (delivered < events * sizes.agents && performance.now() < deadline) await sleep(50);
  const cpuUs = (cpuMicros(peer.proc.pid) ?? 0) - (cpu0 ?? 0);
  return { events: res.body.events, sockets: res.body.sockets, cpuUs, delivered };
}
