// Real processes on loopback, shared by the tests and the benchmark (which
// loads this through libs/api/testing/src/processes.ts, bundled by esbuild):
// spawning with the output kept, stopping, free ports, waiting for readiness.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** The repository root (found from here, so it holds in the sources and in a bundle under dist/). */
export const root = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

export const freePort = () =>
  new Promise<number>((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until `probe` is true, or fails after `timeoutMs` with `describe()` in the message. */
export async function until(probe: () => Promise<boolean> | boolean, timeoutMs = 15_000, describe: () => string = () => 'the condition never held'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(100);
  }
  throw new Error(`timed out: ${describe()}`);
}

export const tcpOpen = (port: number) =>
  new Promise<boolean>((resolveOpen) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveOpen(true);
    });
    socket.once('error', () => resolveOpen(false));
  });

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number | undefined;
  /** The last 200 whole lines of stdout and stderr. */
  lines: string[];
  output: () => string;
  /** Exit code, or the signal's name; undefined while running. */
  exitCode: number | string | undefined;
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Every byte of output is appended there too. */
  logFile?: string;
  /** Sees every whole line of output. */
  onLine?: (line: string) => void;
}

const running = new Set<Proc>();

/** Starts a child process with its output kept (a ring of lines; a load test logs a lot). */
export function spawnProcess(name: string, command: string, args: string[], options: SpawnOptions = {}): Proc {
  const child = spawn(command, args, { cwd: options.cwd ?? root, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : null;
  const lines: string[] = [];
  const keep = (line: string) => {
    if (!line) return;
    lines.push(line);
    if (lines.length > 200) lines.shift();
    options.onLine?.(line);
  };
  // A line can arrive split over two chunks: each stream keeps its unfinished last line until the rest comes.
  const reader = (stream: NodeJS.ReadableStream | null) => {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      log?.write(text);
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      parts.forEach(keep);
    });
    stream?.on('end', () => keep(partial));
  };
  reader(child.stdout);
  reader(child.stderr);
  const proc: Proc = {
    name,
    child,
    pid: child.pid,
    lines,
    output: () => lines.join('\n'),
    exitCode: undefined,
    exited: new Promise((resolveExit) =>
      child.on('exit', (code, signal) => {
        proc.exitCode = code ?? signal ?? undefined;
        running.delete(proc);
        log?.end();
        resolveExit(code);
      }),
    ),
  };
  running.add(proc);
  return proc;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
export async function stopProcess(proc: Proc | null | undefined, graceMs = 15_000): Promise<number | null | undefined> {
  if (!proc) return undefined;
  if (proc.exitCode !== undefined) return proc.child.exitCode;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return code;
}

/** SIGKILL: the crash an orchestrator or the kernel inflicts. */
export async function killProcess(proc: Proc): Promise<void> {
  if (proc.exitCode !== undefined) return;
  proc.child.kill('SIGKILL');
  await proc.exited;
}

/** Kills every process started here that still runs (on exit, also after a failure). */
export function killAllProcesses(): void {
  for (const proc of running) proc.child.kill('SIGKILL');
}

/** Polls `url` until it answers 200; fails early with the output if `proc` exits first. */
export async function waitReady(url: string, proc: Proc | undefined, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== undefined) throw new Error(`${proc.name} exited (${proc.exitCode}) before ready:\n${proc.lines.slice(-30).join('\n')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(150);
  }
  throw new Error(`${proc?.name ?? url} not ready after ${timeoutMs} ms (${last}):\n${proc?.lines.slice(-30).join('\n') ?? ''}`);
}

/** Runs `work` over `items` with at most `limit` at a time, in order of start. */
export async function pool<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}
