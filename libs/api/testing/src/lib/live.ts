// What specs of live delivery share: the server's count of running
// subscriptions (to wait for a subscription rather than sleep), one deployment
// of several instances over Redis, and a real HTTP language model for the bot.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '@parley/api/config';
import type { TestServer } from './test-server';

/** How many subscriptions of this root field the server runs (its /metrics gauge). */
export async function subscriptionCount(api: Pick<TestServer, 'url'>, field: string): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`parley_subscriptions_active{operation="${field}"}`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

/** Waits until the server runs at least `count` subscriptions of this root field. */
export async function waitForSubscriptions(api: Pick<TestServer, 'url'>, field: string, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await subscriptionCount(api, field)) >= count) return;
    if (Date.now() > deadline) throw new Error(`${field}: fewer than ${count} subscriptions running`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The settings that make test servers one deployment: the same Redis (under a
 * prefix of this run's own, since Redis outlives test runs) and the same
 * signing secret. Give the second instance the first one's `databaseUrl` too.
 */
export function sharedDeployment(): Pick<Config, 'redisUrl' | 'redisPrefix' | 'jwtSecret'> {
  return {
    redisUrl: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    redisPrefix: `parley-${randomBytes(4).toString('hex')}:`,
    jwtSecret: new Uint8Array(randomBytes(32)),
  };
}

export interface FakeModel {
  /** The OpenAI-style base URL to give the server's `llm.baseUrl`. */
  baseUrl: string;
  /** Every request body the model was sent, as sent. */
  bodies: string[];
  close(): Promise<void>;
}

/**
 * A real HTTP server as the bot's language model (chat completions): it
 * answers every request with `answer` and keeps what it was sent. Without an
 * answer it never replies (a model that hangs).
 */
export async function startFakeModel(answer?: string): Promise<FakeModel> {
  const bodies: string[] = [];
  const server = await new Promise<Server>((resolve) => {
    const created = createServer((req, res) => {
      if (answer === undefined) return;
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        bodies.push(body);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: answer } }] }));
      });
    }).listen(0, '127.0.0.1', () => resolve(created));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    bodies,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
