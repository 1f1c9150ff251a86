// Idle subscribers: how many subscribed sockets one server process holds, and
// what each costs in resident memory. The sockets come from several child
// processes (idle-client.mjs), each bound to its own loopback source address
// (127.0.0.10, .11, ...) so no source runs out of ephemeral ports.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssBytes, sleep } from './util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PER_CHILD = 4000;

function processNofile(pid) {
  try {
    const m = /Max open files\s+(\d+|unlimited)/.exec(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'));
    return m ? Number(m[1]) || Infinity : Infinity;
  } catch {
    return Infinity;
  }
}

function ask(child, type, wantType = type, timeoutMs = 10_000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      resolve(null);
    }, timeoutMs);
    const on = (m) => {
      if (m.type === wantType) {
        clearTimeout(timer);
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    if (type) child.send({ type });
  });
}

async function stableRss(pid, samples = 3, gapMs = 700) {
  let last = null;
  for (let i = 0; i < samples; i++) {
    last = rssBytes(pid);
    if (i < samples - 1) await sleep(gapMs);
  }
  return last;
}

/** One level: restart the server, measure its RSS, add `count` idle subscribers, measure again. */
/** Asks a server started with --heapsnapshot-signal=SIGUSR2 for a snapshot and waits until it is written. */
async function heapSnapshot(pid, dir) {
  const before = new Set(fs.readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await sleep(500);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const size = fs.statSync(path.join(dir, file)).size;
    await sleep(1000);
    if (fs.statSync(path.join(dir, file)).size === size && size > 0) return path.join(dir, file);
  }
  return null;
}

/** @param {any} sys @param {any} world @param {number} count @param {(line: string) => void} log @param {boolean} [subscribe] @param {string} [snapshotDir] */
async function measureLevel(sys, world, count, log, subscribe = true, snapshotDir = undefined, settleMs = 0) {
  const headroom = 300; // database pool, listening socket, files the runtime keeps open
  const limit = processNofile(sys.serverPids()[0]);
  if (count > limit - headroom) {
    return { count, skipped: true, reason: `one process may open only ${limit} files here (RLIMIT_NOFILE hard limit of this machine, not raisable without CAP_SYS_RESOURCE)` };
  }
  await sys.restart();
  await sleep(1500);
  const pid = sys.serverPids()[0];
  const rssBefore = (await stableRss(pid)) ?? 0;
  if (snapshotDir) log(`  heap snapshot before: ${await heapSnapshot(pid, snapshotDir)}`);
  const spec = sys.idleSpec(world);
  const nChildren = Math.ceil(count / PER_CHILD);
  const kids = [];
  const t0 = Date.now();
  try {
    for (let k = 0; k < nChildren; k++) {
      const child = fork(path.join(here, '..', 'idle-client.mjs'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      kids.push(child);
      await ask(child, null, 'hello');
    }
    const per = Math.ceil(count / nChildren);
    const connected = kids.map((child, k) => {
      const n = Math.min(per, count - k * per);
      child.send({
        type: 'start',
        cfg: {
          ...spec,
          count: n,
          offset: k * per,
          localAddress: `127.0.0.${10 + k}`,
          concurrency: 64,
          subscribe,
          timeoutMs: 30_000,
        },
      });
      return ask(child, null, 'connected', 10 * 60_000);
    });
    const states = (await Promise.all(connected)).map((m) => m?.state ?? { ready: 0, errors: 0, firstError: 'no answer' });
    const connectSeconds = (Date.now() - t0) / 1000;
    await sleep(3000);
    // Read once soon after the sockets connect, and again after `settleMs` without traffic: a collector
    // that grew its young generation during the burst of connections gives it back only after a while.
    const rssEarly = (await stableRss(pid, 4, 1000)) ?? 0;
    if (settleMs > 0) await sleep(settleMs);
    const rssAfter = settleMs > 0 ? ((await stableRss(pid, 4, 1000)) ?? 0) : rssEarly;
    if (snapshotDir) log(`  heap snapshot after: ${await heapSnapshot(pid, snapshotDir)}`);
    const status = (await Promise.all(kids.map((c) => ask(c, 'status')))).map((m) => m?.state ?? {});
    const ready = states.reduce((s, x) => s + x.ready, 0);
    const errors = states.reduce((s, x) => s + x.errors, 0);
    const closed = status.reduce((s, x) => s + (x.closed ?? 0), 0);
    const firstError = states.find((x) => x.firstError)?.firstError ?? null;
    const alive = sys.handle?.exitCode === undefined;
    const res = {
      count,
      ready,
      errors,
      closedByServer: closed,
      firstError,
      serverAlive: alive,
      connectSeconds: Math.round(connectSeconds * 10) / 10,
      rssBeforeMiB: Math.round((rssBefore / 2 ** 20) * 10) / 10,
      rssAfterMiB: Math.round((rssAfter / 2 ** 20) * 10) / 10,
      rssEarlyMiB: Math.round((rssEarly / 2 ** 20) * 10) / 10,
      settleSeconds: settleMs / 1000,
      bytesPerConnection: ready > 0 ? Math.round((rssAfter - rssBefore) / ready) : null,
      clientProcesses: nChildren,
      subscribed: subscribe,
    };
    res.ok = alive && ready === count && errors === 0 && closed === 0;
    log(
      `  ${count} idle subscribers: ${ready} ready, ${errors} errors, ${closed} closed, ` +
        `RSS ${res.rssBeforeMiB} -> ${res.rssEarlyMiB}${settleMs > 0 ? ` -> ${res.rssAfterMiB} (after ${settleMs / 1000} s)` : ''} MiB = ${res.bytesPerConnection != null ? (res.bytesPerConnection / 1024).toFixed(1) : '-'} KiB each` +
        ` (connected in ${res.connectSeconds} s)${firstError ? ` first error: ${firstError}` : ''}`,
    );
    return res;
  } finally {
    for (const c of kids) {
      try {
        c.send({ type: 'stop' });
      } catch {
        /* gone */
      }
    }
    await sleep(300);
    for (const c of kids) if (c.exitCode === null) c.kill('SIGKILL');
  }
}

/**
 * @param {any} sys @param {any} world @param {number[]} levels
 * @param {{ log?: (line: string) => void, subscribe?: boolean, heapSnapshots?: string, settleMs?: number }} [options]
 */
export async function runIdle(sys, world, levels, { log = (_line) => {}, subscribe = true, heapSnapshots = undefined, settleMs = 0 } = {}) {
  /** @type {any[]} */
  const results = [];
  for (const count of levels) {
    try {
      const r = await measureLevel(sys, world, count, log, subscribe, heapSnapshots, settleMs);
      if (r.skipped) log(`  ${count} idle subscribers: skipped, ${r.reason}`);
      results.push(r);
    } catch (err) {
      log(`  ${count} idle subscribers: failed: ${err.message}`);
      results.push({ count, failed: true, reason: err.message });
    }
  }
  // where the file limit stops a level, also measure the most it allows
  const skipped = results.find((r) => r.skipped);
  if (skipped) {
    const nofile = processNofile(sys.serverPids()[0]);
    const most = Math.floor((nofile - 1000) / 1000) * 1000;
    if (Number.isFinite(most) && most > Math.max(...levels.filter((l) => l <= most), 0)) {
      try {
        const r = await measureLevel(sys, world, most, log, subscribe, undefined, settleMs);
        r.note = 'the most this machine’s per-process file limit allows';
        results.push(r);
      } catch (err) {
        results.push({ count: most, failed: true, reason: err.message });
      }
    }
  }
  return results;
}
