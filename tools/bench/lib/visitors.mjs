// New website visitors: what the widget does when someone opens it and writes,
// at a fixed rate. Each visitor, one after another:
//   startVisitorSession (HTTP)  -> a token
//   open the socket, connection_init, connection_ack
//   startChat with the first message (HTTP)
//   subscribe to messageAdded(afterSeq: 0) and receive that first message
// timed from when the visitor was due (an open loop: a slow server does not
// slow the arrivals down, so its queueing shows in the figure). The sockets
// stay open until the end of the run, as the widget's would.
import WebSocket from 'ws';
import { backendPids } from './database.mjs';
import { cpuDelta, cpuMicros, keepAliveAgent, newHistogram, postJson, sleep, summarize } from './util.mjs';

const START_SESSION = `mutation Visit($input: VisitorSessionInput) { startVisitorSession(input: $input) { token user { id } } }`;
const START_CHAT = `mutation Start($input: StartChatInput!) { startChat(input: $input) { id } }`;
const FIRST_MESSAGES = `subscription First($chatId: ID!, $afterSeq: Int) { messageAdded(chatId: $chatId, afterSeq: $afterSeq) { seq body } }`;

const STEPS = ['session', 'socket', 'startChat', 'firstMessage'];

async function gql(agent, url, query, variables, token) {
  const res = await postJson(agent, url, { query, variables }, token ? { authorization: `Bearer ${token}` } : {});
  const body = res.body;
  if (typeof body !== 'object' || body === null) throw new Error(`graphql ${res.status}: ${String(body).slice(0, 200)}`);
  if (body.errors?.length) throw new Error(`${body.errors[0].extensions?.code ?? 'ERROR'}: ${body.errors[0].message}`);
  return body.data;
}

/** Opens a graphql-ws socket and waits for connection_ack. */
function openSocket(url, token, timeoutMs) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const timer = setTimeout(() => fail(new Error('socket: no connection_ack')), timeoutMs);
    const fail = (err) => {
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    };
    ws.once('error', fail);
    ws.once('close', (code) => fail(new Error(`socket closed ${code}`)));
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('message', function onAck(data) {
      const msg = JSON.parse(String(data));
      if (msg.type === 'ping') ws.send('{"type":"pong"}');
      if (msg.type !== 'connection_ack') return;
      clearTimeout(timer);
      ws.off('message', onAck);
      ws.removeAllListeners('close');
      ws.removeAllListeners('error');
      ws.on('error', () => {});
      resolve(ws);
    });
  });
}

/** Subscribes on an open socket and waits for a message with this body. */
function firstMessage(ws, chatId, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('no first message')), timeoutMs);
    const done = (err) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (err) reject(err);
      else resolve(undefined);
    };
    const onClose = (code) => done(new Error(`socket closed ${code}`));
    const onMessage = (data) => {
      const msg = JSON.parse(String(data));
      if (msg.type === 'ping') ws.send('{"type":"pong"}');
      else if (msg.id === '1' && msg.type === 'next' && msg.payload?.data?.messageAdded?.body === body) done();
      else if (msg.id === '1' && (msg.type === 'error' || msg.type === 'complete')) done(new Error(`subscription ${msg.type}: ${JSON.stringify(msg.payload ?? '').slice(0, 200)}`));
    };
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: FIRST_MESSAGES, variables: { chatId, afterSeq: 0 } } }));
  });
}

/**
 * @param {any} sys a Parley system (base, port, wsPort, serverPids)
 * @param {{ rate: number, durationMs: number, timeoutMs?: number, log?: (line: string) => void }} options
 */
export async function runVisitors(sys, { rate, durationMs, timeoutMs = 10_000, log = (_line) => {} }) {
  const httpUrl = `${sys.base}/graphql`;
  const wsUrl = `ws://127.0.0.1:${sys.wsPort ?? sys.port}/graphql`;
  const agent = keepAliveAgent(128);
  const total = newHistogram();
  const steps = Object.fromEntries(STEPS.map((s) => [s, newHistogram()]));
  const sockets = [];
  let errors = 0;
  let firstError = null;
  let lateMs = 0;
  const planned = Math.round((rate * durationMs) / 1000);
  const run = Math.random().toString(36).slice(2, 8);

  const visit = async (n, dueAt) => {
    const body = `Hello, visitor ${run}-${n} here`;
    let t = dueAt;
    const mark = (step) => {
      const now = performance.now();
      steps[step].recordValue(Math.max(1, Math.round((now - t) * 1000)));
      t = now;
    };
    try {
      const { startVisitorSession } = await gql(agent, httpUrl, START_SESSION, { input: { displayName: `Visitor ${n}` } });
      mark('session');
      const ws = await openSocket(wsUrl, startVisitorSession.token, timeoutMs);
      sockets.push(ws);
      mark('socket');
      const { startChat } = await gql(agent, httpUrl, START_CHAT, { input: { message: body, clientMessageId: `visit-${run}-${n}` } }, startVisitorSession.token);
      mark('startChat');
      await firstMessage(ws, startChat.id, body, timeoutMs);
      mark('firstMessage');
      total.recordValue(Math.max(1, Math.round((performance.now() - dueAt) * 1000)));
    } catch (err) {
      errors++;
      firstError ??= /** @type {Error} */ (err).message;
    }
  };

  const pids = sys.serverPids();
  const cpuBefore = pids.map(cpuMicros);
  // the backends of this system's database (the cluster may serve others meanwhile); the pool opens them before the run
  const pgPids = sys.dbName ? await backendPids(sys.dbName) : [];
  const pgBefore = pgPids.map(cpuMicros);
  const t0 = performance.now();
  const inFlight = [];
  for (let n = 0; n < planned; n++) {
    const dueAt = t0 + (n * 1000) / rate;
    const wait = dueAt - performance.now();
    if (wait > 1) await sleep(wait);
    lateMs = Math.max(lateMs, performance.now() - dueAt);
    inFlight.push(visit(n, dueAt));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  const serverCpuUs = cpuDelta(cpuBefore, pids.map(cpuMicros));
  const dbCpuUs = cpuDelta(pgBefore, pgPids.map(cpuMicros));
  for (const ws of sockets) ws.terminate();
  agent.destroy();

  const completed = total.totalCount;
  const res = {
    rate,
    durationMs,
    planned,
    completed,
    errors,
    firstError,
    seconds: Math.round(seconds * 10) / 10,
    socketsOpenAtEnd: sockets.length,
    generatorLateMs: Math.round(lateMs * 10) / 10,
    total: summarize(total),
    steps: Object.fromEntries(STEPS.map((s) => [s, summarize(steps[s])])),
    serverUsPerVisitor: completed ? Math.round(serverCpuUs / completed) : null,
    dbUsPerVisitor: completed && pgPids.length ? Math.round(dbCpuUs / completed) : null,
  };
  res.ok = errors === 0 && completed === planned;
  log(
    `  ${rate} visitors/s for ${durationMs / 1000} s: ${completed}/${planned} done, ${errors} errors; ` +
      `p50 ${res.total.p50} p99 ${res.total.p99} max ${res.total.max} ms ` +
      `(p99 by step: ${STEPS.map((s) => `${s} ${res.steps[s].p99}`).join(', ')}); ` +
      `cpu µs/visitor: server ${res.serverUsPerVisitor ?? '-'}, db ${res.dbUsPerVisitor ?? '-'}; generator late by up to ${res.generatorLateMs} ms` +
      (firstError ? `; first error: ${firstError}` : ''),
  );
  return res;
}
