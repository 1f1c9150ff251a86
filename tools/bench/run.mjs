#!/usr/bin/env node
// Over 400 lines on purpose: the command line, the order of a run and its clean-up read top to bottom
// in one place; the measuring itself lives in lib/.
// npm run bench [-- options]
//
// Measures Parley against the floor (pg + ws, nothing else) in the same run,
// and its idle sockets against a Socket.IO server's (socketio-server.mjs).
// Everything runs here, on loopback: the bench creates a fresh PostgreSQL
// database per system (parley_bench_*), starts the servers, drives them,
// writes bench-results/*.json, docs/benchmarks.md and the SVG plot, prints a
// table, then stops what it started and drops its databases. A disk-flush
// probe (lib/disk-probe.mjs) writes in the results folder the whole time.
//
// Options:
//   --quick            about ten minutes: 300 chats, short steps
//   --smoke            a few seconds, floor only unless --systems says otherwise (the harness's own test)
//   (default)          the full run: 2,000 chats, 20 s per rate, 50k idle subscribers
//   --systems a,b      floor,parley,parley-redis,socketio (default: all four; parley-redis needs Redis at
//                      BENCH_REDIS_URL or redis://127.0.0.1:6379 and runs the fixed and search scenarios;
//                      socketio runs the idle scenario only)
//   --scenarios a,b    fixed,search,paging,idle,visitors,desk-screen,desk,routing (default: all; desk-screen:
//                      lib/desk-screen.mjs; desk and routing run on Parley instances of their own after the
//                      systems: lib/desk.mjs, lib/routing.mjs say what they measure)
//   --desk-messages N  desk scenario: messages searched (default 100000 quick, 1000000 full)
//   --rates a,b        fixed rates (default 100,500,1000)
//   --duration S       seconds per fixed rate
//   --chats N          number of chats (customers = N / chats-per-customer)
//   --out DIR          where the JSON goes (default bench-results)
//   --report FILE      the Markdown report (default docs/benchmarks.md; --no-report to skip)
//   --no-build         do not run `npm run build` when dist/apps/api/main.js is missing
//   --cpu-prof DIR     run parley under node --cpu-prof, profiles written to DIR
//   --parley-node-args "A B"  extra node options for parley's processes (e.g. --trace-gc; output in bench-results/logs)
//   --heap-snapshots DIR  idle scenario: a heap snapshot of the server before and after
//                      its sockets connect, written to DIR (compare them in Chrome DevTools)
//   --idle-levels a,b  idle subscriber counts (default 10000 quick; 10000,25000,50000 full)
//   --idle-settle S    idle scenario: seconds without traffic before the RSS that counts is read
//                      (default 30 quick and full: a young generation grown by the burst of connections
//                      is given back meanwhile; the RSS 3 s after connecting is reported too)
//   --idle-no-subscribe  idle sockets only connect (connection_init), no subscription:
//                      tells a socket's memory from a subscription's
//   --visitor-rate N   visitors scenario: new visitor sessions a second (default 200)
//   --visitor-duration S  its length in seconds (default 10 quick, 30 full)
//   --paging-size N    messages in the big chat (default 100000)
//   --paging-reps N    measured requests per page (default 300; quick 50)
//   --paging-warmup S  seconds of unmeasured paging before the measured requests (default 5; quick 3)
//   --repeat N         the whole run N times over (each system fresh each time); the tables show the
//                      last run, the goals every run's figure and their median, which decides the goal
//   --json             print RESULTS_JSON <file> last
//
// BENCH_PARLEY_BUNDLE=FILE measures another build of the API in place of dist/apps/api/main.js (a copy
// of an earlier build kept in dist/apps/api, so it finds the same node_modules): runs of two builds
// taken in turn tell a change from the machine's drift.
import fs from 'node:fs';
import path from 'node:path';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { DeliveryBoard, runLoad, stepSearch, warmup } from './lib/loadgen.mjs';
import { runIdle } from './lib/idle.mjs';
import { runVisitors } from './lib/visitors.mjs';
import { SocketIoSystem } from './lib/socketio.mjs';
import { FloorSystem, ParleyRedisSystem, ParleySystem, repoRoot } from './lib/systems.mjs';
import { harness } from './lib/harness.mjs';
import { backendPids, postgresInfo, settleDatabase } from './lib/database.mjs';
import { machineInfo, machinePageIns, newHistogram, pageInsSince, sleep, summarize } from './lib/util.mjs';
import { textTable, writeReport } from './lib/report.mjs';
import { startDiskProbe } from './lib/disk-probe.mjs';
import { DESK_SCREEN_PRESETS, deskScreenUnavailable, runDeskScreen } from './lib/desk-screen.mjs';
import { DESK_PRESETS, runDesk } from './lib/desk.mjs';
import { ROUTING_PRESETS, runRouting } from './lib/routing.mjs';

// ------------------------------------------------------------------ options

function parseArgs(argv) {
  const o = { flags: new Set(), values: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    const [k, v] = eq < 0 ? [a.slice(2), undefined] : [a.slice(2, eq), a.slice(eq + 1)];
    const valued = ['systems', 'scenarios', 'rates', 'duration', 'chats', 'out', 'report', 'cpu-prof', 'heap-snapshots', 'parley-node-args', 'idle-levels', 'paging-size', 'paging-reps', 'paging-warmup', 'repeat', 'visitor-rate', 'visitor-duration', 'idle-settle', 'desk-messages'];
    if (valued.includes(k)) o.values[k] = v ?? argv[++i];
    else o.flags.add(k);
  }
  return o;
}

const args = parseArgs(process.argv.slice(2));
if (args.flags.has('help')) {
  const src = fs.readFileSync(new URL(import.meta.url), 'utf8');
  console.log(src.split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}
const mode = args.flags.has('smoke') ? 'smoke' : args.flags.has('quick') ? 'quick' : 'full';

const SCENARIOS = ['fixed', 'search', 'paging', 'idle', 'visitors', 'desk-screen', 'desk', 'routing'];
/** Scenarios with Parley instances and peers of their own (lib/desk.mjs, lib/routing.mjs), run after the systems. */
const OWN_INSTANCES = ['desk', 'routing'];
const PRESETS = {
  smoke: {
    customers: 8, chatsPerCustomer: 2, agents: 2,
    rates: [40], durationMs: 2000, drainMs: 3000,
    search: { startRate: 50, factor: 2, stepMs: 1500, bisections: 0, maxSteps: 2, settleMs: 200 },
    pagingSize: 2000, pagingReps: 10, pagingWarmupMs: 200, idleLevels: [100], visitorRate: 20, visitorDurationMs: 2000,
    scenarios: ['fixed', 'paging'],
  },
  quick: {
    customers: 100, chatsPerCustomer: 3, agents: 10,
    rates: [100, 500, 1000], durationMs: 5000, drainMs: 4000,
    search: { startRate: 600, factor: 1.5, stepMs: 4000, bisections: 1, maxSteps: 5, settleMs: 500 },
    pagingSize: 100_000, pagingReps: 50, pagingWarmupMs: 3000, idleLevels: [10_000], visitorRate: 200, visitorDurationMs: 10_000,
    scenarios: SCENARIOS,
  },
  full: {
    customers: 500, chatsPerCustomer: 4, agents: 20,
    rates: [100, 500, 1000], durationMs: 20_000, drainMs: 8000,
    search: { startRate: 250, factor: 1.4, stepMs: 15_000, bisections: 2, maxSteps: 12, settleMs: 2000 },
    pagingSize: 100_000, pagingReps: 300, pagingWarmupMs: 5000, idleLevels: [10_000, 25_000, 50_000], visitorRate: 200, visitorDurationMs: 30_000,
    scenarios: SCENARIOS,
  },
};
const cfg = structuredClone(PRESETS[mode]);
cfg.deskScreen = { ...DESK_SCREEN_PRESETS[mode] };
if (args.values.rates) cfg.rates = args.values.rates.split(',').map(Number);
if (args.values.duration) cfg.durationMs = Number(args.values.duration) * 1000;
if (args.values.chats) cfg.customers = Math.max(1, Math.ceil(Number(args.values.chats) / cfg.chatsPerCustomer));
if (args.values.scenarios) cfg.scenarios = args.values.scenarios.split(',');
cfg.idleSettleMs = mode === 'smoke' ? 0 : 30_000;
if (args.values['idle-settle']) cfg.idleSettleMs = Number(args.values['idle-settle']) * 1000;
if (args.values['idle-levels']) cfg.idleLevels = args.values['idle-levels'].split(',').map(Number);
if (args.values['visitor-rate']) cfg.visitorRate = Number(args.values['visitor-rate']);
if (args.values['visitor-duration']) cfg.visitorDurationMs = Number(args.values['visitor-duration']) * 1000;
if (args.values['paging-size']) cfg.pagingSize = Number(args.values['paging-size']);
if (args.values['paging-reps']) cfg.pagingReps = Number(args.values['paging-reps']);
if (args.values['paging-warmup']) cfg.pagingWarmupMs = Number(args.values['paging-warmup']) * 1000;
cfg.desk = { ...DESK_PRESETS[mode === 'full' ? 'full' : 'quick'], ...(args.values['desk-messages'] ? { searchMessages: Number(args.values['desk-messages']) } : {}) };
cfg.routing = ROUTING_PRESETS[mode === 'full' ? 'full' : 'quick'];
// A misspelt scenario would otherwise measure nothing and still print an (empty) report.
const unknownScenarios = cfg.scenarios.filter((s) => !SCENARIOS.includes(s));
if (unknownScenarios.length) {
  console.error(`unknown scenario ${unknownScenarios.join(', ')}: the scenarios are ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
const wantSystems = (args.values.systems ?? (mode === 'smoke' ? 'floor' : 'floor,parley,parley-redis,socketio')).split(',');
const outDir = path.resolve(repoRoot, args.values.out ?? 'bench-results');
const reportPath = args.flags.has('no-report') ? null : path.resolve(repoRoot, args.values.report ?? 'docs/benchmarks.md');
const quiet = args.flags.has('quiet');
const repeat = Math.max(1, Math.floor(Number(args.values.repeat ?? 1)) || 1);

const log = (...a) => {
  if (!quiet) console.error(...a);
};

// ------------------------------------------------------------------ cleanup

const systems = [];
/** the disk-flush probe, on PostgreSQL's disk when the results go there (lib/disk-probe.mjs) */
let diskProbe = null;
let cleaning = null;
async function cleanup() {
  cleaning ??= (async () => {
    for (const s of systems) await s.stop().catch(() => {});
    await diskProbe?.stop().catch(() => {});
    harness.killAllProcesses();
  })();
  return cleaning;
}
process.on('exit', () => {
  harness.killAllProcesses();
  harness.removeDataDirs();
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`\n${sig}: stopping servers and dropping the bench databases`);
    cleanup().finally(() => process.exit(130));
  });
}
// no run may outlive its budget
const BUDGET_MS = { smoke: 60_000, quick: 15 * 60_000, full: 120 * 60_000 }[mode] * repeat;
setTimeout(() => {
  log(`bench: over its time budget of ${BUDGET_MS / 1000} s, stopping`);
  cleanup().finally(() => process.exit(3));
}, BUDGET_MS).unref();

// ------------------------------------------------------------------ scenarios

async function pagingScenario(sys, world) {
  const t0 = Date.now();
  const big = await sys.preparePaging(world, cfg.pagingSize);
  log(`  ${sys.name}: chat of ${cfg.pagingSize} messages ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // settled like every load step: the bulk load's dirty pages written out before any page is timed
  const settled = await settleDatabase();
  // Timed from a process of its own (paging-client.mjs says why), which also reads the CPU per page
  // of the server and its database backends over the measured requests.
  const pageIns = machinePageIns();
  const m = await runPagingClient({
    system: sys.name,
    base: sys.base,
    big,
    reps: cfg.pagingReps,
    warmupReps: 20,
    warmupMs: cfg.pagingWarmupMs,
    serverPids: sys.serverPids(),
    pgPids: sys.dbName ? await backendPids(sys.dbName) : [],
  });
  const requests = cfg.pagingReps * 3;
  const out = {
    n: cfg.pagingSize,
    reps: cfg.pagingReps,
    settled,
    serverUsPerPage: Math.round(m.serverCpuUs / requests),
    dbUsPerPage: m.dbCpuUs == null ? null : Math.round(m.dbCpuUs / requests),
    machinePageIns: pageInsSince(pageIns),
    warmup: warmupSummary(m.warmup),
  };
  for (const w of ['first', 'middle', 'last']) {
    const h = newHistogram();
    for (const us of m.micros[w]) h.recordValue(us);
    out[w] = summarize(h);
    out[w].pageSize = m.pageSize[w];
    if (m.pageSize[w] !== 50) throw new Error(`paging ${w}: got ${m.pageSize[w]} messages, expected 50`);
  }
  log(`  ${sys.name}: paging p50/p99 ms: first ${out.first.p50}/${out.first.p99}, middle ${out.middle.p50}/${out.middle.p99}, last ${out.last.p50}/${out.last.p99}; cpu µs/page: server ${out.serverUsPerPage}, db ${out.dbUsPerPage ?? '-'}; warm-up ${out.warmup.requests} requests in ${out.warmup.seconds} s, p99 ${out.warmup.p99}`);
  return out;
}

/** The unmeasured requests before the measured ones, every page together: how many, over how long, how fast. */
function warmupSummary({ micros, ms }) {
  const h = newHistogram();
  for (const us of micros) h.recordValue(us);
  const { count, p50, p99, max } = summarize(h);
  return { requests: count, seconds: Math.round(ms / 100) / 10, p50, p99, max };
}

function runPagingClient(spec) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(repoRoot, 'tools/bench/paging-client.mjs'), JSON.stringify(spec)], { maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`paging client: ${err.message}${stderr ? `\n${stderr.slice(-2000)}` : ''}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

function ensureParleyBuilt() {
  if (ParleySystem.available()) return null;
  if (args.flags.has('no-build')) return 'dist/apps/api/main.js is missing (run `npm run build`)';
  log('parley: dist/apps/api/main.js is missing, running `npm run build`');
  const r = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], timeout: 5 * 60_000 });
  if (r.status !== 0 || !ParleySystem.available()) return `\`npm run build\` failed (exit ${r.status ?? r.signal}), so the API could not be measured`;
  return null;
}

// ------------------------------------------------------------------ main

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const logDir = path.join(outDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const pgInfo = await postgresInfo();
  diskProbe = startDiskProbe(outDir);
  const results = {
    meta: {
      mode,
      repeat,
      startedAt,
      commit: gitCommit(),
      chats: cfg.customers * cfg.chatsPerCustomer,
      customers: cfg.customers,
      chatsPerCustomer: cfg.chatsPerCustomer,
      agents: cfg.agents,
      config: cfg,
    },
    machine: machineInfo(),
    postgres: pgInfo,
    diskProbe: { onPostgresDisk: pgInfo.dataDirectory ? diskProbe.sameDeviceAs(pgInfo.dataDirectory) : null },
    systems: {},
    skipped: {},
  };
  const common = { log, logDir, postmasterPid: pgInfo.postmasterPid };

  const parleyNodeArgs = () => {
    const nodeArgs = args.values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.values['cpu-prof'])}`] : [];
    if (args.values['heap-snapshots']) nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${path.resolve(args.values['heap-snapshots'])}`);
    if (args.values['parley-node-args']) nodeArgs.push(...args.values['parley-node-args'].split(/\s+/).filter(Boolean));
    return nodeArgs;
  };
  // Each run builds its systems afresh: new processes, new databases.
  const buildSystems = async () => {
    const built = [];
    for (const name of wantSystems) {
      if (name === 'floor') built.push(new FloorSystem(common));
      else if (name === 'socketio') built.push(new SocketIoSystem(common));
      else if (name === 'parley' || name === 'parley-redis') {
        const why = ensureParleyBuilt();
        if (why) {
          results.skipped[name] = why;
          log(`${name}: skipped: ${why}`);
          continue;
        }
        if (name === 'parley') built.push(new ParleySystem({ ...common, nodeArgs: parleyNodeArgs() }));
        else if (!(await ParleyRedisSystem.reachable())) {
          results.skipped[name] = 'no Redis answered at BENCH_REDIS_URL (default redis://127.0.0.1:6379)';
          log(`${name}: skipped: ${results.skipped[name]}`);
        } else {
          const sys = new ParleyRedisSystem({ ...common, nodeArgs: parleyNodeArgs() });
          // Paging, idle sockets and new visitors are one instance's work: the parley system measures them.
          sys.scenarios = ['fixed', 'search'];
          built.push(sys);
        }
      } else throw new Error(`unknown system ${name}`);
    }
    systems.push(...built);
    return built;
  };

  // One system at a time: started, set up, measured in every scenario, stopped, then the next. A system
  // that stays up while another is measured (idle sockets, pooled connections) was seen to disturb the
  // other's tail latency; nothing of the others runs during a system's steps.
  const setUp = async (sys) => {
    /** @type {any} */
    const r = (results.systems[sys.name] = { errors: [] });
    try {
      const t0 = Date.now();
      await sys.start();
      sys.world = await sys.setup({ customers: cfg.customers, chatsPerCustomer: cfg.chatsPerCustomer, agents: cfg.agents });
      if (sys.scenarios?.every((s) => s === 'idle')) {
        // a peer of the idle scenario only: no subscribers to deliver to, nothing to warm up
        r.setup = { seconds: Math.round((Date.now() - t0) / 100) / 10, chats: sys.world.chats.length };
        return true;
      }
      sys.board = new DeliveryBoard(sys.world);
      sys.subscribers = await sys.openSubscribers(sys.world, sys.board);
      const w = await warmup(sys, sys.board, { log });
      r.setup = { seconds: Math.round((Date.now() - t0) / 100) / 10, sockets: sys.subscribers.sockets, chats: sys.world.chats.length, warmupAttempts: w.attempts };
      log(`${sys.name}: ${sys.world.chats.length} chats, ${sys.subscribers.sockets} subscriber sockets, set up in ${r.setup.seconds} s`);
      return true;
    } catch (err) {
      r.error = `setup failed: ${err.message}`;
      log(`${sys.name}: ${r.error}`);
      await sys.stop().catch(() => {});
      return false;
    }
  };

  // Every scenario of one system, in order; a scenario that fails is recorded and the next one runs.
  const measureSystem = async (current) => {
    log(`\n==== ${current.name}`);
    const live = (await setUp(current)) ? [current] : [];
    const each = async (scenario, fn) => {
      for (const sys of live) {
        if (sys.dead || (sys.scenarios && !sys.scenarios.includes(scenario))) continue;
        try {
          await fn(sys, results.systems[sys.name]);
        } catch (err) {
          log(`${sys.name}: ${scenario} failed: ${err.stack ?? err.message}`);
          results.systems[sys.name].errors.push({ scenario, message: err.message });
          if (sys.handle?.exitCode !== undefined) {
            sys.dead = true;
            results.systems[sys.name].errors.push({ scenario, message: `server exited (${sys.handle.exitCode}): ${sys.handle.lines.slice(-5).join(' | ')}` });
          }
        }
      }
    };

    if (cfg.scenarios.includes('fixed')) {
      log(`\n== fixed rates ${cfg.rates.join(', ')} msg/s, ${cfg.durationMs / 1000} s each`);
      for (const rate of cfg.rates) {
        await each('fixed', async (sys, r) => {
          log(` ${sys.name}:`);
          const res = await runLoad(sys, sys.board, { rate, durationMs: cfg.durationMs, drainMs: cfg.drainMs, dbName: sys.dbName, log, diskProbe });
          (r.fixed ??= []).push(res);
          await sleep(500);
        });
      }
    }
    if (cfg.scenarios.includes('search')) {
      log(`\n== highest sustained rate (p99 <= 50 ms, zero loss)`);
      await each('search', async (sys, r) => {
        log(` ${sys.name}:`);
        r.search = await stepSearch(sys, sys.board, { ...cfg.search, log, dbName: sys.dbName, drainMs: cfg.drainMs, diskProbe });
        log(` ${sys.name}: highest sustained rate ${r.search.maxSustainedRate} msg/s`);
      });
    }
    if (cfg.scenarios.includes('paging')) {
      log(`\n== paging a chat of ${cfg.pagingSize} messages`);
      await each('paging', async (sys, r) => {
        try {
          r.paging = await pagingScenario(sys, sys.world);
        } catch (err) {
          r.paging = { error: err.message };
          throw err;
        }
      });
    }
    if (cfg.scenarios.includes('desk-screen')) {
      log(`\n== the desk in Chromium: a chat of ${cfg.deskScreen.size} messages`);
      await each('desk-screen', async (sys, r) => {
        // the agent's screen is Parley's alone (the floor has none)
        if (!(sys instanceof ParleySystem) || sys.name !== 'parley') return;
        const why = deskScreenUnavailable();
        if (why) r.deskScreen = { skipped: why };
        else r.deskScreen = await runDeskScreen(sys, { ...cfg.deskScreen, log });
      });
    }
    // the subscribers of the load scenarios go before the idle scenario restarts the servers
    for (const sys of live) {
      const r = results.systems[sys.name];
      if (sys.subscribers) {
        r.subscriberErrors = sys.subscribers.errors();
        if (sys.subscribers.firstError?.()) r.subscriberFirstError = sys.subscribers.firstError();
        await sys.subscribers.close().catch(() => {});
      }
      r.stray = sys.board?.stray;
    }
    if (cfg.scenarios.includes('idle')) {
      log(`\n== idle subscribers: ${cfg.idleLevels.join(', ')}`);
      await each('idle', async (sys, r) => {
        log(` ${sys.name}:`);
        r.idle = await runIdle(sys, sys.world, cfg.idleLevels, { log, subscribe: !args.flags.has('idle-no-subscribe'), settleMs: cfg.idleSettleMs, heapSnapshots: args.values['heap-snapshots'] && sys.name === 'parley' ? path.resolve(args.values['heap-snapshots']) : undefined });
      });
    }

    if (cfg.scenarios.includes('visitors')) {
      log(`\n== new visitors: ${cfg.visitorRate} a second for ${cfg.visitorDurationMs / 1000} s`);
      await each('visitors', async (sys, r) => {
        if (!(sys instanceof ParleySystem)) return;
        log(` ${sys.name}:`);
        await sys.restart();
        r.visitors = await runVisitors(sys, { rate: cfg.visitorRate, durationMs: cfg.visitorDurationMs, log });
      });
    }

    await current.stop().catch(() => {});
  };

  // Parley-only scenarios with peers of their own, after the systems (nothing else runs meanwhile).
  const measureOnOwnInstances = async (into, common) => {
    if (!wantSystems.includes('parley') || ensureParleyBuilt()) return;
    if (cfg.scenarios.includes('desk')) {
      log(`\n== desk: ${cfg.desk.agents} agents, ${cfg.desk.chats} open chats, ${cfg.desk.searchMessages} messages`);
      into['parley'] ??= {};
      into['parley'].desk = await runDesk({ ...common, sizes: cfg.desk });
    }
    if (cfg.scenarios.includes('routing')) {
      log(`\n== routing: AUTO, ${cfg.routing.rate} new chats a second across 2 instances`);
      into['parley'] ??= {};
      into['parley'].routing = await runRouting({ ...common, nodeArgs: parleyNodeArgs(), sizes: cfg.routing });
    }
  };

  const runs = [];
  for (let n = 1; n <= repeat; n++) {
    if (repeat > 1) log(`\n######## run ${n} of ${repeat}`);
    results.systems = {};
    const runStartedAt = new Date().toISOString();
    // desk and routing alone need none of the shared systems
    if (cfg.scenarios.some((s) => !OWN_INSTANCES.includes(s))) for (const current of await buildSystems()) await measureSystem(current);
    await measureOnOwnInstances(results.systems, common);
    for (const r of Object.values(results.systems)) if (r.errors && r.errors.length === 0) delete r.errors;
    runs.push({ startedAt: runStartedAt, systems: results.systems });
  }
  // results.systems is the last run (the tables); results.runs holds every run when there are several (the goals)
  if (repeat > 1) results.runs = runs;
  await cleanup();

  const stamp = startedAt.replace(/[:]/g, '-');
  const file = path.join(outDir, `bench-${mode}-${stamp}.json`);
  results.meta.resultsFile = path.relative(repoRoot, file);
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  fs.writeFileSync(path.join(outDir, `latest-${mode}.json`), JSON.stringify(results, null, 2));
  if (reportPath) {
    const svgDir = path.join(path.dirname(reportPath), 'benchmarks');
    fs.mkdirSync(svgDir, { recursive: true });
    const svgFile = path.join(svgDir, 'latency-vs-rate.svg');
    writeReport(results, reportPath, svgFile, path.relative(path.dirname(reportPath), svgFile));
    log(`report: ${path.relative(repoRoot, reportPath)}, plot: ${path.relative(repoRoot, svgFile)}`);
  }
  log(`results: ${path.relative(repoRoot, file)}\n`);
  console.log(textTable(results));
  if (args.flags.has('json')) console.log(`RESULTS_JSON ${file}`);
  const failed = runs.some((run) => Object.values(run.systems).some((r) => r.error));
  return failed ? 1 : 0;
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (err) => {
    console.error(err.stack ?? err);
    await cleanup();
    process.exit(1);
  });
