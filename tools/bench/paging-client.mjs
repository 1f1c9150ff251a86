#!/usr/bin/env node
// The paging scenario's client, in a process of its own (started by run.mjs).
//
// The benchmark process has just driven thousands of messages a second when
// paging starts; its heap holds that load's state and garbage, and its
// collector was seen running a full collection every quarter of a second
// while paging (its helper threads on both cores), which put 5-20 ms on the
// requests in flight. A fresh process times the requests instead, so a page's
// p99 is the server's, for every system alike. It sends the same requests as
// the system's own `page()` (the system's class, with its address), and reads
// the server's and its database backends' CPU around the measured requests.
//
// Before the measured requests it pages unmeasured for warmupMs (and at least warmupReps rounds): for the
// first seconds of paging, every system's p99 was two to four times what it is after, and a fresh client
// against an already warm server still showed part of it (the client's own code being compiled). A server
// that serves pages all day is past that; the warm-up's figures are reported apart.
//
// argv[2]: JSON { system, base, big, reps, warmupReps, warmupMs, serverPids, pgPids }
// stdout: JSON { micros: { first: [...], middle: [...], last: [...] }, pageSize: {...}, serverCpuUs, dbCpuUs,
//   warmup: { micros: [...], ms } }
import { FloorSystem, ParleySystem } from './lib/systems.mjs';
import { cpuDelta, cpuMicros, keepAliveAgent, now } from './lib/util.mjs';

const spec = JSON.parse(process.argv[2]);
const classes = { floor: FloorSystem, parley: ParleySystem };
const SystemClass = classes[spec.system];
if (!SystemClass) throw new Error(`paging client: no paging for system ${spec.system}`);
// The system's page() needs only its address and an HTTP agent.
const sys = Object.assign(Object.create(SystemClass.prototype), { base: spec.base, agent: keepAliveAgent(1) });

const which = ['first', 'middle', 'last'];
const micros = { first: [], middle: [], last: [] };
const pageSize = {};
const warmup = { micros: /** @type {number[]} */ ([]), ms: 0 };
const warmupStart = now();
for (let i = 0; i < spec.warmupReps || now() - warmupStart < (spec.warmupMs ?? 0); i++) {
  for (const w of which) {
    const t = now();
    await sys.page(spec.big, w);
    warmup.micros.push(Math.max(1, Math.round((now() - t) * 1000)));
  }
}
warmup.ms = now() - warmupStart;
const cpu0 = { server: spec.serverPids.map(cpuMicros), db: spec.pgPids.map(cpuMicros) };
for (let i = 0; i < spec.reps; i++) {
  for (const w of which) {
    const t = now();
    const page = await sys.page(spec.big, w);
    micros[w].push(Math.max(1, Math.round((now() - t) * 1000)));
    pageSize[w] ??= page.length;
  }
}
const out = {
  micros,
  pageSize,
  serverCpuUs: cpuDelta(cpu0.server, spec.serverPids.map(cpuMicros)),
  dbCpuUs: spec.pgPids.length ? cpuDelta(cpu0.db, spec.pgPids.map(cpuMicros)) : null,
  warmup,
};
process.stdout.write(JSON.stringify(out));
sys.agent.destroy();
