import { Redis } from 'ioredis';
import type { Listener, PubSub } from './pubsub';

export interface RedisPubSubOptions {
  /** Channel names are prefixed with this, so several deployments can share one Redis. */
  prefix?: string;
  /** Told about connection trouble; delivery recovers by itself (see onResync). */
  onError?: (error: Error) => void;
}

/**
 * Pubsub shared by every instance through Redis channels (one channel per
 * topic and key, subscribed while at least one local listener needs it).
 *
 * Redis delivers at most once: while a connection is down, events are lost.
 * The database stays the truth, so this class only says when to look again:
 * `onResync` fires each time the subscriber connection is back and its
 * channels are subscribed again.
 */
export class RedisPubSub<Topics extends Record<string, unknown>> implements PubSub<Topics> {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<Listener<unknown>>>();
  /** Per channel: settles once Redis has acknowledged the subscription (or could not be asked). */
  private readonly subscribed = new Map<string, Promise<void>>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly connectionWaiters = new Set<() => void>();
  private readonly prefix: string;
  private closed = false;

  constructor(url: string, private readonly options: RedisPubSubOptions = {}) {
    this.prefix = options.prefix ?? 'parley:';
    const retryStrategy = (attempt: number) => Math.min(100 * attempt, 1000);
    // Publishes made while Redis is away wait in ioredis's queue and go out on reconnect, in order.
    this.publisher = new Redis(url, { retryStrategy, lazyConnect: false });
    // No offline queue for the subscriber: a subscription asked for while Redis is away
    // settles at once, and the resubscribe on reconnect (then onResync) covers it.
    this.subscriber = new Redis(url, { retryStrategy, enableOfflineQueue: false, autoResubscribe: false });
    const report = (error: Error) => this.options.onError?.(error);
    this.publisher.on('error', report);
    this.subscriber.on('error', report);
    this.subscriber.on('ready', () => void this.onSubscriberReady());
    this.subscriber.on('message', (channel: string, raw: string) => this.deliver(channel, raw));
  }

  async publish<K extends keyof Topics & string>(topic: K, key: string, payload: Topics[K]): Promise<void> {
    // Not awaited: the sender's answer must not wait for Redis; the database is the truth.
    this.publisher.publish(this.channel(topic, key), encode(payload)).catch((error: Error) => this.options.onError?.(error));
  }

  /** As publish, resolving once Redis took it: for a short-lived process (kb:import) that exits right after. */
  async publishConfirmed<K extends keyof Topics & string>(topic: K, key: string, payload: Topics[K]): Promise<void> {
    await this.publisher.publish(this.channel(topic, key), encode(payload));
  }

  subscribe<K extends keyof Topics & string>(topic: K, key: string, listener: Listener<Topics[K]>): () => void {
    const channel = this.channel(topic, key);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.subscribed.set(channel, this.redisSubscribe([channel]));
    }
    set.add(listener as Listener<unknown>);
    return () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener as Listener<unknown>) || current.size) return;
      this.listeners.delete(channel);
      this.subscribed.delete(channel);
      if (this.subscriber.status === 'ready') this.subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  /** Resolves once events other instances publish on this topic and key reach this one. */
  ready<K extends keyof Topics & string>(topic: K, key: string): Promise<void> {
    return this.subscribed.get(this.channel(topic, key)) ?? Promise.resolve();
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** Both connections are up and Redis answers PING within a second. */
  async ping(): Promise<boolean> {
    if (this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.publisher.ping(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 1000))),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.resyncListeners.clear();
    await Promise.all([this.publisher, this.subscriber].map((client) => closeClient(client)));
  }

  private channel(topic: string, key: string): string {
    return `${this.prefix}${topic}:${key}`;
  }

  private async redisSubscribe(channels: string[]): Promise<void> {
    if (!channels.length) return;
    if (this.subscriber.status !== 'ready') {
      // Connecting: wait for the resubscribe that follows the connection, a little only; onResync covers a longer wait.
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.connectionWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, 2000);
        this.connectionWaiters.add(done);
      });
      return;
    }
    await this.subscriber.subscribe(...channels).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Connected (first time or after a loss): subscribe every channel, then everyone re-reads what they may have missed. */
  private async onSubscriberReady(): Promise<void> {
    await this.redisSubscribe([...this.listeners.keys()]);
    for (const waiter of [...this.connectionWaiters]) waiter();
    for (const listener of [...this.resyncListeners]) listener();
  }

  private deliver(channel: string, raw: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    const payload = decode(raw);
    for (const listener of [...set]) listener(payload);
  }
}

/** QUIT (sends what is queued) when connected, within a second; otherwise drop the connection: the database is the truth. */
async function closeClient(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.quit().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 1000)))]);
  clearTimeout(timer);
  client.disconnect();
}

// Dates survive the trip as {"$date": iso}; a user's text is never an object, so nothing else is revived.
function encode(payload: unknown): string {
  return JSON.stringify(payload, function (this: Record<string, unknown>, key, value) {
    return this[key] instanceof Date ? { $date: value } : value;
  });
}

function decode(raw: string): unknown {
  return JSON.parse(raw, (_key, value) =>
    value && typeof value === 'object' && typeof value.$date === 'string' && Object.keys(value).length === 1 ? new Date(value.$date) : value,
  );
}
