import type { Redis } from 'ioredis';
import { Role, SOCKET_HEARTBEAT_MS, type SocketListener, type Viewer } from '@parley/api/core';

/** A hold lasts this long unless renewed: each heartbeat a socket answers renews it, so a few missed ones end it. */
const HOLD_MS = 3 * SOCKET_HEARTBEAT_MS;

/**
 * Which customers have a WebSocket open, on any instance: each open socket
 * holds its user "present" (in Redis when configured, else in this process),
 * renewed at every heartbeat it answers. A closed socket lets go at once; an
 * instance that dies lets its holds lapse within HOLD_MS.
 */
export class CustomerPresence implements SocketListener {
  private readonly memory = new Map<string, Map<string, number>>();

  constructor(
    private readonly redis?: Redis,
    private readonly prefix = 'parley:',
  ) {}

  stop(): void {
    this.redis?.disconnect();
  }

  async opened(viewer: Viewer, connectionId: string): Promise<void> {
    if (viewer.role === Role.CUSTOMER) await this.hold(viewer.id, connectionId, Date.now() + HOLD_MS);
  }

  async alive(viewer: Viewer, connectionId: string): Promise<void> {
    if (viewer.role === Role.CUSTOMER) await this.hold(viewer.id, connectionId, Date.now() + HOLD_MS);
  }

  async closed(viewer: Viewer, connectionId: string): Promise<void> {
    if (viewer.role === Role.CUSTOMER) await this.release(viewer.id, connectionId);
  }

  /** Whether the user has a socket open anywhere now. */
  async present(userId: string): Promise<boolean> {
    const now = Date.now();
    if (this.redis) return (await this.redis.zcount(this.key(userId), `(${now}`, '+inf')) > 0;
    return [...(this.memory.get(userId)?.values() ?? [])].some((until) => until > now);
  }

  private async hold(userId: string, connectionId: string, until: number): Promise<void> {
    if (this.redis) {
      // One sorted set per customer: member = connection, score = end of its hold; the key expires with its last hold.
      const key = this.key(userId);
      await this.redis.multi().zadd(key, until, connectionId).zremrangebyscore(key, '-inf', Date.now()).pexpire(key, HOLD_MS + 1000).exec();
      return;
    }
    let holds = this.memory.get(userId);
    if (!holds) this.memory.set(userId, (holds = new Map()));
    holds.set(connectionId, until);
  }

  private async release(userId: string, connectionId: string): Promise<void> {
    if (this.redis) {
      await this.redis.zrem(this.key(userId), connectionId);
      return;
    }
    const holds = this.memory.get(userId);
    holds?.delete(connectionId);
    if (holds && !holds.size) this.memory.delete(userId);
  }

  private key(userId: string): string {
    return `${this.prefix}customer-sockets:${userId}`;
  }
}
