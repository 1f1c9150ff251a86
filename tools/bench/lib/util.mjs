// Small helpers shared by the benchmark: /proc readings, HTTP with
// keep-alive, histograms. The database's are in ./database.mjs; processes,
// ports and readiness are the test harness's (./harness.mjs).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { createRequire } from 'node:module';
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const hdr = require('hdr-histogram-js');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();

// ---------------------------------------------------------------- this process's collector

/**
 * Records this process's garbage collections from now until `await stop(from, to)`,
 * which sums those that started within [from, to] (performance.now() ms). A
 * pause here delays the generator's sends and its arrival timestamps alike, so
 * each step reports how long the generator itself stood still.
 */
export function gcRecorder() {
  const entries = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop(from, to) {
      // Node queues a collection's entry for the next turn of the event loop: let the last ones arrive.
      await new Promise((resolve) => setTimeout(resolve, 10));
      entries.push(...observer.takeRecords());
      observer.disconnect();
      const inWindow = entries.filter((e) => e.startTime >= from && e.startTime <= to);
      const round = (ms) => Math.round(ms * 100) / 100;
      return {
        collections: inWindow.length,
        major: inWindow.filter((e) => e.detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR).length,
        pauseMs: round(inWindow.reduce((sum, e) => sum + e.duration, 0)),
        longestMs: round(inWindow.reduce((max, e) => Math.max(max, e.duration), 0)),
      };
    },
  };
}

// ---------------------------------------------------------------- histograms

/** An HDR histogram of microseconds, 1 µs to 10 min, 3 significant digits. */
export function newHistogram() {
  return hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Summary in milliseconds (3 decimals) of a histogram of microseconds. */
export function summarize(h) {
  // HDR reports a percentile as the top of its bucket: never above the recorded max
  const ms = (us) => Math.round(Math.min(us, h.maxValue)) / 1000;
  if (h.totalCount === 0) return { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

// ---------------------------------------------------------------- /proc

const CLK_TCK = 100; // Linux USER_HZ on every mainstream kernel

/** utime+stime of a process in microseconds, or null when it is gone. */
export function cpuMicros(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is state (field 3); utime is field 14, stime field 15
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLK_TCK;
  } catch {
    return null;
  }
}

/** CPU microseconds spent by the processes of `before` (cpuMicros of each, in order) until `after`; a process gone meanwhile counts nothing. */
export function cpuDelta(before, after) {
  return before.reduce((sum, v, k) => sum + (v != null && after[k] != null ? after[k] - v : 0), 0);
}

/**
 * CPU time of the whole machine (all cores) in microseconds: busy (excluding idle, iowait and steal), and
 * stolen (time the hypervisor ran someone else while this machine had work: its cores were not ours).
 */
export function machineCpuMicros() {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user
    const busy = v[0] + v[1] + v[2] + v[5] + v[6];
    return { busy: (busy * 1_000_000) / CLK_TCK, stolen: ((v[7] ?? 0) * 1_000_000) / CLK_TCK };
  } catch {
    return null;
  }
}

/**
 * Pages the machine had to read back from disk so far (/proc/vmstat): major faults, and file pages read
 * again after the kernel had dropped them. On these machines a kernel memory monitor (DAMON, with a
 * `pageout` scheme) drops pages left untouched for a while, and whoever touches one next waits for the disk.
 */
export function machinePageIns() {
  try {
    const vmstat = fs.readFileSync('/proc/vmstat', 'utf8');
    const read = (key) => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(vmstat)?.[1] ?? NaN);
    return { majorFaults: read('pgmajfault'), refaultedFilePages: read('workingset_refault_file') };
  } catch {
    return null;
  }
}

/** machinePageIns() now minus `before` (null when either reading failed). */
export function pageInsSince(before) {
  const after = machinePageIns();
  if (!before || !after) return null;
  return { majorFaults: after.majorFaults - before.majorFaults, refaultedFilePages: after.refaultedFilePages - before.refaultedFilePages };
}

export function ppidOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Resident set size of a process in bytes. */
export function rssBytes(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function childrenOf(ppid) {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if (ppidOf(Number(name)) === ppid) out.push(Number(name));
  }
  return out;
}

export function nofileLimit() {
  try {
    const limits = fs.readFileSync('/proc/self/limits', 'utf8');
    const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(limits);
    return m ? { soft: Number(m[1]) || Infinity, hard: Number(m[2]) || Infinity } : null;
  } catch {
    return null;
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  const pgVersion = null;
  return {
    host: os.hostname(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    pgVersion,
    nofile: nofileLimit(),
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    ephemeralPorts: (() => {
      try {
        return fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
      } catch {
        return null;
      }
    })(),
  };
}

// ---------------------------------------------------------------- HTTP

/** Idle pooled sockets are closed after this long, well before the servers' own keep-alive timeout (65 s). */
export const IDLE_SOCKET_MS = 30_000;

/**
 * A keep-alive pool. Its idle sockets close on the client's side first: a socket left idle past the server's
 * keep-alive timeout is being closed by the server just as a burst (the backlog after a stall) reuses it, and
 * the send fails with ECONNRESET (seen: two in one step, which failed it). Browsers retry such a request;
 * the generator counts it as a send error.
 */
export function keepAliveAgent(maxSockets = 64) {
  return new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000, timeout: IDLE_SOCKET_MS });
}

/** POST JSON with a keep-alive agent; resolves {status, body} (body parsed). */
export function postJson(agent, url, body, headers = {}, timeoutMs = 30_000) {
  const u = typeof url === 'string' ? new URL(url) : url;
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': data.length, ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timeout')));
    req.on('error', reject);
    req.end(data);
  });
}

export function getJson(agent, url, headers = {}, timeoutMs = 30_000) {
  const u = typeof url === 'string' ? new URL(url) : url;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'GET', headers, timeout: timeoutMs },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode, body: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode, body: text });
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Runs fn over items with at most `limit` in flight; returns results in order. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}
