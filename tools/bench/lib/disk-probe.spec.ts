// The disk-flush probe the benchmark runs beside every load step (slowest disk flush in the report).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Probe = {
  file: string;
  slowest: (fromEpochMs: number, toEpochMs: number) => { slowestMs: number; over50ms: number };
  stop: () => Promise<void>;
};
type ProbeModule = { startDiskProbe: (dir: string, opts?: { reportMs?: number }) => Probe };

const load = (): Promise<ProbeModule> => import(path.join(__dirname, 'disk-probe.mjs'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('disk-flush probe', () => {
  it('times real flushes of its file, gives the slowest of a window, and removes its file when stopped', async () => {
    const { startDiskProbe } = await load();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-disk-probe-'));
    const before = Date.now();
    await sleep(20);
    const from = Date.now();
    // every flush reported, however fast, so that the window is sure to hold some
    const probe = startDiskProbe(dir, { reportMs: 0 });
    try {
      // The probe is a child process: on a busy machine it takes a while to start and flush.
      const deadline = Date.now() + 15_000;
      while ((!fs.existsSync(probe.file) || probe.slowest(from, Date.now()).slowestMs === 0) && Date.now() < deadline) await sleep(100);
      expect(fs.existsSync(probe.file)).toBe(true);
      const during = probe.slowest(from, Date.now());
      expect(during.slowestMs).toBeGreaterThan(0);
      expect(during.over50ms).toBeGreaterThanOrEqual(0);
      // a window that ended before the probe started holds none of its flushes
      expect(probe.slowest(before - 1000, before)).toEqual({ slowestMs: 0, over50ms: 0 });
    } finally {
      await probe.stop();
    }
    expect(fs.existsSync(probe.file)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
