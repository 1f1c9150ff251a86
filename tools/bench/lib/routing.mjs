// Routing AUTO at a team's pace (issue 29, goal 3): two Parley instances on one database and Redis
// (as parley-redis), `agents` agents online with the desk's chatUpdated open, half on each instance,
// each with room for `maxChats`; customers start `rate` chats a second for `durationMs`, in turn on
// each instance. Measured: from the scheduled startChat to the assigned agent's chatUpdated (ACTIVE,
// theirs), and afterwards, from the database, that nobody holds more ACTIVE chats than their
// maxChats. Total room is below the number of chats, so capacity binds before the end.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import { harness } from './harness.mjs';
import { ParleyRedisSystem } from './systems.mjs';
import { DESK_OPS } from './desk.mjs';
import { backendPids, dbCounters, dbUrl } from './database.mjs';
import { cpuDelta, cpuMicros, keepAliveAgent, mapLimit, newHistogram, postJson, sleep, summarize } from './util.mjs';

export const ROUTING_PRESETS = {
  quick: { agents: 20, maxChats: 20, customers: 100, rate: 100, durationMs: 5000 },
  full: { agents: 50, maxChats: 24, customers: 300, rate: 100, durationMs: 15_000 },
};

const START = `mutation Start($input: StartChatInput!) { startChat(input: $input) { id } }`;

/** @param {{ log: (...a: any[]) => void, logDir?: string, postmasterPid?: number, nodeArgs?: string[], sizes: typeof ROUTING_PRESETS.full }} opts */
export async function runRouting(opts) {
  const { log, sizes } = opts;
  if (!(await ParleyRedisSystem.reachable())) return { skipped: 'no Redis answered at BENCH_REDIS_URL (default redis://127.0.0.1:6379)' };
  const sys = new ParleyRedisSystem({ log, logDir: opts.logDir, postmasterPid: opts.postmasterPid, nodeArgs: opts.nodeArgs });
  sys.name = 'parley-routing';
  const out = { sizes };
  const clients = [];
  try {
    await sys.start();
    const bases = [sys.base, `http://127.0.0.1:${sys.wsPort}`];
    const http = keepAliveAgent(64);
    const gql = async (base, token, query, variables) => {
      const res = await postJson(http, `${base}/graphql`, { query, variables }, token ? { authorization: `Bearer ${token}` } : {});
      if (res.body?.errors?.length || res.status !== 200) throw new Error(`graphql ${res.status}: ${JSON.stringify(res.body?.errors ?? res.body).slice(0, 300)}`);
      return res.body.data;
    };
    const url = `${sys.base}/graphql`;
    const t0 = Date.now();
    const admin = await harness.loginAt(url, sys.admin.email, sys.admin.password);
    const agents = new Array(sizes.agents);
    await harness.pool([...agents.keys()], 8, async (i) => {
      agents[i] = await harness.createAgentAt(url, admin.token, `Routing agent ${i}`);
      await gql(sys.base, admin.token, `mutation($a: ID!, $m: Int!) { setAgentCapacity(agentId: $a, maxChats: $m) { id } }`, { a: agents[i].id, m: sizes.maxChats });
    });
    const customers = new Array(sizes.customers);
    await harness.pool([...customers.keys()], 8, async (i) => void (customers[i] = await harness.registerAt(url, `Routing customer ${i}`)));

    // Each agent's desk, on the instances in turn: what reaches them, and when.
    const arrivals = new Map();
    const byAgent = new Map();
    let subscriptionErrors = 0;
    await mapLimit(agents, 8, async (agent, i) => {
      const port = i % 2 === 0 ? sys.port : sys.wsPort;
      const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${agent.token}` }, lazy: false, retryAttempts: 0, keepAlive: 0 });
      clients.push(client);
      await new Promise((resolve, reject) => {
        client.on('connected', resolve);
        client.on('closed', (e) => reject(new Error(`routing desk closed ${/** @type {{ code?: number } | undefined} */ (e)?.code ?? ''}`)));
      });
      client.subscribe(
        { query: DESK_OPS.chatUpdated },
        {
          next: (r) => {
            const chat = /** @type {{ id: string, status: string, agent?: { id: string } | null } | undefined} */ (r.data?.chatUpdated);
            if (!chat) return void (subscriptionErrors += 1);
            if (chat.status !== 'ACTIVE' || chat.agent?.id !== agent.id || arrivals.has(chat.id)) return;
            arrivals.set(chat.id, performance.now());
            byAgent.set(agent.id, (byAgent.get(agent.id) ?? 0) + 1);
          },
          error: () => void (subscriptionErrors += 1),
          complete: () => {},
        },
      );
      await gql(bases[i % 2], agent.token, `mutation { setAvailability(availability: ONLINE) { id } }`);
    });
    await gql(sys.base, admin.token, `mutation { updateTeamSettings(routing: AUTO) { routing } }`);
    await sleep(1000);
    out.setupSeconds = Math.round((Date.now() - t0) / 100) / 10;
    log(`  parley-routing: ${sizes.agents} agents online (room for ${sizes.maxChats} each, ${sizes.agents * sizes.maxChats} in all), ${sizes.customers} customers, set up in ${out.setupSeconds} s`);

    // Open loop: chat i at start + i / rate, on instance i % 2.
    const count = Math.round((sizes.rate * sizes.durationMs) / 1000);
    const run = randomBytes(3).toString('hex');
    const due = new Map();
    const acks = newHistogram();
    const starts = [];
    let errors = 0;
    // CPU of the two API instances and of the database's backends, and its commits, from the first start until the last arrival.
    const apiPids = [sys.handle?.pid, sys.subscriberHandle?.pid].filter(Boolean);
    const pgPids = await backendPids(sys.dbName);
    const cpu0 = { api: apiPids.map(cpuMicros), apiSys: apiPids.map(systemMicros), pg: pgPids.map(cpuMicros), db: await dbCounters(sys.dbName) };
    const start = performance.now();
    out.loadWindow = { from: Date.now() };
    for (let i = 0; i < count; i++) {
      const at = start + (i * 1000) / sizes.rate;
      const wait = at - performance.now();
      if (wait > 1) await sleep(wait);
      const customer = customers[i % customers.length];
      starts.push(
        gql(bases[i % 2], customer.token, START, { input: { message: `routing question ${i}`, clientMessageId: `r-${run}-${i}` } })
          .then((d) => {
            due.set(d.startChat.id, at);
            acks.recordValue(Math.max(1, Math.round((performance.now() - at) * 1000)));
          })
          .catch(() => void (errors += 1)),
      );
    }
    await Promise.all(starts);
    const room = sizes.agents * sizes.maxChats;
    const expectAssigned = Math.min(room, count - errors);
    const deadline = performance.now() + 10_000;
    while (arrivals.size < expectAssigned && performance.now() < deadline) await sleep(50);
    out.loadWindow.to = Date.now();
    const cpu1 = { api: apiPids.map(cpuMicros), apiSys: apiPids.map(systemMicros), pg: pgPids.map(cpuMicros), db: await dbCounters(sys.dbName) };
    const perChat = (micros) => Math.round(micros / Math.max(1, count - errors));
    out.cost = {
      apiCpuUsPerChat: perChat(cpuDelta(cpu0.api, cpu1.api)),
      // Of which in the kernel (sockets: the database, Redis, HTTP and WebSockets).
      apiSystemCpuUsPerChat: perChat(cpuDelta(cpu0.apiSys, cpu1.apiSys)),
      dbBackendsCpuUsPerChat: perChat(cpuDelta(cpu0.pg, cpu1.pg)),
      commitsPerChat: cpu0.db && cpu1.db ? Math.round(((cpu1.db.xact - cpu0.db.xact) / Math.max(1, count - errors)) * 10) / 10 : null,
    };
    await sleep(1000); // anything assigned late, or beyond anyone's room, shows by now
    const latency = newHistogram();
    for (const [id, at] of due) {
      const arrived = arrivals.get(id);
      if (arrived !== undefined) latency.recordValue(Math.max(1, Math.round((arrived - at) * 1000)));
    }
    const db = new pg.Client({ connectionString: dbUrl(sys.dbName) });
    await db.connect();
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE c.status = 'ACTIVE')::int AS active, count(*) FILTER (WHERE c.status = 'QUEUED')::int AS queued FROM chats c`,
    );
    const over = await db.query(
      `SELECT c."agentId", count(*)::int AS n, p."maxChats" FROM chats c JOIN agent_profiles p ON p."userId" = c."agentId"
       WHERE c.status = 'ACTIVE' GROUP BY c."agentId", p."maxChats" HAVING count(*) > p."maxChats"`,
    );
    await db.end();
    out.result = {
      started: count - errors,
      errors,
      assigned: latency.totalCount,
      active: rows[0].active,
      queued: rows[0].queued,
      room,
      overCapacity: over.rows.length,
      mostActive: Math.max(0, ...byAgent.values()),
      subscriptionErrors,
      startChatAck: summarize(acks),
      ...summarize(latency),
    };
    const r = out.result;
    log(`  parley-routing: ${r.started} chats started (${errors} errors), ${r.assigned} assigned (room ${room}), ${r.queued} still waiting; startChat -> agent's chatUpdated p50 ${r.p50} p99 ${r.p99} max ${r.max} ms (startChat's own answer p50 ${r.startChatAck.p50} p99 ${r.startChatAck.p99} ms); agents over capacity: ${r.overCapacity}; per chat: API CPU ${out.cost.apiCpuUsPerChat} µs (${out.cost.apiSystemCpuUsPerChat} in the kernel), DB backends' CPU ${out.cost.dbBackendsCpuUsPerChat} µs, ${out.cost.commitsPerChat} commits`);
  } catch (err) {
    out.error = err.message;
    log(`  parley-routing: ${err.stack ?? err.message}`);
  } finally {
    await Promise.all(clients.map((c) => c.dispose().catch(() => {})));
    await sys.stop().catch(() => {});
  }
  return out;
}

/** A process's CPU time in the kernel (stime), in microseconds; null when it is gone. */
function systemMicros(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12]) * 1_000_000) / 100;
  } catch {
    return null;
  }
}
