// Over 400 lines on purpose: the schedule of sends and the check of deliveries share their state
// (what was fired when, what arrived); split apart they would pass it back and forth.
// The open-loop load generator and the delivery checker.
//
// Messages are scheduled at fixed times (start + i / rate) whatever the server
// does; each one's latency runs from its SCHEDULED send time to the moment the
// last subscriber of its chat has it, so a slow server cannot hide behind a
// generator that waits for it (no coordinated omission). Every message that
// arrives is checked: per subscriber and chat, seqs must rise (else
// out-of-order), a bench message seen twice by one subscriber is a duplicate,
// and one that some subscriber never sees before the drain ends is lost.
import { randomBytes } from 'node:crypto';
import { DISK_STALL_MS } from './disk-probe.mjs';
import { backendPids, dbCounters, settleDatabase } from './database.mjs';
import { cpuDelta, cpuMicros, gcRecorder, machineCpuMicros, machinePageIns, pageInsSince, newHistogram, now, sleep, summarize } from './util.mjs';

/**
 * Tracks every subscription of a run: which chats exist, who is subscribed to
 * each, and the last seq each subscriber saw per chat. The system adapters call
 * `deliver(userIdx, chatId, seq, body)` for every message that arrives.
 */
export class DeliveryBoard {
  constructor(world) {
    this.world = world;
    this.chatIndex = new Map(world.chats.map((c, i) => [c.id, i]));
    /** per chat: array of user indexes subscribed (position = bit in the masks) */
    this.subs = world.chats.map((c) => c.subs);
    /** `${userIdx}:${chatIdx}` -> last seq seen */
    this.lastSeq = new Map();
    this.handler = null;
    this.stray = { outOfOrder: 0, duplicates: 0, unknownChat: 0 };
    this.received = 0;
  }

  deliver(userIdx, chatId, seq, body) {
    const t = now();
    this.received++;
    const chatIdx = this.chatIndex.get(chatId);
    if (chatIdx === undefined) {
      this.stray.unknownChat++;
      return;
    }
    const key = userIdx * 65536 + chatIdx;
    const last = this.lastSeq.get(key) ?? 0;
    let order = 0; // 0 ok, 1 duplicate seq, 2 out of order
    if (seq === last) order = 1;
    else if (seq < last) order = 2;
    else this.lastSeq.set(key, seq);
    const h = this.handler;
    if (h && h.consume(userIdx, chatIdx, body, order, t)) return;
    if (order === 1) this.stray.duplicates++;
    else if (order === 2) this.stray.outOfOrder++;
  }
}

function tagOf() {
  return randomBytes(3).toString('hex');
}

/**
 * Sends one message to every chat and waits until every subscriber has it:
 * proves the subscriptions are live before anything is measured.
 */
export async function warmup(sys, board, { timeoutMs = 30_000, concurrency = 32, log = (_line) => {} } = {}) {
  const world = board.world;
  const nChats = world.chats.length;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const tag = tagOf();
    const prefix = `w|${tag}|`;
    const got = world.chats.map((c) => new Uint8Array(c.subs.length));
    let missing = world.chats.reduce((n, c) => n + c.subs.length, 0);
    board.handler = {
      consume(userIdx, chatIdx, body) {
        if (!body.startsWith(prefix)) return false;
        const pos = board.subs[chatIdx].indexOf(userIdx);
        if (pos >= 0 && !got[chatIdx][pos]) {
          got[chatIdx][pos] = 1;
          missing--;
        }
        return true;
      },
    };
    let next = 0;
    let sendErrors = 0;
    let firstError = null;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < nChats) {
          const i = next++;
          const chat = world.chats[i];
          try {
            await sys.send(chat, chat.subs[0], `${prefix}${i}`, `w-${tag}-${i}`);
          } catch (err) {
            sendErrors++;
            firstError ??= err.message;
          }
        }
      }),
    );
    const deadline = now() + timeoutMs;
    while (missing > 0 && now() < deadline) await sleep(20);
    board.handler = null;
    if (missing === 0 && sendErrors === 0) return { attempts: attempt };
    log(`warmup attempt ${attempt}: ${missing} deliveries missing, ${sendErrors} send errors ${firstError ?? ''}`);
    if (sendErrors === nChats) throw new Error(`warmup: every send failed: ${firstError}`);
  }
  throw new Error('warmup: subscriptions did not all receive their message after 3 attempts');
}

/**
 * One open-loop run at a fixed rate.
 * @returns the scenario's figures (latencies in ms, counts, CPU).
 */
export async function runLoad(sys, board, opts) {
  const {
    rate,
    durationMs,
    drainMs = 5000,
    maxInflight = Math.max(2000, rate * 2),
    dbName,
    log = (_line) => {},
    settle = true,
    diskProbe = null,
  } = opts;
  const settled = settle ? await settleDatabase() : null;
  const world = board.world;
  const nChats = world.chats.length;
  const n = Math.max(1, Math.round((rate * durationMs) / 1000));
  const tag = tagOf();
  const prefix = `b|${tag}|`;
  const interval = 1000 / rate;

  // a fixed pseudo-random order of chats, so consecutive messages hit different chats
  const order = new Int32Array(nChats);
  for (let i = 0; i < nChats; i++) order[i] = i;
  let seed = 0x9e3779b9;
  for (let i = nChats - 1; i > 0; i--) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const chatOf = (i) => order[i % nChats];

  const sched = new Float64Array(n);
  const gotMask = new Uint8Array(n);
  const gotCount = new Uint8Array(n);
  const sendState = new Uint8Array(n); // 0 not sent, 1 in flight, 2 ok, 3 error
  const latency = new Float32Array(n); // ms, once every subscriber has message i
  const e2e = newHistogram();
  const sendLat = newHistogram();
  let delivered = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let sendErrors = 0;
  let firstSendError = null;
  let inflight = 0;
  let fired = 0;
  let saturated = false;
  let maxInflightSeen = 0;
  let maxLagMs = 0;

  board.handler = {
    consume(userIdx, chatIdx, body, orderFlag, t) {
      if (!body.startsWith(prefix)) return false;
      const i = Number(body.slice(prefix.length));
      if (!(i >= 0 && i < n)) return true;
      const pos = board.subs[chatIdx].indexOf(userIdx);
      if (pos < 0) return true;
      const bit = 1 << pos;
      if (gotMask[i] & bit) {
        duplicates++;
        return true;
      }
      if (orderFlag === 2) outOfOrder++;
      gotMask[i] |= bit;
      gotCount[i]++;
      if (gotCount[i] === board.subs[chatIdx].length) {
        delivered++;
        latency[i] = t - sched[i];
        e2e.recordValue(Math.max(1, Math.round(latency[i] * 1000)));
      }
      return true;
    },
  };

  // CPU accounting: the server processes and their database backends
  const serverPids = sys.serverPids();
  const pgPids = dbName ? await backendPids(dbName) : [];
  const allPgPids = sys.postgresPids ? sys.postgresPids() : [];
  const counters0 = dbName ? await dbCounters(dbName).catch(() => null) : null;
  const cpu0 = {
    server: serverPids.map(cpuMicros),
    pg: pgPids.map(cpuMicros),
    pgAll: allPgPids.map(cpuMicros),
    bench: process.cpuUsage(),
    machine: machineCpuMicros(),
    pageIns: machinePageIns(),
  };
  const generatorGc = gcRecorder();

  const fire = (i) => {
    const chatIdx = chatOf(i);
    const chat = world.chats[chatIdx];
    const sender = chat.subs[(Math.floor(i / nChats) + i) % chat.subs.length];
    sendState[i] = 1;
    inflight++;
    if (inflight > maxInflightSeen) maxInflightSeen = inflight;
    sys.send(chat, sender, `${prefix}${i}`, `${tag}-${i}`).then(
      () => {
        inflight--;
        sendState[i] = 2;
        sendLat.recordValue(Math.max(1, Math.round((now() - sched[i]) * 1000)));
      },
      (err) => {
        inflight--;
        sendState[i] = 3;
        sendErrors++;
        firstSendError ??= err.message;
      },
    );
  };

  const start = now() + 20;
  for (let i = 0; i < n; i++) sched[i] = start + i * interval;
  await new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
    const tick = () => {
      const t = now();
      while (fired < n && sched[fired] <= t) {
        if (inflight >= maxInflight) {
          saturated = true;
          return resolve();
        }
        const lag = t - sched[fired];
        if (lag > maxLagMs) maxLagMs = lag;
        fire(fired++);
      }
      if (fired >= n) return resolve();
      setTimeout(tick, Math.max(0, Math.min(sched[fired] - now(), 50)));
    };
    setTimeout(tick, Math.max(0, start - now()));
  });
  const sendEnd = now();

  // drain: until every sent message reached every subscriber, or drainMs
  const drainDeadline = sendEnd + drainMs;
  while (now() < drainDeadline) {
    if (inflight === 0 && delivered + sendErrors >= fired) break;
    await sleep(10);
  }
  const measuredEnd = now();
  // the probe's clock is the wall clock
  const toEpoch = (t) => Date.now() - (now() - t);
  const diskFlush = diskProbe ? diskProbe.slowest(toEpoch(start), toEpoch(measuredEnd)) : null;
  const cpu1 = {
    server: serverPids.map(cpuMicros),
    pg: pgPids.map(cpuMicros),
    pgAll: allPgPids.map(cpuMicros),
    bench: process.cpuUsage(cpu0.bench),
    machine: machineCpuMicros(),
  };
  const machinePaging = pageInsSince(cpu0.pageIns);
  const generatorGcInWindow = await generatorGc.stop(start, measuredEnd);
  board.handler = null;
  // PostgreSQL publishes a backend's counters within a second or so of its transactions
  let dbPerMsg = null;
  if (counters0) {
    await sleep(1100);
    const counters1 = await dbCounters(dbName).catch(() => null);
    if (counters1 && fired > 0)
      dbPerMsg = Object.fromEntries(Object.keys(counters0).map((k) => [k, Math.round(((counters1[k] - counters0[k]) / fired) * 10) / 10]));
  }

  let lostMessages = 0;
  let lostDeliveries = 0;
  for (let i = 0; i < fired; i++) {
    if (sendState[i] === 3) continue;
    const subsN = board.subs[chatOf(i)].length;
    if (gotCount[i] < subsN) {
      lostMessages++;
      lostDeliveries += subsN - gotCount[i];
    }
  }
  const serverCpu = cpuDelta(cpu0.server, cpu1.server);
  const pgCpu = cpuDelta(cpu0.pg, cpu1.pg);
  const pgAllCpu = cpuDelta(cpu0.pgAll, cpu1.pgAll);
  const benchCpu = cpu1.bench.user + cpu1.bench.system;
  // what else ran on the machine meanwhile (other people's tests, other databases): a noise gauge
  const machine = cpu0.machine != null && cpu1.machine != null ? { busy: cpu1.machine.busy - cpu0.machine.busy, stolen: cpu1.machine.stolen - cpu0.machine.stolen } : null;
  const otherCpu = machine ? Math.max(0, machine.busy - serverCpu - pgAllCpu - benchCpu) : null;
  const perMsg = (us) => (delivered > 0 ? Math.round(us / delivered) : null);
  const windowMs = measuredEnd - start;

  // a run that was cut short still waits for its in-flight requests to finish (bounded)
  const quietDeadline = now() + 30_000;
  while (inflight > 0 && now() < quietDeadline) await sleep(20);
  // and for late deliveries to stop arriving, so the next run starts on a quiet server (bounded)
  if (saturated || delivered + sendErrors < fired) {
    let seen = board.received;
    while (now() < quietDeadline) {
      await sleep(500);
      if (board.received === seen) break;
      seen = board.received;
    }
  }

  const result = {
    rate,
    durationMs,
    settled,
    scheduled: n,
    sent: fired,
    delivered,
    lostMessages,
    lostDeliveries,
    duplicates,
    outOfOrder,
    sendErrors,
    firstSendError,
    saturated,
    maxInflight: maxInflightSeen,
    generatorMaxLagMs: Math.round(maxLagMs * 10) / 10,
    generatorGc: generatorGcInWindow,
    machinePageIns: machinePaging,
    diskFlush,
    achievedRate: Math.round((fired / Math.max(1, sendEnd - start)) * 1000),
    latencyMs: summarize(e2e),
    sendAckMs: summarize(sendLat),
    timeline: latencyTimeline(sched, latency, fired),
    dbPerMessage: dbPerMsg,
    cpu: {
      windowMs: Math.round(windowMs),
      serverUsPerMsg: perMsg(serverCpu),
      dbBackendsUsPerMsg: perMsg(pgCpu),
      totalUsPerMsg: perMsg(serverCpu + pgCpu),
      allPostgresUsPerMsg: perMsg(pgAllCpu),
      generatorUsPerMsg: perMsg(benchCpu),
      serverCoreShare: Math.round((serverCpu / 1000 / windowMs) * 100) / 100,
      dbCoreShare: Math.round((pgCpu / 1000 / windowMs) * 100) / 100,
      generatorCoreShare: Math.round((benchCpu / 1000 / windowMs) * 100) / 100,
      otherLoadCores: otherCpu != null ? Math.round((otherCpu / 1000 / windowMs) * 100) / 100 : null,
      stolenCores: machine ? Math.round((machine.stolen / 1000 / windowMs) * 100) / 100 : null,
    },
  };
  result.ok =
    !saturated && lostMessages === 0 && duplicates === 0 && outOfOrder === 0 && sendErrors === 0 && delivered > 0;
  log(
    `  ${String(rate).padStart(5)} msg/s: p50 ${fmt(result.latencyMs.p50)} p99 ${fmt(result.latencyMs.p99)} max ${fmt(result.latencyMs.max)} ms, ` +
      `delivered ${delivered}/${fired}, lost ${lostMessages}, dup ${duplicates}, ooo ${outOfOrder}, errors ${sendErrors}` +
      `${saturated ? ' SATURATED' : ''}${firstSendError ? ` (${firstSendError})` : ''}, cpu ${result.cpu.totalUsPerMsg ?? '-'} µs/msg, other load ${result.cpu.otherLoadCores ?? '-'} cores, stolen ${result.cpu.stolenCores ?? '-'} cores, ` +
      `generator GC ${generatorGcInWindow.pauseMs} ms in ${generatorGcInWindow.collections} (longest ${generatorGcInWindow.longestMs})` +
      `${diskFlush ? `, slowest disk flush ${diskFlush.slowestMs} ms` : ''}`,
  );
  return result;
}

/**
 * Worst latency per 100 ms of scheduled send time, with the wall-clock start of
 * the first slot: lines a step's slow moments up with the server's own logs
 * (GC traces, event-loop delay) to tell a stall from a steady backlog.
 */
function latencyTimeline(sched, latency, fired) {
  if (fired === 0) return null;
  const slotMs = 100;
  const t0 = sched[0];
  const slots = Math.ceil((sched[fired - 1] - t0 + 1) / slotMs);
  const maxMs = new Array(slots).fill(0);
  for (let i = 0; i < fired; i++) {
    const k = Math.floor((sched[i] - t0) / slotMs);
    if (latency[i] > maxMs[k]) maxMs[k] = Math.round(latency[i] * 10) / 10;
  }
  return { startEpochMs: Math.round(performance.timeOrigin + t0), slotMs, maxMs };
}

function fmt(v) {
  return v == null ? '-' : v.toFixed(1);
}

/**
 * Whether a failed step of the sustained-rate search runs again, after `attempt` runs of it. A step that
 * failed on its tail alone (`tailOnly`) runs once more; after that, only while the failed run overlapped a
 * disk flush of DISK_STALL_MS or more (the disk stopped every commit, whichever system was measured). The
 * search also caps its reruns in all. Loss, duplicates, disorder, send errors, saturation or a median over
 * the limit never run again.
 */
export function runAgain(r, attempt, tailOnly) {
  if (r.pass || !tailOnly) return false;
  if (attempt === 1) return true;
  return attempt < 3 && (r.diskFlush?.slowestMs ?? 0) >= DISK_STALL_MS;
}

/**
 * The highest rate with p99 <= limit and zero loss: climbs by `factor` from
 * `startRate` until a step fails (a failure of the tail alone only after
 * runAgain's reruns), then bisects between the last pass and the first failure.
 * Bounded by maxSteps.
 */
export async function stepSearch(sys, board, opts) {
  const {
    startRate = 200,
    factor = 1.5,
    maxRate = 8000,
    minRate = 20,
    p99LimitMs = 50,
    stepMs = 10_000,
    bisections = 2,
    maxSteps = 12,
    log = (_line) => {},
    settleMs = 1000,
    dbName,
    drainMs,
    maxReruns = 3,
    diskProbe = null,
  } = opts;
  const steps = [];
  const passes = (r) => r.ok && r.latencyMs.p99 != null && r.latencyMs.p99 <= p99LimitMs;
  let reruns = 0;
  // A step that failed on its tail alone runs again before it counts (runAgain says when): on these shared
  // 2-core machines one moment of not being scheduled, or one slow disk flush, in 15 s decides a p99. A rate
  // passes when any of its runs passes; every system gets the same rule.
  const tailOnly = (r) => r.ok && r.latencyMs.p50 != null && r.latencyMs.p50 <= p99LimitMs;
  const measure = async (rate) => {
    const r = await runLoad(sys, board, { rate, durationMs: stepMs, log, dbName, drainMs, diskProbe });
    r.pass = passes(r);
    return r;
  };
  const step = async (rate) => {
    let r = await measure(rate);
    for (let attempt = 1; reruns < maxReruns && runAgain(r, attempt, tailOnly(r)); attempt++) {
      reruns++;
      log(`    (p99 over the limit${attempt > 1 ? `, a disk flush of ${r.diskFlush.slowestMs} ms during it` : ''}: running ${rate} msg/s once more)`);
      r.retried = true;
      steps.push(r);
      await sleep(settleMs);
      r = await measure(rate);
      r.rerun = true;
    }
    steps.push(r);
    await sleep(settleMs);
    return r;
  };
  let lo = 0;
  let hi = null;
  let rate = startRate;
  while (steps.length < maxSteps && rate <= maxRate) {
    const r = await step(rate);
    if (r.pass) {
      lo = rate;
      if (hi != null) break; // came down from a failure: the bracket is [lo, hi]
      rate = Math.round(rate * factor);
    } else {
      hi = rate;
      if (lo > 0) break;
      // even the first step failed: come down until a step passes
      rate = Math.round(rate / factor / 2) * 2;
      if (rate < minRate) break;
    }
  }
  for (let b = 0; b < bisections && hi != null && steps.length < maxSteps; b++) {
    const mid = Math.round((lo + hi) / 2 / 10) * 10;
    if (mid <= lo || mid >= hi) break;
    const r = await step(mid);
    if (r.pass) lo = mid;
    else hi = mid;
  }
  return { maxSustainedRate: lo, firstFailingRate: hi, p99LimitMs, stepMs, maxReruns, diskStallMs: diskProbe ? DISK_STALL_MS : null, steps };
}
