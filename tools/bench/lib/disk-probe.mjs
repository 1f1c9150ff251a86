// Slow disk flushes during a measurement. With synchronous commit every system waits for the disk that holds
// PostgreSQL's WAL; on these machines that disk now and then takes 100-300 ms to flush, and each such moment
// stops every commit for as long (eighth round in docs/benchmarks.md). The probe (../disk-probe.mjs) runs for
// the whole benchmark and each load step reports the slowest flush it saw while the step ran.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { harness } from './harness.mjs';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'disk-probe.mjs');

/** A flush at least this slow during a failing step lets the sustained-rate search run that step again. */
export const DISK_STALL_MS = 100;
/** Flushes this slow or slower are reported by the probe; faster ones count as none. */
export const DISK_REPORT_MS = 10;
/** Flushes this slow or slower are counted apart in each step (the JSON's `over50ms`). */
export const DISK_SLOW_MS = 50;

/**
 * Starts the probe writing in `dir` (put it on PostgreSQL's disk). `slowest(fromEpochMs, toEpochMs)` gives
 * the flushes that overlapped that window: the slowest (ms, 0 if none took `reportMs`) and how many took
 * DISK_SLOW_MS or more. `stop()` ends it and removes its file.
 */
export function startDiskProbe(dir, { reportMs = DISK_REPORT_MS } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `.disk-probe-${process.pid}`);
  /** [endEpochMs, ms] of every flush that took `reportMs` or more */
  const slow = [];
  // a child like the servers: killed with them if the benchmark exits without stopping it
  const handle = harness.spawnProcess('disk-probe', process.execPath, [script, file, String(reportMs)], {
    onLine: (line) => {
      const [end, ms] = line.split(' ').map(Number);
      if (Number.isFinite(end) && Number.isFinite(ms)) slow.push([end, ms]);
    },
  });
  return {
    file,
    /** whether the probe writes to the disk that holds `dataDirectory` (null when that cannot be read) */
    sameDeviceAs(dataDirectory) {
      try {
        return fs.statSync(dir).dev === fs.statSync(dataDirectory).dev;
      } catch {
        return null;
      }
    },
    slowest(fromEpochMs, toEpochMs) {
      const overlapping = slow.filter(([end, ms]) => end > fromEpochMs && end - ms < toEpochMs).map(([, ms]) => ms);
      return { slowestMs: overlapping.length ? Math.max(...overlapping) : 0, over50ms: overlapping.filter((ms) => ms >= DISK_SLOW_MS).length };
    },
    stop: () => harness.stopProcess(handle, 5000),
  };
}
