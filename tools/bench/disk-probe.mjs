#!/usr/bin/env node
// The disk-flush probe (started by the benchmark, see lib/disk-probe.mjs): every 50 ms it writes 512 bytes
// to one file and waits for `fdatasync`, as a committing PostgreSQL backend waits for its WAL. A flush that
// took 10 ms or more is printed as "<epoch ms when it ended> <ms it took>". In a process of its own, so
// neither its waits nor the generator's collector disturb the other.
//
// argv[2]: the file to write (created, and removed when the probe is stopped)
// argv[3]: report flushes that took at least this many ms (default 10; the harness's test uses 0)
import fs from 'node:fs';

const file = process.argv[2];
const fd = fs.openSync(file, 'w', 0o600);
const block = Buffer.alloc(512, 0x70);
const REPORT_MS = Number(process.argv[3] ?? 10);
const EVERY_MS = 50;

let stopping = false;
const stop = () => {
  stopping = true;
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

function flushOnce() {
  if (stopping) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    return;
  }
  const t0 = performance.now();
  fs.writeSync(fd, block, 0, block.length, 0);
  fs.fdatasyncSync(fd);
  const ms = performance.now() - t0;
  if (ms >= REPORT_MS) process.stdout.write(`${Date.now()} ${ms.toFixed(3)}\n`);
  setTimeout(flushOnce, EVERY_MS);
}
flushOnce();
