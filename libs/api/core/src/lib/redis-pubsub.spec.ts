import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { freePort } from '@parley/api/testing';
import { RedisPubSub } from './redis-pubsub';

// Against a private redis-server on a free loopback port, started and stopped here.
interface Topics extends Record<string, unknown> {
  said: { text: string; at: Date };
}

let port: number;
let server: ChildProcess | undefined;
const open: RedisPubSub<Topics>[] = [];


const listening = () =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function startRedis() {
  server = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { cwd: tmpdir(), stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await listening()); i++) await new Promise((r) => setTimeout(r, 50));
}

async function stopRedis() {
  const running = server;
  if (!running || running.exitCode !== null) return;
  const exited = new Promise((r) => running.once('exit', r));
  running.kill('SIGKILL');
  await exited;
}

function pubsub() {
  const created = new RedisPubSub<Topics>(`redis://127.0.0.1:${port}`, { prefix: `spec${port}:` });
  open.push(created);
  return created;
}

function nextEvent<T>(subscribeTo: (listener: (value: T) => void) => () => void, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no event')), timeoutMs);
    const stop = subscribeTo((value) => {
      clearTimeout(timer);
      stop();
      resolve(value);
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
});

afterAll(async () => {
  await Promise.all(open.map((p) => p.close()));
  await stopRedis();
});

describe('RedisPubSub', () => {
  it('carries events between instances, keyed, with dates intact, once the subscription is confirmed', async () => {
    const a = pubsub();
    const b = pubsub();
    const heard: Array<Topics['said']> = [];
    const otherKey: unknown[] = [];
    b.subscribe('said', 'room-1', (e) => heard.push(e));
    b.subscribe('said', 'room-2', (e) => otherKey.push(e));
    await b.ready('said', 'room-1');
    const at = new Date('2026-01-02T03:04:05.678Z');
    const arrived = nextEvent<Topics['said']>((l) => b.subscribe('said', 'room-1', l));
    await a.publish('said', 'room-1', { text: '{"$date":"not a date"}', at });
    const event = await arrived;
    expect(event.at).toBeInstanceOf(Date);
    expect(event.at.getTime()).toBe(at.getTime());
    expect(event.text).toBe('{"$date":"not a date"}');
    expect(heard).toHaveLength(1);
    expect(otherKey).toHaveLength(0);
    expect(await a.ping()).toBe(true);
  });

  it('reports a lost and recovered Redis through onResync, and is not ready meanwhile', async () => {
    const a = pubsub();
    const b = pubsub();
    b.subscribe('said', 'room-3', () => undefined);
    await b.ready('said', 'room-3');
    const resynced = nextEvent<void>((l) => b.onResync(() => l()), 15_000);
    await stopRedis();
    expect(await b.ping()).toBe(false);
    await startRedis();
    await resynced;
    // Its publishing connection comes back on its own schedule.
    let up = false;
    for (let i = 0; i < 50 && !up; i++) up = (await b.ping()) || (await new Promise((r) => setTimeout(r, 100)), false);
    expect(up).toBe(true);
    // Subscribed again after the loss: events flow as before.
    const arrived = nextEvent<Topics['said']>((l) => b.subscribe('said', 'room-3', l));
    await a.publish('said', 'room-3', { text: 'back', at: new Date() });
    expect((await arrived).text).toBe('back');
  }, 30_000);
});
