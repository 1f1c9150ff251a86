// Smoke test of the benchmark harness itself (not a benchmark): a few seconds
// against the floor only, at a tiny rate with a few chats. It checks that the
// generator, the delivery checker, the paging scenario and the report work,
// and that nothing is lost. It needs PostgreSQL on 127.0.0.1:5432 (or
// BENCH_PG_ADMIN_URL); the parley-redis case also needs Redis and the API
// bundle (npm test builds it).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function runBench(args: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'run.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bench harness (smoke)', () => {
  it('refuses a scenario it does not know, before starting anything', async () => {
    const { code, stderr } = await runBench(['--smoke', '--scenarios', 'fixed,sustained', '--no-report'], 10_000);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown scenario sustained: the scenarios are fixed, search, paging, idle');
  }, 15_000);

  it('measures the floor with zero loss and real latencies', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-smoke-'));
    const report = path.join(out, 'benchmarks.md');
    try {
      const { code, stdout, stderr } = await runBench(
        ['--smoke', '--systems', 'floor', '--out', out, '--report', report, '--json'],
        25_000,
      );
      if (code !== 0) throw new Error(`bench exited ${code}\n${stderr.slice(-3000)}`);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULTS_JSON '));
      expect(line).toBeDefined();
      const results = JSON.parse(fs.readFileSync(line!.slice('RESULTS_JSON '.length), 'utf8'));
      const floor = results.systems.floor;
      expect(floor.error).toBeUndefined();
      expect(floor.fixed).toHaveLength(1);
      const run = floor.fixed[0];
      expect(run.sent).toBeGreaterThan(0);
      expect(run.delivered).toBe(run.sent);
      expect(run.lostMessages).toBe(0);
      expect(run.duplicates).toBe(0);
      expect(run.outOfOrder).toBe(0);
      expect(run.sendErrors).toBe(0);
      expect(run.latencyMs.p50).toBeGreaterThan(0);
      expect(run.latencyMs.p99).toBeGreaterThanOrEqual(run.latencyMs.p50);
      expect(run.latencyMs.max).toBeGreaterThanOrEqual(run.latencyMs.p99);
      // the noise gauges: the generator's own collector and the pages the machine read back from disk
      expect(run.generatorGc).toEqual({ collections: expect.any(Number), major: expect.any(Number), pauseMs: expect.any(Number), longestMs: expect.any(Number) });
      expect(run.machinePageIns).toEqual({ majorFaults: expect.any(Number), refaultedFilePages: expect.any(Number) });
      expect(floor.paging.machinePageIns).toEqual({ majorFaults: expect.any(Number), refaultedFilePages: expect.any(Number) });
      // and the slowest flush the disk probe saw while the step ran, on PostgreSQL's disk when that can be told
      expect(run.diskFlush).toEqual({ slowestMs: expect.any(Number), over50ms: expect.any(Number) });
      expect([true, false, null]).toContain(results.diskProbe.onPostgresDisk);
      for (const page of ['first', 'middle', 'last']) {
        expect(floor.paging[page].p50).toBeGreaterThan(0);
        expect(floor.paging[page].pageSize).toBe(50);
      }
      // the server's own CPU for the pages it served
      expect(floor.paging.serverUsPerPage).toBeGreaterThan(0);
      // unmeasured paging first, for the smoke preset's 0.2 s and at least 20 rounds of the three pages, reported apart
      expect(floor.paging.warmup.seconds).toBeGreaterThanOrEqual(0.2);
      expect(floor.paging.warmup.requests).toBeGreaterThanOrEqual(60);
      expect(floor.paging.warmup.p99).toBeGreaterThan(0);
      // the printed table and the Markdown report carry the figures
      expect(stdout).toMatch(/floor\s+40\s+80/);
      const md = fs.readFileSync(report, 'utf8');
      expect(md).toContain('SMOKE run');
      expect(md).toContain('## Send-to-receive latency at fixed rates');
      expect(md).toMatch(/Before the measured requests, unmeasured paging .*: floor \d+ requests in [\d.]+ s, p50 /);
      expect(fs.readFileSync(path.join(out, 'benchmarks', 'latency-vs-rate.svg'), 'utf8')).toContain('<svg');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 30_000);

  it('reports the losses and duplicates of a floor that drops and repeats pushes', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-smoke-'));
    try {
      const { code, stdout, stderr } = await runBench(
        ['--smoke', '--systems', 'floor', '--scenarios', 'fixed', '--out', out, '--no-report', '--json'],
        25_000,
        { FLOOR_FAULTS: 'drop=10,dup=9' },
      );
      if (code !== 0) throw new Error(`bench exited ${code}\n${stderr.slice(-3000)}`);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULTS_JSON '));
      const run = JSON.parse(fs.readFileSync(line!.slice('RESULTS_JSON '.length), 'utf8')).systems.floor.fixed[0];
      // 80 messages: every 10th loses one delivery, every 9th arrives twice at each subscriber
      expect(run.lostMessages).toBe(8);
      expect(run.lostDeliveries).toBe(8);
      expect(run.duplicates).toBe(2 * 8);
      expect(run.delivered).toBe(run.sent - 8);
      expect(run.ok).toBe(false);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 30_000);

  it('drives two Parley instances sharing Redis through the public API, every message crossing from one to the other', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-smoke-'));
    try {
      const { code, stdout, stderr } = await runBench(
        ['--smoke', '--systems', 'parley-redis', '--scenarios', 'fixed', '--out', out, '--no-report', '--no-build', '--json'],
        80_000,
      );
      if (code !== 0) throw new Error(`bench exited ${code}\n${stderr.slice(-3000)}`);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULTS_JSON '));
      const results = JSON.parse(fs.readFileSync(line!.slice('RESULTS_JSON '.length), 'utf8'));
      expect(results.skipped?.['parley-redis']).toBeUndefined();
      const system = results.systems['parley-redis'];
      expect(system.error).toBeUndefined();
      const run = system.fixed[0];
      expect(run.sent).toBeGreaterThan(0);
      expect(run.delivered).toBe(run.sent);
      expect(run.lostMessages + run.duplicates + run.outOfOrder + run.sendErrors).toBe(0);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 90_000);
});
