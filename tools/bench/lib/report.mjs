// Over 400 lines on purpose: one function per section of docs/benchmarks.md, in the page's order,
// so the report's shape can be read against the page.
// Turns a results object into the stdout table, the Markdown report and the
// SVG plot. Everything here is a pure function of the results JSON, so a
// report can be rebuilt from a saved file: node tools/bench/report.mjs FILE.
import fs from 'node:fs';
import { DISK_REPORT_MS, DISK_SLOW_MS, DISK_STALL_MS } from './disk-probe.mjs';

const FINDINGS_START = '<!-- findings:start -->';
const FINDINGS_END = '<!-- findings:end -->';

const n1 = (v) => (v == null ? '–' : Number(v).toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2));
const ratio = (a, b) => (a == null || b == null || b === 0 ? null : a / b);
const rx = (v) => (v == null ? '–' : `${v.toFixed(2)}x`);
/** The generator's GC pauses over a step: "total (longest)"; older results have none. */
const generatorGcCell = (r) => (r.generatorGc ? `${n1(r.generatorGc.pauseMs)} (${n1(r.generatorGc.longestMs)})` : '–');
/** Pages the machine read back from disk during a step: "refaulted file pages / major faults". */
const pageInsCell = (r) => (r.machinePageIns ? `${r.machinePageIns.refaultedFilePages} / ${r.machinePageIns.majorFaults}` : '–');
/** The slowest flush the disk probe saw during a step (0: none took DISK_REPORT_MS), and how many took DISK_SLOW_MS or more. */
const diskFlushCell = (r) => (r.diskFlush ? `${n1(r.diskFlush.slowestMs)}${r.diskFlush.over50ms ? ` (${r.diskFlush.over50ms} over ${DISK_SLOW_MS})` : ''}` : '–');
/** What disturbed a load step from outside, the same four columns wherever steps are listed. */
const NOISE_HEADER = 'stolen by the host (cores) | generator GC ms (longest) | pages read back | slowest disk flush (ms)';
const NOISE_ALIGN = '---: | ---: | ---: | ---:';
const noiseCells = (r) => `${r.cpu?.stolenCores ?? '–'} | ${generatorGcCell(r)} | ${pageInsCell(r)} | ${diskFlushCell(r)}`;
const kib = (b) => (b == null ? '–' : (b / 1024).toFixed(1));

function systemsOf(results) {
  return Object.keys(results.systems);
}

function fixedRows(results) {
  const rows = [];
  const systems = systemsOf(results);
  const rates = [...new Set(systems.flatMap((s) => (results.systems[s].fixed ?? []).map((r) => r.rate)))].sort((a, b) => a - b);
  for (const rate of rates) {
    for (const s of systems) {
      const r = (results.systems[s].fixed ?? []).find((x) => x.rate === rate);
      if (r) rows.push({ system: s, ...r });
    }
  }
  return { rates, rows };
}

/** This round's goals by number (issue 29), in the table's order; `earlier` are earlier rounds' goals still watched. */
export const GOAL_GROUPS = [
  { id: '1', title: 'Widget scale' },
  // goals 2-4 come from the desk, routing and desk-screen scenarios (Parley's own instances)
  { id: '2', title: 'Desk scale' },
  { id: '3', title: 'Routing' },
  { id: '4', title: "The agent's screen" },
  { id: '5', title: 'No regression' },
  { id: 'earlier', title: 'Earlier rounds' },
];

/** The idle level a goal is judged at: `want` if measured, else the highest level measured (the file limit stops some). */
function idleLevel(idle, want) {
  const exact = idle?.find((x) => x.count === want && !x.skipped && !x.failed);
  return exact ?? idle?.filter((x) => !x.skipped && !x.failed).sort((a, b) => b.count - a.count)[0];
}

// Each goal carries its figure as a number (`measure`; a step with loss or errors counts as Infinity) and the
// rule that judges it, so several runs can be judged on their median.
export function goals(results) {
  const f = results.systems.floor;
  const p = results.systems.parley;
  const sio = results.systems.socketio;
  const out = [];
  if (!p) return out;
  let group = '5';
  // `worst`: the figure a run that could not measure the goal counts as (a crashed server is no pass)
  const goal = (key, text, measure, fmt, judge, value = fmt(measure), worst = Infinity) => out.push({ key, group, goal: text, measure, fmt, judge, value, worst, pass: judge(measure) });
  const ms = (m) => (m === Infinity ? 'lost or failed messages' : `${n1(m)} ms`);
  const at = (sys, rate) => (sys?.fixed ?? []).find((r) => r.rate === rate);
  const p500 = at(p, 500);
  const f500 = at(f, 500);
  if (p500) {
    const ok = (v) => (p500.ok && v != null ? v : Infinity);
    group = 'earlier';
    goal('p50-500', '500 msg/s: p50 <= 5 ms', ok(p500.latencyMs.p50), ms, (m) => m <= 5);
    group = '5';
    goal('p99-500', '500 msg/s: p99 <= 20 ms', ok(p500.latencyMs.p99), ms, (m) => m <= 20);
    if (f500) goal('p50-500-ratio', '500 msg/s: p50 within 2x of the floor', ratio(p500.latencyMs.p50, f500.latencyMs.p50), rx, (m) => m != null && m <= 2);
  }
  if (p.search && f?.search) {
    const r = ratio(p.search.maxSustainedRate, f.search.maxSustainedRate);
    goal('sustained', 'max sustained rate (p99 <= 50 ms, zero loss) >= 0.6x the floor', r, rx, (m) => m != null && m >= 0.6, `${p.search.maxSustainedRate} vs ${f.search.maxSustainedRate} msg/s = ${rx(r)}`, 0);
  }
  group = '1';
  if (p.idle?.length) {
    const text = '20,000 idle visitor sockets in one process at <= 10 KB each';
    const at = idleLevel(p.idle, 20_000);
    const short = at && at.count < 20_000 ? (p.idle.find((x) => x.skipped)?.reason ?? 'not in this run') : null;
    const each = (m) => `${kib(m)} KiB (${(m / 1000).toFixed(1)} KB) each${at ? ` at ${at.count}` : ''}`;
    if (at) goal('idle', text, at.ok ? at.bytesPerConnection : Infinity, each, (m) => (m <= 10_000 ? (short ? 'partial' : true) : false), short ? `${each(at.bytesPerConnection)}; 20,000: ${short}` : each(at.bytesPerConnection));
    else goal('idle', text, null, () => 'not measured', () => null);
    const peer = at && idleLevel(sio?.idle, at.count);
    if (peer && peer.count === at.count) {
      const r = ratio(at.bytesPerConnection, peer.bytesPerConnection);
      goal('idle-vs-socketio', 'memory per idle connection at or below a Socket.IO server holding the same sockets', r, rx, (m) => m != null && m <= 1, `${kib(at.bytesPerConnection)} vs ${kib(peer.bytesPerConnection)} KiB at ${at.count} = ${rx(r)}`);
    }
  }
  if (p.visitors) {
    const v = p.visitors;
    goal('visitors-p99', `${v.rate} new visitor sessions a second (session, socket, first message): p99 <= 200 ms`, v.ok ? v.total.p99 : Infinity, (m) => (m === Infinity ? `${v.errors} failed of ${v.planned}` : `p99 ${n1(m)} ms`), (m) => m <= 200 && v.rate >= 200);
  }
  group = '2';
  if (p.desk && !p.desk.error) {
    const d = p.desk;
    if (d.fanout) {
      const value = `${d.fanout.parleyUsPerDelivery} vs ${d.fanout.peerUsPerDelivery} µs of server CPU a delivery = ${rx(d.fanout.ratio)}`;
      goal('desk-fanout', "each event's fan-out under 2x the CPU of a raw ws broadcast of the same bytes", d.fanout.missing ? Infinity : d.fanout.ratio, rx, (m) => m != null && m < 2, d.fanout.missing ? `${d.fanout.missing} deliveries missing` : value);
    }
    if (d.inbox) {
      const pages = ['queue', 'mine', 'label'];
      const worst = Math.max(...pages.map((k) => d.inbox[k]?.p99 ?? Infinity));
      goal('desk-inbox-p99', 'inbox first page (queue, mine, all with a label) p99 <= 20 ms', worst, (m) => `worst p99 ${ms(m)}`, (m) => m <= 20, `queue / mine / label p99 ${pages.map((k) => n1(d.inbox[k]?.p99)).join(' / ')} ms`);
    }
    if (d.search) {
      const full = d.search.messages >= 1_000_000;
      goal('desk-search-p99', 'search over 1,000,000 messages p99 <= 50 ms', d.search.p99 ?? Infinity, (m) => `p99 ${ms(m)}`, (m) => (m <= 50 ? (full ? true : 'partial') : false), `p99 ${ms(d.search.p99 ?? Infinity)} over ${d.search.messages.toLocaleString('en')} messages`);
    }
  }
  group = '3';
  if (p.routing?.result) {
    const r = p.routing.result;
    const rate = p.routing.sizes?.rate ?? 100;
    goal('routing-p99', `${rate} new chats a second across 2 instances (AUTO): startChat to the agent's chatUpdated p99 <= 100 ms`, r.errors ? Infinity : r.p99, ms, (m) => m <= 100 && rate >= 100);
    goal('routing-capacity', 'never over capacity', r.overCapacity, (m) => `${m} agents over capacity`, (m) => m === 0);
  }
  group = '4';
  if (p.deskScreen && !p.deskScreen.skipped) {
    const ds = p.deskScreen;
    goal('desk-open', `a chat of ${ds.size.toLocaleString('en')} messages opens in the desk at the newest page <= 500 ms`, ds.openMedianMs, (m) => `median ${ms(m)}`, (m) => m <= 500 && ds.size >= 100_000, `median ${ms(ds.openMedianMs)} (${ds.openMs.join(', ')})`);
    goal('desk-scroll', `scrolling back ${ds.scroll.back.toLocaleString('en')} messages keeps frames under 50 ms`, ds.scroll.reached ? ds.scroll.frameMaxMs : Infinity, (m) => `longest frame ${ms(m)}`, (m) => m < 50, ds.scroll.reached ? `p99 ${ms(ds.scroll.frameP99Ms)}, longest ${ms(ds.scroll.frameMaxMs)}, ${ds.scroll.framesOver50Ms} of ${ds.scroll.frames} frames over 50 ms` : 'did not reach the target');
  }
  group = 'earlier';
  if (p.paging) {
    const pg = p.paging;
    const worst = Math.max(...['first', 'middle', 'last'].map((w) => pg[w]?.p99 ?? Infinity));
    goal('paging-p99', 'any page of a 100k-message chat <= 5 ms at p99', worst, (m) => `worst p99 ${ms(m)}`, (m) => m <= 5);
    goal('paging-last-first', 'last page no slower than 1.2x the first (p50)', ratio(pg.last?.p50, pg.first?.p50), rx, (m) => m != null && m <= 1.2);
  }
  return out;
}

function benchOptions(meta) {
  const opts = [meta.mode === 'full' ? null : `--${meta.mode}`, meta.repeat > 1 ? `--repeat ${meta.repeat}` : null].filter(Boolean);
  return opts.length ? ` -- ${opts.join(' ')}` : '';
}

function median(values) {
  const v = values.filter((x) => x != null).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * The goals of every run of a `--repeat` run side by side; each goal is judged on the median of the
 * runs' figures. A run that did not measure a goal another run did (a server that failed) counts as
 * that goal's worst figure. One run: its goals.
 */
export function goalsOverRuns(results) {
  const runs = results.runs?.length > 1 ? results.runs : [{ systems: results.systems }];
  const perRun = runs.map((run) => goals({ ...results, systems: run.systems }));
  const order = (g) => GOAL_GROUPS.findIndex((x) => x.id === g.group);
  const keys = [...new Set(perRun.flat().sort((a, b) => order(a) - order(b)).map((g) => g.key))];
  return keys.map((key) => {
    const each = perRun.map((g) => g.find((x) => x.key === key) ?? null);
    const first = each.find(Boolean);
    if (each.length === 1) return { ...first, each };
    const m = median(each.map((x) => (x ? x.measure : first.worst)));
    return { key, group: first.group, goal: first.goal, each, measure: m, value: m == null ? '–' : first.fmt(m), pass: m == null ? null : first.judge(m) };
  });
}

const mark = (pass) => (pass === true ? 'PASS' : pass === 'partial' ? 'partial' : pass === false ? 'FAIL' : '–');

/** The plain-text table printed at the end of a run. */
export function textTable(results) {
  const lines = [];
  const pad = (s, w) => String(s).padStart(w);
  const padl = (s, w) => String(s).padEnd(w);
  lines.push(`Parley benchmark (${results.meta.mode} mode, ${results.meta.chats} chats, ${results.meta.startedAt})`);
  lines.push('');
  lines.push('Send-to-receive latency at fixed rates (ms; every subscriber of the chat has the message)');
  lines.push(
    [padl('system', 12), pad('rate', 6), pad('sent', 7), pad('p50', 7), pad('p99', 7), pad('max', 7), pad('lost', 5), pad('dup', 4), pad('ooo', 4), pad('err', 4), pad('cpu µs/msg', 11), pad('other load', 11)].join(' '),
  );
  const { rows } = fixedRows(results);
  for (const r of rows) {
    lines.push(
      [
        padl(r.system, 12),
        pad(r.rate, 6),
        pad(r.sent, 7),
        pad(n1(r.latencyMs.p50), 7),
        pad(n1(r.latencyMs.p99), 7),
        pad(n1(r.latencyMs.max), 7),
        pad(r.lostMessages, 5),
        pad(r.duplicates, 4),
        pad(r.outOfOrder, 4),
        pad(r.sendErrors, 4),
        pad(r.cpu.totalUsPerMsg ?? '–', 11),
        pad(r.cpu.otherLoadCores ?? '–', 11),
      ].join(' ') + (r.saturated ? '  SATURATED' : ''),
    );
  }
  const sys = systemsOf(results);
  if (sys.some((s) => results.systems[s].search)) {
    lines.push('');
    lines.push('Highest sustained rate with p99 <= 50 ms and zero loss');
    for (const s of sys) {
      const x = results.systems[s].search;
      if (x) lines.push(`  ${padl(s, 12)} ${pad(x.maxSustainedRate, 6)} msg/s   (first failing step: ${x.firstFailingRate ?? 'none up to the cap'})`);
    }
  }
  if (sys.some((s) => results.systems[s].paging)) {
    lines.push('');
    lines.push('Paging 50 messages of a big chat (ms, p50 / p99)');
    for (const s of sys) {
      const p = results.systems[s].paging;
      if (p && !p.error)
        lines.push(
          `  ${padl(s, 12)} ${p.n} msgs: first ${n1(p.first.p50)} / ${n1(p.first.p99)}   middle ${n1(p.middle.p50)} / ${n1(p.middle.p99)}   last ${n1(p.last.p50)} / ${n1(p.last.p99)}   cpu µs/page ${p.serverUsPerPage ?? '-'} + db ${p.dbUsPerPage ?? '-'}${p.warmup ? `   (warm-up ${p.warmup.seconds} s: p99 ${n1(p.warmup.p99)})` : ''}`,
        );
      else if (p?.error) lines.push(`  ${padl(s, 12)} failed: ${p.error}`);
    }
  }
  if (sys.some((s) => results.systems[s].idle)) {
    lines.push('');
    lines.push('Idle subscribers in one server process');
    for (const s of sys)
      for (const r of results.systems[s].idle ?? []) {
        if (r.skipped || r.failed) lines.push(`  ${padl(s, 12)} ${pad(r.count, 6)}: ${r.skipped ? 'skipped' : 'failed'}: ${r.reason}`);
        else
          lines.push(
            `  ${padl(s, 12)} ${pad(r.count, 6)}: ${r.ready} ready, ${r.errors} errors, RSS ${r.rssBeforeMiB} -> ${r.rssAfterMiB} MiB, ${kib(r.bytesPerConnection)} KiB per connection`,
          );
      }
  }
  if (sys.some((s) => results.systems[s].visitors)) {
    lines.push('');
    lines.push('New visitors (session, socket, first message), ms');
    for (const s of sys) {
      const v = results.systems[s].visitors;
      if (v) lines.push(`  ${padl(s, 12)} ${v.rate}/s for ${v.durationMs / 1000} s: ${v.completed}/${v.planned} done, ${v.errors} errors, p50 ${n1(v.total.p50)} p99 ${n1(v.total.p99)} max ${n1(v.total.max)}`);
    }
  }
  for (const s of sys) if (results.systems[s].error) lines.push(`\n${s}: FAILED: ${results.systems[s].error}`);
  for (const [name, why] of Object.entries(results.skipped ?? {})) lines.push(`\n${name}: skipped: ${why}`);
  const g = goalsOverRuns(results);
  if (g.length) {
    const runs = g[0].each.length;
    lines.push('');
    lines.push(runs > 1 ? `Goals (parley), judged on the median of ${runs} runs` : 'Goals (parley)');
    for (const x of g) {
      lines.push(`  [${mark(x.pass)}] ${x.group === 'earlier' ? '' : `${x.group}. `}${x.goal}: ${runs > 1 ? 'median ' : ''}${x.value}`);
      if (runs > 1) x.each.forEach((e, i) => lines.push(`        run ${i + 1}: ${e ? `${e.value} (${mark(e.pass)})` : 'not measured (FAIL)'}`));
    }
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ SVG

const COLORS = { floor: '#555555', parley: '#d9480f', 'parley-redis': '#1c7ed6' };

/** Latency (p50 and p99, log scale) against offered rate, one line pair per system. */
export function latencySvg(results) {
  const W = 720;
  const H = 420;
  const m = { l: 64, r: 170, t: 36, b: 52 };
  const series = [];
  for (const s of systemsOf(results)) {
    const sysr = results.systems[s];
    const runs = [...(sysr.fixed ?? []), ...(sysr.search?.steps ?? [])].filter((r) => r.latencyMs?.p50 != null && !r.saturated);
    const byRate = new Map();
    for (const r of runs) byRate.set(r.rate, r); // the last run at a rate wins
    const pts = [...byRate.values()].sort((a, b) => a.rate - b.rate);
    if (pts.length === 0) continue;
    series.push({ name: `${s} p50`, color: COLORS[s] ?? '#000', dash: '', pts: pts.map((r) => [r.rate, r.latencyMs.p50]) });
    series.push({ name: `${s} p99`, color: COLORS[s] ?? '#000', dash: '6 4', pts: pts.map((r) => [r.rate, r.latencyMs.p99]) });
  }
  const all = series.flatMap((s) => s.pts);
  const maxX = Math.max(100, ...all.map((p) => p[0])) * 1.05;
  const minY = 0.1;
  const maxY = Math.max(100, ...all.map((p) => p[1])) * 1.2;
  const lx = (x) => m.l + (x / maxX) * (W - m.l - m.r);
  const ly = (y) => H - m.b - ((Math.log10(Math.max(y, minY)) - Math.log10(minY)) / (Math.log10(maxY) - Math.log10(minY))) * (H - m.t - m.b);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${m.l}" y="20" font-size="14" font-weight="bold">Send-to-receive latency against offered rate (${results.meta.mode} run)</text>`);
  // grid and axes
  for (let e = Math.ceil(Math.log10(minY)); e <= Math.floor(Math.log10(maxY)); e++) {
    for (const k of [1, 2, 5]) {
      const v = k * 10 ** e;
      if (v < minY || v > maxY) continue;
      const y = ly(v).toFixed(1);
      out.push(`<line x1="${m.l}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="#e6e6e6"/>`);
      out.push(`<text x="${m.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${v >= 1 ? v : v.toFixed(1)}</text>`);
    }
  }
  const stepX = maxX > 4000 ? 1000 : maxX > 1500 ? 500 : maxX > 600 ? 200 : 100;
  for (let x = 0; x <= maxX; x += stepX) {
    const px = lx(x).toFixed(1);
    out.push(`<line x1="${px}" y1="${m.t}" x2="${px}" y2="${H - m.b}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${px}" y="${H - m.b + 16}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/>`);
  out.push(`<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`);
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">offered rate (messages per second)</text>`);
  out.push(`<text x="16" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(m.t + H - m.b) / 2})">latency (ms, log scale)</text>`);
  // the 50 ms line of the sustained-rate goal
  const y50 = ly(50).toFixed(1);
  out.push(`<line x1="${m.l}" y1="${y50}" x2="${W - m.r}" y2="${y50}" stroke="#c92a2a" stroke-dasharray="2 3"/>`);
  out.push(`<text x="${W - m.r - 4}" y="${Number(y50) - 4}" text-anchor="end" fill="#c92a2a">50 ms</text>`);
  series.forEach((s, i) => {
    const d = s.pts.map((p, k) => `${k ? 'L' : 'M'}${lx(p[0]).toFixed(1)},${ly(p[1]).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const p of s.pts) out.push(`<circle cx="${lx(p[0]).toFixed(1)}" cy="${ly(p[1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly0 = m.t + 10 + i * 20;
    out.push(`<line x1="${W - m.r + 14}" y1="${ly0}" x2="${W - m.r + 44}" y2="${ly0}" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(`<text x="${W - m.r + 50}" y="${ly0}" dominant-baseline="middle">${s.name}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

// ------------------------------------------------------------------ Markdown

/** @param {any} results @param {{ svgPath?: string | null, previous?: any }} [options] */
export function markdown(results, { svgPath = undefined, previous = undefined } = {}) {
  const md = [];
  const meta = results.meta;
  const mc = results.machine;
  const systems = systemsOf(results);
  md.push('# Benchmarks');
  md.push('');
  if (meta.mode !== 'full') {
    md.push(
      `> **This is a ${meta.mode.toUpperCase()} run** (short steps, ${meta.chats} chats): indicative only. ` +
        'The figures of record come from a full run: `npm run bench`.',
    );
    md.push('');
  }
  md.push(
    `Generated by \`npm run bench${benchOptions(meta)}\` (tools/bench) on ${meta.startedAt}` +
      (results.runs?.length > 1 ? `, ${results.runs.length} runs one after the other (the last started ${results.runs.at(-1).startedAt.replace(/\.\d+Z$/, 'Z')})` : '') +
      (meta.commit ? ` at commit \`${meta.commit}\`` : '') +
      `. Raw results: \`${meta.resultsFile}\` (not committed). Every system was measured in the same run, one after the other (started, set up, measured in every scenario, stopped), so the ratios hold on a noisy machine and no system runs while another is measured.`,
  );
  md.push('');
  md.push('## Machine');
  md.push('');
  md.push('| | |');
  md.push('| --- | --- |');
  md.push(`| CPU | ${mc.cpuModel}, ${mc.cores} cores |`);
  md.push(`| memory | ${mc.memoryGiB} GiB |`);
  md.push(`| kernel | ${mc.kernel} |`);
  md.push(`| Node.js | ${mc.node} |`);
  md.push(`| PostgreSQL | ${results.postgres?.version ?? '?'} (${Object.entries(results.postgres?.settings ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}) |`);
  md.push(`| open files per process | ${mc.nofile ? `${mc.nofile.soft} (hard ${mc.nofile.hard})` : '?'} |`);
  if (results.diskProbe) {
    const where = { true: 'on the disk that holds PostgreSQL\'s data and WAL', false: 'NOT on PostgreSQL\'s disk (its figures say little)', null: 'on a disk not compared with PostgreSQL\'s' }[String(results.diskProbe.onPostgresDisk)];
    md.push(`| disk-flush probe | 512 bytes and \`fdatasync\` every 50 ms, ${where} |`);
  }
  if (mc.loadAverageAtStart) md.push(`| load average when the run started | ${mc.loadAverageAtStart.join(', ')} |`);
  md.push(`| layout | server, PostgreSQL and load generator on the same machine, loopback only |`);
  md.push('');
  md.push('## What is measured');
  md.push('');
  md.push(
    `- **Systems**: ${systems.map((s) => `\`${s}\``).join(', ')}. ` +
      '`floor` is `tools/bench/floor-server.mjs`: `pg` + `ws` only, one transaction per message (`UPDATE chats SET last_seq = last_seq + 1 … RETURNING`, `INSERT` the message, `COMMIT`), then one JSON frame to each subscribed socket; pool of 20, `synchronous_commit=on`, the same indexes as Parley. ' +
      '`parley` is `node dist/apps/api/main.js` with `NODE_ENV=production`, `RATE_LIMIT_SCALE=0`, `LOG_LEVEL=warn` (no line per request, as the floor writes none; `BENCH_PARLEY_LOG_LEVEL=info` puts them back), driven only through its public API (`sendMessage` over HTTP POST with keep-alive, `messageAdded` over graphql-ws). Each system has its own fresh database, dropped at the end.' +
      (systems.includes('parley-redis')
        ? ' `parley-redis` is two such instances on one database sharing Redis (`REDIS_URL`, a channel prefix of its own): every send goes to the first over HTTP, every subscriber is on the second, so each message crosses Redis; its CPU figure counts both instances and the Redis server. It runs the fixed-rate and sustained-rate scenarios (paging and idle sockets are one instance\'s work).'
        : '') +
      (results.skipped?.['parley-redis'] ? ` \`parley-redis\` was not measured in this run: ${results.skipped['parley-redis']}.` : ''),
  );
  md.push(
    `- **Load**: ${meta.customers} customers with ${meta.chatsPerCustomer} chats each (${meta.chats} chats), ${meta.agents} agents; each chat has its customer and its agent subscribed (one socket per person, one subscription per chat). Sends alternate between customer and agent. ` +
      'The generator is open-loop: message *i* is scheduled at start + *i*/rate and sent then whatever the server does; latency runs from the **scheduled** send time until **every** subscriber of the chat has the message, in an HDR histogram. ' +
      'Every arrival is checked: lost (a subscriber never got it before the drain ended), duplicated, out of order (seq not rising per subscriber and chat); all must be zero. A warm-up message per chat proves every subscription live before measuring. Before every measured step PostgreSQL is settled: `CHECKPOINT`, then up to 10 s for autovacuum workers to finish, so no step pays for the writes of the one before it (often another system\'s).',
  );
  md.push(
    '- **CPU per message**: utime+stime from `/proc/<pid>/stat` of the server process plus the PostgreSQL backends connected to that system\'s database (found in `pg_stat_activity`), over the window from the first send to the last delivery, divided by the messages delivered to all their subscribers. PostgreSQL\'s background processes (WAL writer, checkpointer, …) are not in that figure; their share is in the JSON (`allPostgresUsPerMsg` counts every PostgreSQL process). The generator\'s own CPU is `generatorUsPerMsg`. At low rates the figure carries each process\'s idle work (timers, keep-alives, 10 ms clock ticks), so compare the highest rates. `dbPerMessage` in the JSON gives approximate committed transactions and rows per message from `pg_stat_database`.',
  );
  md.push(
    '- **Idle subscribers**: the server is restarted, its RSS read, then N sockets connect from child processes bound to 127.0.0.10, .11, … (no ephemeral-port exhaustion), each doing `connection_init` and one `messageAdded` subscription (`socketio`: `tools/bench/socketio-server.mjs`, the `socket.io` package as its documentation recommends, a token in `auth`, one room per chat, an acknowledged `subscribe` event); RSS is read again after they settle. Memory per connection = RSS growth / N.',
  );
  md.push(
    '- **Paging**: one chat filled with SQL to the given number of messages (Parley\'s chat is started and accepted through the API; the bulk insert writes its tables directly, then `VACUUM (ANALYZE)` as autovacuum would have done while the chat grew, then the same settle as before a load step), then the first, middle and last 50 messages fetched in turn, one request at a time, by a client process of its own (`paging-client.mjs`: the benchmark process\'s collector, busy with the load steps\' garbage, was seen pausing it mid-request), first unmeasured for a few seconds (how long and how fast is given under the paging table: in the first seconds of paging every system\'s p99 was two to four times its later figure, the client\'s own code being compiled among the causes), then measured (Parley: `chat(id){ messages(first/after or last) }`, the middle page reached through its cursor by paging forward like a client).',
  );
  md.push('');

  const g = goalsOverRuns(results);
  if (g.length) {
    const runs = g[0].each.length;
    md.push('## Goals (Parley)');
    md.push('');
    md.push('This round\'s goals by number (issue 29), then earlier rounds\' goals still watched.');
    md.push('');
    // A group without a goal in this run still has its row: goals 2-4 come with their own scenarios.
    const rows = GOAL_GROUPS.flatMap((grp) => {
      const mine = g.filter((x) => x.group === grp.id);
      return mine.length ? mine.map((x, i) => ({ x, label: i === 0 ? `${grp.id === 'earlier' ? '' : `${grp.id}. `}${grp.title}` : '' })) : grp.id === 'earlier' ? [] : [{ x: null, label: `${grp.id}. ${grp.title}` }];
    });
    if (runs > 1) {
      md.push(`Each goal is judged on the median of the ${runs} runs' figures; every run's figure is shown, and the tables after this one are the last run's.`);
      md.push('');
      md.push(`| | goal | ${g[0].each.map((_, i) => `run ${i + 1}`).join(' | ')} | median | |`);
      md.push(`| --- | --- | ${g[0].each.map(() => '---').join(' | ')} | --- | --- |`);
      for (const { x, label } of rows)
        md.push(x ? `| ${label} | ${x.goal} | ${x.each.map((e) => (e ? `${e.value} (${mark(e.pass)})` : 'not measured (FAIL)')).join(' | ')} | ${x.value} | ${mark(x.pass)} |` : `| ${label} | not in this run | ${g[0].each.map(() => '').join(' | ')} | | – |`);
    } else {
      md.push('| | goal | measured | |');
      md.push('| --- | --- | --- | --- |');
      for (const { x, label } of rows) md.push(x ? `| ${label} | ${x.goal} | ${x.value} | ${mark(x.pass)} |` : `| ${label} | not in this run | | – |`);
    }
    md.push('');
  }

  // fixed rates
  const { rates, rows } = fixedRows(results);
  if (rows.length) {
    md.push('## Send-to-receive latency at fixed rates');
    md.push('');
    md.push(`Each rate runs ${(rows[0].durationMs / 1000).toFixed(0)} s. Latency in ms. CPU in µs per delivered message (server + its database backends).`);
    md.push('');
    md.push('| rate (msg/s) | system | sent | p50 | p90 | p99 | max | lost | dup | out of order | send errors | send ack p99 | server CPU | db CPU | total CPU |');
    md.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      md.push(
        `| ${r.rate} | ${r.system}${r.saturated ? ' (saturated)' : ''} | ${r.sent} | ${n1(r.latencyMs.p50)} | ${n1(r.latencyMs.p90)} | ${n1(r.latencyMs.p99)} | ${n1(r.latencyMs.max)} | ${r.lostMessages} | ${r.duplicates} | ${r.outOfOrder} | ${r.sendErrors} | ${n1(r.sendAckMs.p99)} | ${r.cpu.serverUsPerMsg ?? '–'} | ${r.cpu.dbBackendsUsPerMsg ?? '–'} | ${r.cpu.totalUsPerMsg ?? '–'} |`,
      );
    }
    md.push('');
    if (systems.includes('floor') && systems.length > 1) {
      md.push('Ratios to the floor at the same rate (lower is better):');
      md.push('');
      md.push('| rate | system | p50 | p99 | max | CPU per message |');
      md.push('| ---: | --- | ---: | ---: | ---: | ---: |');
      for (const rate of rates) {
        const f = rows.find((r) => r.system === 'floor' && r.rate === rate);
        for (const r of rows.filter((x) => x.system !== 'floor' && x.rate === rate)) {
          md.push(
            `| ${rate} | ${r.system}/floor | ${rx(ratio(r.latencyMs.p50, f?.latencyMs.p50))} | ${rx(ratio(r.latencyMs.p99, f?.latencyMs.p99))} | ${rx(ratio(r.latencyMs.max, f?.latencyMs.max))} | ${rx(ratio(r.cpu.totalUsPerMsg, f?.cpu.totalUsPerMsg))} |`,
          );
        }
      }
      md.push('');
    }
  }

  // search
  if (systems.some((s) => results.systems[s].search)) {
    md.push('## Highest sustained rate (p99 <= 50 ms, zero loss)');
    md.push('');
    const any = systems.map((s) => results.systems[s].search).find(Boolean);
    md.push(`A step search: rates climb until a step fails (a step that failed on its p99 alone runs once more before it counts${any.diskStallMs ? `, and a third time if its second run overlapped a disk flush of ${any.diskStallMs} ms or more` : ''}), then bisect between the last pass and the first failure; each step runs ${(any.stepMs / 1000).toFixed(0)} s.`);
    md.push('');
    md.push('| system | highest passing rate (msg/s) | first failing rate | ratio to floor |');
    md.push('| --- | ---: | ---: | ---: |');
    const fl = results.systems.floor?.search?.maxSustainedRate;
    for (const s of systems) {
      const x = results.systems[s].search;
      if (x) md.push(`| ${s} | ${x.maxSustainedRate} | ${x.firstFailingRate ?? '–'} | ${s === 'floor' ? '1.00x' : rx(ratio(x.maxSustainedRate, fl))} |`);
    }
    md.push('');
    md.push('<details><summary>Every step</summary>');
    md.push('');
    md.push(`| system | rate | p50 | p99 | max | lost | errors | saturated | other load (cores) | ${NOISE_HEADER} | pass |`);
    md.push(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ${NOISE_ALIGN} | --- |`);
    for (const s of systems)
      for (const r of results.systems[s].search?.steps ?? [])
        md.push(
          `| ${s} | ${r.rate} | ${n1(r.latencyMs.p50)} | ${n1(r.latencyMs.p99)} | ${n1(r.latencyMs.max)} | ${r.lostMessages} | ${r.sendErrors} | ${r.saturated ? 'yes' : 'no'} | ${r.cpu?.otherLoadCores ?? '–'} | ${noiseCells(r)} | ${r.pass ? 'yes' : r.retried ? 'no (run again)' : 'no'} |`,
        );
    md.push('');
    md.push(`A step that failed on its p99 alone (no loss, duplicate, disorder or send error, not saturated, p50 within the limit) is run once more before it counts${any.diskStallMs ? `, and a third time if that run overlapped a disk flush of ${any.diskStallMs} ms or more (the disk stopped every commit)` : ''} (at most ${any.maxReruns} reruns a search): a rate passes when any of its runs passes, for every system alike.`);
    md.push('');
    md.push('</details>');
    md.push('');
  }

  if (svgPath) {
    md.push('## Latency against rate');
    md.push('');
    md.push(`![latency against rate](${svgPath})`);
    md.push('');
  }

  // CPU summary
  if (rows.length) {
    md.push('## Server CPU per delivered message');
    md.push('');
    md.push('µs of CPU per message delivered to both subscribers of its chat. "server" is the server process; "db" the PostgreSQL backends of its database; "all PostgreSQL" adds the background processes; "generator" is the benchmark process itself.');
    md.push('');
    md.push(`| rate | system | server | db backends | server + db | all PostgreSQL | generator | server cores busy | other load on the machine (cores) | ${NOISE_HEADER} |`);
    md.push(`| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ${NOISE_ALIGN} |`);
    for (const r of rows)
      md.push(
        `| ${r.rate} | ${r.system} | ${r.cpu.serverUsPerMsg ?? '–'} | ${r.cpu.dbBackendsUsPerMsg ?? '–'} | ${r.cpu.totalUsPerMsg ?? '–'} | ${r.cpu.allPostgresUsPerMsg ?? '–'} | ${r.cpu.generatorUsPerMsg ?? '–'} | ${r.cpu.serverCoreShare} | ${r.cpu.otherLoadCores ?? '–'} | ${noiseCells(r)} |`,
      );
    md.push('');
    md.push('"Other load" is the machine\'s busy CPU time (/proc/stat) minus the server, every PostgreSQL process and the generator: work that was not ours (anything above ~0.1 cores means the figures are noisy; 2 cores in all).');
    md.push('"Stolen by the host" is the steal time of /proc/stat: time the hypervisor gave this machine\'s cores to someone else while it had work to run. Every process here waits meanwhile, so a step with a tenth of a core stolen or more ran on less machine than the table says.');
    md.push('"Generator GC" is the benchmark process\'s own garbage-collection pauses over the step, in all and the longest: while it collects it neither sends nor timestamps arrivals, so a long pause lengthens the tail of whichever system is measured.');
    md.push('"Pages read back" is what the whole machine read from disk again during the step, from `/proc/vmstat`: file pages faulted back in after the kernel had dropped them (`workingset_refault_file`) / major page faults (`pgmajfault`). Whoever needs such a page waits for the disk; a step with hundreds of them was disturbed from outside.');
    if (results.diskProbe) md.push(`"Slowest disk flush" is the slowest \`fdatasync\` of the disk-flush probe (machine table) while the step ran, 0 when none took ${DISK_REPORT_MS} ms. With synchronous commit every commit waits for that disk: a flush of ${DISK_STALL_MS} ms or more stops every system's commits for as long.`);
    md.push('');
  }

  // idle
  if (systems.some((s) => results.systems[s].idle)) {
    md.push('## Idle subscribers per process');
    md.push('');
    md.push('| system | subscribers | ready | errors | closed by server | RSS before (MiB) | RSS after (MiB) | KiB per connection | connect time (s) |');
    md.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const s of systems)
      for (const r of results.systems[s].idle ?? []) {
        if (r.skipped || r.failed) md.push(`| ${s} | ${r.count} | ${r.skipped ? 'skipped' : 'failed'}: ${r.reason} | | | | | | |`);
        else
          md.push(
            `| ${s} | ${r.count}${r.note ? ` (${r.note})` : ''} | ${r.ready} | ${r.errors} | ${r.closedByServer} | ${r.rssBeforeMiB} | ${r.rssAfterMiB} | ${kib(r.bytesPerConnection)} | ${r.connectSeconds} |`,
          );
      }
    md.push('');
    const fIdle = results.systems.floor?.idle ?? [];
    const pIdle = results.systems.parley?.idle ?? [];
    const pairs = pIdle
      .filter((r) => r.bytesPerConnection != null)
      .map((r) => [r, fIdle.find((f) => f.count === r.count && f.bytesPerConnection != null)])
      .filter(([, f]) => f);
    if (pairs.length) {
      md.push('Memory per connection, parley/floor: ' + pairs.map(([p, f]) => `${p.count}: ${rx(ratio(p.bytesPerConnection, f.bytesPerConnection))}`).join(', ') + '.');
      md.push('');
    }
    const sIdle = results.systems.socketio?.idle ?? [];
    const peers = pIdle.map((r) => [r, sIdle.find((x) => x.count === r.count && x.bytesPerConnection != null)]).filter(([r, x]) => x && r.bytesPerConnection != null);
    if (peers.length) {
      md.push('Memory per connection, parley/socketio: ' + peers.map(([p, x]) => `${p.count}: ${rx(ratio(p.bytesPerConnection, x.bytesPerConnection))}`).join(', ') + '.');
      md.push('');
    }
    if (systems.some((s) => (results.systems[s].idle ?? []).some((r) => r.rssEarlyMiB != null && r.settleSeconds))) {
      md.push('"RSS after" is read once the server has had the given seconds without traffic; the RSS 3 s after the last socket connected is in the JSON (`rssEarlyMiB`).');
      md.push('');
    }
  }

  // new visitors
  if (systems.some((s) => results.systems[s].visitors)) {
    md.push('## New visitors');
    md.push('');
    md.push('Each visitor in turn: `startVisitorSession` (HTTP), open the socket (`connection_init` to `connection_ack`), `startChat` with the first message (HTTP), subscribe to `messageAdded(afterSeq: 0)` until that message arrives; timed from when the visitor was due (open loop), ms. The sockets stay open to the end.');
    md.push('');
    md.push('| system | rate (/s) | seconds | done | errors | p50 | p99 | max | p99 session | p99 socket | p99 startChat | p99 first message | server CPU µs/visitor | db CPU µs/visitor |');
    md.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const s of systems) {
      const v = results.systems[s].visitors;
      if (v)
        md.push(
          `| ${s} | ${v.rate} | ${v.durationMs / 1000} | ${v.completed}/${v.planned} | ${v.errors}${v.firstError ? ` (${v.firstError})` : ''} | ${n1(v.total.p50)} | ${n1(v.total.p99)} | ${n1(v.total.max)} | ${n1(v.steps.session.p99)} | ${n1(v.steps.socket.p99)} | ${n1(v.steps.startChat.p99)} | ${n1(v.steps.firstMessage.p99)} | ${v.serverUsPerVisitor ?? '–'} | ${v.dbUsPerVisitor ?? '–'} |`,
        );
    }
    md.push('');
  }

  // paging
  if (systems.some((s) => results.systems[s].paging)) {
    md.push('## Paging a big chat');
    md.push('');
    md.push('50 messages a page, one request at a time, ms.');
    md.push('');
    md.push('| system | messages in chat | page | requests | p50 | p99 | max | ratio to floor (p50) | server CPU µs/page | db CPU µs/page | pages read back (all three pages) |');
    md.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const s of systems) {
      const p = results.systems[s].paging;
      if (!p) continue;
      if (p.error) {
        md.push(`| ${s} | | failed: ${p.error} | | | | | | | | |`);
        continue;
      }
      for (const w of ['first', 'middle', 'last']) {
        const fp = results.systems.floor?.paging?.[w];
        md.push(`| ${s} | ${p.n} | ${w} | ${p[w].count} | ${n1(p[w].p50)} | ${n1(p[w].p99)} | ${n1(p[w].max)} | ${s === 'floor' ? '1.00x' : rx(ratio(p[w].p50, fp?.p50))} | ${p.serverUsPerPage ?? '-'} | ${p.dbUsPerPage ?? '-'} | ${pageInsCell(p)} |`);
      }
    }
    md.push('');
    const warmups = systems.filter((s) => results.systems[s].paging?.warmup);
    if (warmups.length) {
      md.push(
        `Before the measured requests, unmeasured paging (the three pages in turn, as measured): ${warmups
          .map((s) => {
            const w = results.systems[s].paging.warmup;
            return `${s} ${w.requests} requests in ${w.seconds} s, p50 ${n1(w.p50)} ms, p99 ${n1(w.p99)} ms, max ${n1(w.max)} ms`;
          })
          .join('; ')}.`,
      );
      md.push('');
    }
  }

  const errs = systems.filter((s) => results.systems[s].error || results.systems[s].errors?.length);
  if (errs.length || Object.keys(results.skipped ?? {}).length) {
    md.push('## Not measured');
    md.push('');
    for (const s of errs) {
      if (results.systems[s].error) md.push(`- ${s}: ${results.systems[s].error}`);
      for (const e of results.systems[s].errors ?? []) md.push(`- ${s}, ${e.scenario}: ${e.message}`);
    }
    for (const [name, why] of Object.entries(results.skipped ?? {})) md.push(`- ${name}: ${why}`);
    md.push('');
  }

  // the findings section is written by people and kept across runs
  md.push('## Findings');
  md.push('');
  md.push(FINDINGS_START);
  const kept = previous ? extractFindings(previous) : null;
  md.push(kept ?? '_Profiles and what they showed go here; this section is kept when the report is regenerated._');
  md.push(FINDINGS_END);
  md.push('');
  return md.join('\n');
}

function extractFindings(text) {
  const a = text.indexOf(FINDINGS_START);
  const b = text.indexOf(FINDINGS_END);
  if (a < 0 || b < a) return null;
  return text.slice(a + FINDINGS_START.length, b).trim();
}

export function writeReport(results, mdPath, svgFile, svgRel) {
  const previous = fs.existsSync(mdPath) ? fs.readFileSync(mdPath, 'utf8') : null;
  if (svgFile) fs.writeFileSync(svgFile, latencySvg(results));
  fs.writeFileSync(mdPath, markdown(results, { svgPath: svgFile ? svgRel : null, previous }));
}
